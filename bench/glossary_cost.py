"""What a glossary costs a /translate request: the same sentences with and without one.

Starts `triglot serve` on loopback with the fr->en copy fixture (or `--package`), then sends
each sentence twice in a row over one kept-alive connection, once naming the shipped glossary
(`glossary=vn-government-news`, its current version: one indexed query off the event loop, the
parsed version from the cache) and once without, alternating which goes first; reports the
medians and the median of the per-sentence differences, in ms. Two sets of sentences: with
one glossary term each (enforcement runs: placeholders, restoring, checking) and with none
(only choosing the glossary and finding no term). Target (issue 15): +1.5 ms at most.

    .venv/bin/python bench/glossary_cost.py [--requests 300] [--package FILE]
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.server import FIXTURE, served  # noqa: E402

NAME = "vn-government-news"
WITH_TERM = [
    "Le Premier ministre a reçu mardi {n} ambassadeurs dans la capitale.",
    "Le Premier ministre a présidé {n} réunions sur la croissance cette semaine.",
    "Selon le Premier ministre, {n} projets seront achevés avant la fin de l'année.",
]
WITHOUT_TERM = [
    "Le ministre a reçu mardi {n} délégués dans la capitale.",
    "La réunion a duré {n} heures et a porté sur les routes.",
    "Selon le journal, {n} projets seront achevés avant la fin de l'année.",
]


def _post(conn: http.client.HTTPConnection, text: str, glossary: str | None) -> dict[str, object]:
    body: dict[str, object] = {"q": text, "source": "fr", "target": "en"}
    if glossary is not None:
        body["glossary"] = glossary
    conn.request("POST", "/translate", json.dumps(body), {"Content-Type": "application/json"})
    res = conn.getresponse()
    data: dict[str, object] = json.loads(res.read())
    if res.status != 200:
        raise RuntimeError(data)
    return data


def _paired(
    conn: http.client.HTTPConnection, templates: list[str], n: int
) -> tuple[float, float, float]:
    """Medians (ms) with and without the glossary, and the median per-sentence difference."""
    with_g, without, deltas = [], [], []
    for i in range(n):
        text = templates[i % len(templates)].format(n=i)  # distinct texts: no cache answers
        times = {}
        for glossary in (NAME, None) if i % 2 == 0 else (None, NAME):
            start = time.perf_counter()
            _post(conn, text, glossary)
            times[glossary] = time.perf_counter() - start
        with_g.append(times[NAME])
        without.append(times[None])
        deltas.append(times[NAME] - times[None])
    return (
        statistics.median(with_g) * 1000,
        statistics.median(without) * 1000,
        statistics.median(deltas) * 1000,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--package", type=Path, default=FIXTURE)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    with served(args.package, TRIGLOT_INTER_THREADS="2", TRIGLOT_INTRA_THREADS="1") as (
        port,
        packages,
    ):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        check = _post(conn, WITH_TERM[0].format(n=1), NAME)
        assert check["glossary_report"]["compliant"], check  # type: ignore[index]
        for i in range(20):  # warm both paths
            _post(conn, WITH_TERM[i % 3].format(n=i), NAME)
            _post(conn, WITH_TERM[i % 3].format(n=i), None)
        print(f"package: {next(packages.iterdir()).name}; glossary {NAME} (52 concepts)")
        for label, templates in (("one term", WITH_TERM), ("no term", WITHOUT_TERM)):
            w, wo, delta = _paired(conn, templates, args.requests)
            print(
                f"{label:>8}, {args.requests} paired requests: with glossary {w:.2f} ms, "
                f"without {wo:.2f} ms, median difference {delta:+.2f} ms (target +1.50 ms)"
            )


if __name__ == "__main__":
    main()
