"""Triglot's /translate against LibreTranslate 1.9.6 in the same run: same fixture packages,
same CTranslate2 threads, both on loopback, measured interleaved.

- one request at a time: each sentence through Triglot, LibreTranslate and CTranslate2 +
  SentencePiece called directly in this process (the order rotates every sentence); the
  medians, and the medians of the per-sentence ratios to the direct call;
- N concurrent clients (16 by default), each with its own kept-alive connection, for
  ``--seconds`` on each server, the servers alternating for ``--rounds`` rounds: requests/s,
  p50, p99 and errors, and Triglot's throughput over LibreTranslate's; and as many threads
  calling CTranslate2 directly, the most two decoders can give (the ceiling).

Sentences alternate (both servers would answer a repeated request from a cache). Both answers
are checked against each other: the copy fixture gives every sentence back; a model of real
size (``--package``, written by ``bench/realsize_model.py``) gives the same noise on every side,
since all three decode with argostranslate's options (beam 4, length penalty 0.2, unknowns
replaced, CTranslate2's default maximum length of 256).

LibreTranslate runs in its own virtual environment, ``.bench-venvs/libretranslate``
(git-ignored), made on the first run with ``python -m venv`` and ``pip install
libretranslate==1.9.6 onnx`` (about a minute; ~340 MB; its ``argos-translate-lt`` needs no
torch). It is started offline: XDG folders and ``ARGOS_PACKAGES_DIR`` in a temporary folder
holding the three fixture packages (with fewer than two, it contacts the package index at
start), ``LT_UPDATE_MODELS=false``, and a rule-based MiniSBD splitter (``../shared/bench/
minisbd_rule_model.py``, cheaper than the neural one it would download) for fr, en and vi.
Its CTranslate2 settings are Triglot's: ``ARGOS_INTER_THREADS`` / ``ARGOS_INTRA_THREADS`` /
``ARGOS_COMPUTE_TYPE`` (its defaults, inter 1 and intra 0, are much slower on small
machines and no fair anchor). Its web server keeps its own default of 4 threads
(``--lt-threads``).

    .venv/bin/python bench/vs_libretranslate.py [--package FILE] [--requests 200] [--clients 16]
        [--seconds 10] [--rounds 2] [--inter 2] [--intra 1]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.server import free_port, installed, served  # noqa: E402
from bench.translate_latency import SENTENCES, _direct  # noqa: E402

LT_VERSION = "1.9.6"
LT_VENV = ROOT / ".bench-venvs" / "libretranslate"
MODELS = ROOT / "tests" / "fixtures" / "models"
FIXTURE = MODELS / "fr_en.argosmodel"
OTHERS = [MODELS / f"{pair}.argosmodel" for pair in ("en_fr", "vi_en")]
SPLITTER = ROOT.parent / "shared" / "bench" / "minisbd_rule_model.py"

Post = Callable[[str], str]


def lt_venv() -> Path:
    """LibreTranslate's own environment, made if missing; returns its ``bin`` folder."""
    bin_dir = LT_VENV / "bin"
    if not (bin_dir / "libretranslate").exists():
        print(f"making {LT_VENV} (python -m venv; pip install libretranslate=={LT_VERSION} onnx)")
        subprocess.run([sys.executable, "-m", "venv", str(LT_VENV)], check=True)
        subprocess.run(
            [str(bin_dir / "pip"), "install", "-q", f"libretranslate=={LT_VERSION}", "onnx"],
            check=True,
        )
    return bin_dir


