"""/translate latency and throughput against direct CTranslate2 calls on the same package.

Starts `triglot serve` on loopback with one package installed (the fr->en copy fixture by
default, or `--package FILE.argosmodel` for a real model), then measures, in the same run:

- latency of one sentence: POST /translate over a kept-alive HTTP connection, against the
  package's own tokenizer + `ctranslate2.Translator.translate_batch` + detokenizer called
  directly in this process (same compute type, beam 4, one thread), each sentence through both
  right after each other (the median of the per-sentence ratios is reported);
- the request path alone: fr->fr requests, answered without tokenising or decoding;
- throughput with 16 concurrent clients, against 16 threads calling CTranslate2 directly.

Sentences alternate (argostranslate-style caches would otherwise answer repeats at once).

    .venv/bin/python bench/translate_latency.py [--package FILE] [--requests 200]
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.server import FIXTURE, installed, served  # noqa: E402

SENTENCES = [
    line.strip()
    for line in (ROOT / "seeds" / "000_73caa743acbd0cff.txt").read_text(encoding="utf-8").split(".")
    if 40 < len(line.strip()) < 200
]


def _post(conn: http.client.HTTPConnection, text: str, target: str = "en") -> str:
    body = json.dumps({"q": text, "source": "fr", "target": target})
    conn.request("POST", "/translate", body, {"Content-Type": "application/json"})
    res = conn.getresponse()
    data = json.loads(res.read())
    if res.status != 200:
        raise RuntimeError(data)
    return str(data["translatedText"])


def _direct(package_dir: Path, *, inter_threads: int = 2, intra_threads: int = 1):  # type: ignore[no-untyped-def]
    import ctranslate2  # noqa: PLC0415
    import sentencepiece as spm  # noqa: PLC0415

    translator = ctranslate2.Translator(
        str(package_dir / "model"),
        device="cpu",
        compute_type="default",
        intra_threads=intra_threads,
        inter_threads=inter_threads,
    )
    sp = spm.SentencePieceProcessor(model_file=str(package_dir / "sentencepiece.model"))

    def run(text: str) -> str:
        tokens = sp.encode(text, out_type=str)
        result = translator.translate_batch(
            [tokens], beam_size=4, length_penalty=0.2, replace_unknowns=True
        )
        return str(sp.decode_pieces(result[0].hypotheses[0]))

    return run


def _paired_latency(ours, peer, n: int) -> tuple[float, float, float]:  # type: ignore[no-untyped-def]
    """Each sentence through both sides, one right after the other, alternating which goes
    first, so that the machine's drift hits both alike. Returns the two medians and the
    median of the per-sentence ratios."""
    a, b, ratios = [], [], []
    for i in range(n):
        text = SENTENCES[i % len(SENTENCES)]
        pair = []
        for fn in (ours, peer) if i % 2 == 0 else (peer, ours):
            start = time.perf_counter()
            fn(text)
            pair.append(time.perf_counter() - start)
        t_ours, t_peer = pair if i % 2 == 0 else pair[::-1]
        a.append(t_ours)
        b.append(t_peer)
        ratios.append(t_ours / t_peer)
    return statistics.median(a), statistics.median(b), statistics.median(ratios)


def _throughput(make_fn, clients: int, per_client: int) -> float:  # type: ignore[no-untyped-def]
    def worker(k: int) -> None:
        fn = make_fn()
        for i in range(per_client):
            fn(SENTENCES[(k + i) % len(SENTENCES)])

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return clients * per_client / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--package", type=Path, default=FIXTURE)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--clients", type=int, default=16)
    args = parser.parse_args()
    # The same CTranslate2 settings on both sides: 1 thread per decode, 2 decodes at once.
    with served(args.package, TRIGLOT_INTER_THREADS="2", TRIGLOT_INTRA_THREADS="1") as (
        port,
        packages,
    ):
        package_dir = installed(packages)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        direct = _direct(package_dir)
        for text in SENTENCES[:5]:  # warm both sides
            direct(text)
            _post(conn, text)
        ours, peer, ratio = _paired_latency(lambda t: _post(conn, t), direct, args.requests)
        print(f"package: {package_dir.name}")
        print(
            f"one sentence, {args.requests} paired runs: /translate median {ours * 1000:.2f} ms, "
            f"direct CTranslate2 median {peer * 1000:.2f} ms, median ratio {ratio:.2f}x, "
            f"overhead {(ours - peer) * 1000:.2f} ms"
        )
        # The request path alone: source = target is answered without tokenising or decoding
        # (client, HTTP, edge checks, parameters, memory, response).
        path_only = []
        for i in range(args.requests):
            start = time.perf_counter()
            _post(conn, SENTENCES[i % len(SENTENCES)], "fr")
            path_only.append(time.perf_counter() - start)
        print(
            f"the request path alone (fr->fr, no decode): median "
            f"{statistics.median(path_only) * 1000:.2f} ms a request, client included"
        )
        per_client = max(1, args.requests // args.clients)

        def client() -> object:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            return lambda text: _post(conn, text)

        ours_tp = _throughput(client, args.clients, per_client)
        peer_tp = _throughput(lambda: direct, args.clients, per_client)
        print(
            f"{args.clients} concurrent clients: /translate {ours_tp:.1f} sentences/s, "
            f"direct CTranslate2 {peer_tp:.1f} sentences/s, ratio {ours_tp / peer_tp:.2f}"
        )


if __name__ == "__main__":
    main()
