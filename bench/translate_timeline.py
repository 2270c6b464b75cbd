"""Where the time of one `POST /translate` goes, against the direct call, on a live server.

Starts `triglot serve` (one package, the fr->en copy fixture by default; CTranslate2 inter 2 /
intra 1, as ``bench/translate_latency.py``) with timestamps inside the server
(``bench/_timeline_hooks.py``, loaded through a ``sitecustomize`` in a temporary folder: the
served code is unchanged), then sends each sentence once to the server and once through the
package's tokenizer + ``translate_batch`` + detokenizer in this process, alternating. Prints the
median of each span of a served request (client send to server receive, server Python before
the decoder, the decode, the wake-up back to the event loop, Python after it, server send to
client answer) beside the direct call's median.

    .venv/bin/python bench/translate_timeline.py [--package FILE] [--requests 300]
"""

from __future__ import annotations

import argparse
import http.client
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.server import FIXTURE, installed, served  # noqa: E402
from bench.translate_latency import SENTENCES, _direct, _post  # noqa: E402

SPANS = [
    ("client sends -> server receives", "sent_by_client", "received"),
    ("server Python before the decoder", "received", "queued"),
    ("starting the decode (translate_batch, asynchronous)", "queued", "decoding"),
    ("the decode, until its waiter wakes", "decoding", "decoded"),
    ("waiter -> event loop wake-up", "decoded", "resumed"),
    ("server Python after the decode, to the write", "resumed", "sent"),
    ("server sends -> client has the answer", "sent", "answered"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--package", type=Path, default=FIXTURE)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        hooks = Path(tmp)
        (hooks / "sitecustomize.py").write_text(
            "import bench._timeline_hooks\nbench._timeline_hooks.install()\n", encoding="utf-8"
        )
        out = hooks / "timeline.txt"
        client: list[tuple[int, int]] = []
        direct_ms: list[float] = []
        with served(
            args.package,
            TRIGLOT_INTER_THREADS="2",
            TRIGLOT_INTRA_THREADS="1",
            TRIGLOT_TIMELINE=str(out),
            PYTHONPATH=f"{hooks}:{ROOT}",
        ) as (port, packages):
            direct = _direct(installed(packages))
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            for text in SENTENCES[:5]:  # warm both sides
                direct(text)
                _post(conn, text)
            for i in range(args.requests):
                text = SENTENCES[i % len(SENTENCES)]
                began = time.perf_counter_ns()
                direct(text)
                direct_ms.append((time.perf_counter_ns() - began) / 1e6)
                sent = time.perf_counter_ns()
                _post(conn, text)
                client.append((sent, time.perf_counter_ns()))
        rows = []
        for line in out.read_text(encoding="utf-8").splitlines()[-args.requests :]:
            rows.append({k: int(v) for k, v in (kv.split("=") for kv in line.split())})
    if len(rows) != len(client) or any("decoded" not in r for r in rows):
        raise SystemExit(
            f"{len(rows)} timed requests for {len(client)} sent, or a decode not begun on the "
            "caller's thread: the hooks no longer fit the server's code"
        )
    for row, (sent, answered) in zip(rows, client, strict=True):
        row["sent_by_client"], row["answered"] = sent, answered
    print(f"package: {args.package.name}, {len(rows)} sentences; ms, median and mean")
    for name, a, b in SPANS:
        spans = [(r[b] - r[a]) / 1e6 for r in rows]
        print(f"  {name:<52} {statistics.median(spans):7.3f} {statistics.mean(spans):7.3f}")
    served_ms = [(r["answered"] - r["sent_by_client"]) / 1e6 for r in rows]
    for name, times in (
        ("served request, client to client", served_ms),
        ("direct tokenizer + translate_batch + detokenizer", direct_ms),
    ):
        print(f"  {name:<52} {statistics.median(times):7.3f} {statistics.mean(times):7.3f}")
    ratio = statistics.median(served_ms) / statistics.median(direct_ms)
    print(f"ratio of the medians {ratio:.2f}x")


if __name__ == "__main__":
    main()