def _wait_ready(port: int, server: subprocess.Popen[bytes], what: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/languages")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"{what} did not start (exit {server.poll()})")
        time.sleep(0.3)


@contextmanager
def lt_served(
    bin_dir: Path, package: Path, *, inter: int, intra: int, threads: int
) -> Iterator[int]:
    """LibreTranslate on a free loopback port, offline, with ``package`` (fr->en) and the
    en->fr and vi->en fixtures; yields the port once /languages answers."""
    if not SPLITTER.exists():
        raise SystemExit(f"{SPLITTER} is missing: ../shared must sit beside the repo")
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        packages = home / "packages"
        packages.mkdir()
        for each in (package, *OTHERS):
            with zipfile.ZipFile(each) as archive:
                archive.extractall(packages)  # one top-level folder per package
        minisbd = home / "data" / "argos-translate" / "minisbd"
        minisbd.mkdir(parents=True)
        for lang in ("fr", "en", "vi"):
            subprocess.run(
                [str(bin_dir / "python"), str(SPLITTER), str(minisbd / f"{lang}.onnx")],
                check=True,
                capture_output=True,
            )
        env = {
            **os.environ,
            "HOME": str(home),
            "XDG_DATA_HOME": str(home / "data"),
            "XDG_CONFIG_HOME": str(home / "config"),
            "XDG_CACHE_HOME": str(home / "cache"),
            "ARGOS_PACKAGES_DIR": str(packages),
            "ARGOS_DEVICE_TYPE": "cpu",
            "ARGOS_INTER_THREADS": str(inter),
            "ARGOS_INTRA_THREADS": str(intra),
            "ARGOS_COMPUTE_TYPE": "default",
            "LT_UPDATE_MODELS": "false",
        }
        port = free_port()
        command = [str(bin_dir / "libretranslate"), "--host", "127.0.0.1", "--port", str(port)]
        command += ["--load-only", "fr,en,vi", "--disable-web-ui", "--threads", str(threads)]
        log = home / "libretranslate.log"
        with log.open("wb") as out:
            server = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
            try:
                _wait_ready(port, server, "libretranslate", 120)
                yield port
            except BaseException:
                print(log.read_text(errors="replace")[-2000:], file=sys.stderr)
                raise
            finally:
                server.terminate()
                server.wait(timeout=20)


def client(port: int) -> Post:
    """One kept-alive connection: text -> translatedText (any other answer raises)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def post(text: str) -> str:
        body = json.dumps({"q": text, "source": "fr", "target": "en"})
        conn.request("POST", "/translate", body, {"Content-Type": "application/json"})
        res = conn.getresponse()
        data = json.loads(res.read())
        if res.status != 200:
            raise RuntimeError(f"{res.status}: {data}")
        return str(data["translatedText"])

    return post


def decoded(answer: str) -> str:
    """What the decoder gave, less LibreTranslate's reformatting of its answer
    (``improve_translation_formatting``: the first letter takes the case of the source's,
    the final punctuation follows the source's). The copy fixture gives the source back, so
    it never shows; a model of real size does."""
    answer = answer.rstrip("!?.,;。")
    return answer[:1].lower() + answer[1:]


def latency(sides: dict[str, Post], n: int) -> dict[str, list[float]]:
    """Each sentence through every side in turn, the order rotating: seconds per call."""
    names = list(sides)
    times: dict[str, list[float]] = {name: [] for name in names}
    for i in range(n):
        text = SENTENCES[i % len(SENTENCES)]
        answers = {}
        for k in range(len(names)):
            name = names[(i + k) % len(names)]
            start = time.perf_counter()
            answers[name] = sides[name](text)
            times[name].append(time.perf_counter() - start)
        if len({decoded(answer) for answer in answers.values()}) != 1:
            raise SystemExit(f"the sides disagree on {text!r}: {answers}")
    return times


def load(make: Callable[[], Post], clients: int, seconds: float) -> tuple[float, float, float, int]:
    """``clients`` closed-loop clients (``make`` gives each its own) for ``seconds``:
    (requests/s, p50 s, p99 s, errors)."""
    stop = time.monotonic() + seconds
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def worker(k: int) -> None:
        post = make()
        mine: list[float] = []
        i = k
        while time.monotonic() < stop:
            start = time.perf_counter()
            try:
                post(SENTENCES[i % len(SENTENCES)])
            except (OSError, RuntimeError, http.client.HTTPException):
                with lock:
                    errors[0] += 1
                post = make()
            mine.append(time.perf_counter() - start)
            i += 1
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(clients)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, round(0.99 * (len(latencies) - 1)))]
    return len(latencies) / elapsed, statistics.median(latencies), p99, errors[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--package",
        type=Path,
        default=FIXTURE,
        help="the fr->en package both servers decode (default: the copy fixture; a model of "
        "real size: bench/realsize_model.py)",
    )
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--inter", type=int, default=2, help="CTranslate2 inter threads")
    parser.add_argument("--intra", type=int, default=1, help="CTranslate2 intra threads")
    parser.add_argument("--lt-threads", type=int, default=4, help="LibreTranslate's --threads")
    args = parser.parse_args()
    bin_dir = lt_venv()
    version = subprocess.run(
        [str(bin_dir / "python"), "-c", "import importlib.metadata as m; "
         "print(m.version('libretranslate'))"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    threads = {"TRIGLOT_INTER_THREADS": str(args.inter), "TRIGLOT_INTRA_THREADS": str(args.intra)}
    print(
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load average "
        f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs; LibreTranslate {version} "
        f"(--threads {args.lt_threads}); CTranslate2 inter {args.inter}, intra {args.intra} "
        f"on every side; fr->en package: {args.package.name}"
    )
    with (
        served(args.package, **threads) as (port, packages),
        lt_served(
            bin_dir, args.package, inter=args.inter, intra=args.intra, threads=args.lt_threads
        ) as lt_port,
    ):
        package_dir = installed(packages)
        direct = _direct(package_dir, inter_threads=args.inter, intra_threads=args.intra)
        sides: dict[str, Post] = {
            "Triglot": client(port),
            "LibreTranslate": client(lt_port),
            "direct": direct,
        }
        latency(sides, 10)  # warm every side
        times = latency(sides, args.requests)
        base = times["direct"]
        print(f"one request at a time, {args.requests} sentences (median, ratio to direct):")
        for name, values in times.items():
            ratio = statistics.median(v / b for v, b in zip(values, base, strict=True))
            print(f"  {name:15} {statistics.median(values) * 1000:6.2f} ms  {ratio:.2f}x")
        print(
            f"{args.clients} concurrent clients, {args.seconds:g} s a side, alternating "
            "(direct: as many threads calling CTranslate2 in this process, the ceiling):"
        )
        makers: dict[str, Callable[[], Post]] = {
            "Triglot": lambda: client(port),
            "LibreTranslate": lambda: client(lt_port),
            "direct": lambda: direct,
        }
        totals: dict[str, list[float]] = {name: [] for name in makers}
        for r in range(args.rounds):
            for name, make in makers.items():
                rate, p50, p99, errors = load(make, args.clients, args.seconds)
                totals[name].append(rate)
                print(
                    f"  round {r + 1} {name:15} {rate:7.1f} req/s  p50 {p50 * 1000:6.1f} ms  "
                    f"p99 {p99 * 1000:6.1f} ms  errors {errors}"
                )
        ours, theirs = sum(totals["Triglot"]), sum(totals["LibreTranslate"])
        ceiling = sum(totals["direct"])
        print(
            f"throughput, Triglot over LibreTranslate: {ours / theirs:.2f}x; over the direct "
            f"ceiling: Triglot {ours / ceiling:.2f}, LibreTranslate {theirs / ceiling:.2f}"
        )
    print(f"load average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
