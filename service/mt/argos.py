"""The Argos engine: :class:`TranslationEngine` on argostranslate and CTranslate2.

``ArgosEngine`` finds packages with argostranslate's own discovery in a folder under
``TRIGLOT_DATA_DIR``, tokenises with each package's tokenizer, and decodes with the package's
CTranslate2 model using argostranslate's decoding options (target prefix, beam 4, length
penalty 0.2, unknowns replaced), but batched across segments and with hooks for forced
decoding. Offline by construction: argostranslate's XDG folders point under the data folder
before its first import, no package index is ever contacted, and sentences are split by the
package's own MiniSBD model when it ships one, otherwise by Triglot's rule-based splitter
(argostranslate would download a MiniSBD model from the network).

Installs and removals reach running engines without a restart: every lookup checks, at most
every :data:`CHECK_INTERVAL` seconds, the packages folder and its generation marker (two
``stat`` calls; :mod:`service.mt.packages` bumps the marker on every change), and on a change
builds a new set of packages and swaps it in whole. A request holds the packages of its route
from the start, so requests in flight finish on the old set; packages unchanged by the
install keep their loaded model. Folders whose name starts with a dot (staging, trash) are
never packages.

Converted OPUS-MT and NLLB/M2M-100 packages (``triglot models build``) go through the same
path: their :class:`~service.mt.packages.Codec` adds source language tokens and end-of-sentence
tokens, forces the target language token and decodes with the target SentencePiece model.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import logging
import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

from aligner.sentences import split as split_sentences
from service.mt.batcher import Batcher, DecodeJob
from service.mt.engine import (
    Forced,
    NoRouteError,
    PackageInfo,
    PackageUnavailableError,
    Provenance,
    Translated,
)
from service.mt.packages import GENERATION_FILE, Codec, PackageError, parse_metadata

log = logging.getLogger(__name__)

CHECK_INTERVAL = 0.5
"""Seconds between two checks of the packages folder for installs and removals."""

RETIRE_AFTER = 120.0
"""Seconds a replaced package's decoder threads stay up for requests that started on it."""


@dataclass(frozen=True, slots=True)
class _Plan:
    layout: list[list[list[int]]]  # text -> paragraph -> positions of its sentences' pieces
    job: DecodeJob


@dataclass
class _Loaded:
    info: PackageInfo
    package: Any  # argostranslate.package.Package
    sentencizer: Any
    codec: Codec = field(default_factory=Codec)
    stamp: tuple[int, ...] = ()  # identity of the folder's files: reused while unchanged
    translator: Any = None  # ctranslate2.Translator, created on first use
    batcher: Batcher | None = None
    target_tokenizer: Any = None  # sentencepiece processor of codec.target_model
    lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass(frozen=True, slots=True)
class _Snapshot:
    """One installed set, never changed once built (a reload builds a new one)."""

    loaded: dict[tuple[str, str], _Loaded]  # the package serving each pair
    pairs: frozenset[tuple[str, str]]
    installed: tuple[_Loaded, ...]  # every package, serving or not


def prepare_argos_environment(argos_home: Path, packages_dir: Path) -> None:
    """Point argostranslate's folders under ``argos_home`` before it is first imported.

    argostranslate reads its settings and creates its folders when imported; after that its
    module globals are set directly, so one process can serve one data folder at a time.
    """
    for sub in ("data", "config", "cache"):
        (argos_home / sub).mkdir(parents=True, exist_ok=True)
    packages_dir.mkdir(parents=True, exist_ok=True)
    os.environ["XDG_DATA_HOME"] = str(argos_home / "data")
    os.environ["XDG_CONFIG_HOME"] = str(argos_home / "config")
    os.environ["XDG_CACHE_HOME"] = str(argos_home / "cache")
    os.environ["ARGOS_PACKAGES_DIR"] = str(packages_dir)
    os.environ.setdefault("ARGOS_DEVICE_TYPE", "cpu")
    from argostranslate import settings  # noqa: PLC0415

    settings.package_data_dir = packages_dir
    settings.package_dirs = [packages_dir]


class RuleSentencizer:
    """argostranslate's sentence-splitter interface over :mod:`aligner.sentences`."""

    def split_sentences(self, text: str) -> list[str]:
        return split_sentences(text) or [text]

    def __str__(self) -> str:
        return "TriglotRuleSentencizer"


class ArgosEngine:
    """Translation with installed Argos packages (see the module docstring)."""

    def __init__(
        self,
        packages_dir: Path,
        argos_home: Path,
        *,
        compute_type: str = "default",
        inter_threads: int = 1,
        intra_threads: int = 1,
        beam_size: int = 4,
    ) -> None:
        self.packages_dir = packages_dir
        self.argos_home = argos_home
        self.compute_type = compute_type
        self.inter_threads = inter_threads
        self.intra_threads = intra_threads
        self.beam_size = beam_size
        self._snapshot: _Snapshot | None = None
        self._stamp: tuple[int, ...] | None = None
        self._checked = 0.0
        self._lock = threading.Lock()
        self._prepared = False

    @functools.cached_property
    def name(self) -> str:
        """Engine and versions, for provenance (read once: package metadata is slow)."""
        return (
            f"argostranslate {version('argos-translate-lt')} / ctranslate2 {version('ctranslate2')}"
        )

    # --- packages ---------------------------------------------------------------------------

    def _folder_stamp(self) -> tuple[int, ...]:
        """What changes when a package is installed or removed: the folder's and the
        generation marker's inode and modification time (two ``stat`` calls)."""
        stamp: list[int] = []
        for path in (self.packages_dir, self.packages_dir / GENERATION_FILE):
            try:
                st = path.stat()
                stamp += [st.st_ino, st.st_mtime_ns, st.st_size]
            except FileNotFoundError:
                stamp += [0, 0, 0]
        return tuple(stamp)

    def _load(self) -> dict[tuple[str, str], _Loaded]:
        return self._current().loaded

    def _current(self) -> _Snapshot:
        """The installed set, rebuilt when the folder changed (checked at most every
        :data:`CHECK_INTERVAL` seconds; one thread rebuilds while the others go on with the
        set they have)."""
        snapshot = self._snapshot
        now = time.monotonic()
        if snapshot is not None and now - self._checked < CHECK_INTERVAL:
            return snapshot
        if snapshot is not None and not self._lock.acquire(blocking=False):
            return snapshot  # another thread is checking: go on with this set
        if snapshot is None:
            self._lock.acquire()
        try:
            snapshot = self._snapshot
            if snapshot is not None and time.monotonic() - self._checked < CHECK_INTERVAL:
                return snapshot
            stamp = self._folder_stamp()
            if snapshot is None or stamp != self._stamp:
                old = snapshot
                snapshot = self._build(old)
                self._snapshot = snapshot
                self._stamp = stamp
                if old is not None:
                    self._retire(old, snapshot)
                    log.info("packages changed: %s", sorted(snapshot.loaded))
            self._checked = time.monotonic()
            return snapshot
        finally:
            self._lock.release()

    def _build(self, old: _Snapshot | None) -> _Snapshot:
        if not self._prepared:
            prepare_argos_environment(self.argos_home, self.packages_dir)
            self._prepared = True
        from argostranslate.package import Package  # noqa: PLC0415

        reuse = {(lo.info.path, lo.stamp): lo for lo in (old.loaded.values() if old else ())}
        installed: list[_Loaded] = []
        folders = sorted(
            p for p in self.packages_dir.iterdir() if p.is_dir() and not p.name.startswith(".")
        )
        for folder in folders:
            try:
                stamp = _package_stamp(folder)
                if (folder, stamp) in reuse:
                    kept = reuse[folder, stamp]
                    installed.append(kept)
                    continue
                metadata = parse_metadata(folder.name, (folder / "metadata.json").read_bytes())
                if metadata.get("type", "translate") != "translate":
                    continue
                pkg = Package(folder)
            except (OSError, PackageError, ValueError, TypeError, KeyError) as exc:
                log.warning("skipping package folder %s: %s", folder, exc)
                continue
            info = PackageInfo(
                code=folder.name,
                src_lang=pkg.from_code,
                tgt_lang=pkg.to_code,
                src_name=pkg.from_name,
                tgt_name=pkg.to_name,
                version=str(pkg.package_version),
                name=str(metadata.get("name") or folder.name),
                path=folder,
            )
            if hasattr(pkg.tokenizer, "lazy_processor"):
                try:  # now, so that a request in flight never reads a removed folder for it
                    pkg.tokenizer.lazy_processor()
                except (RuntimeError, OSError) as exc:
                    log.warning("skipping package folder %s: tokenizer: %s", folder, exc)
                    continue
            installed.append(
                _Loaded(info, pkg, _sentencizer(pkg), codec=Codec.of(folder, metadata), stamp=stamp)
            )
        # several packages for one pair: the one installed last serves it (its folder is
        # the newest: installs extract into a new folder)
        loaded: dict[tuple[str, str], _Loaded] = {}
        for lo in sorted(installed, key=lambda lo: (lo.stamp[1], lo.info.code)):
            loaded[lo.info.src_lang, lo.info.tgt_lang] = lo
        direct = set(loaded)
        pivoted = {(a, c) for a, b in direct for b2, c in direct if b == b2 and a != c}
        return _Snapshot(loaded, frozenset(direct | pivoted), tuple(installed))

    @staticmethod
    def _retire(old: _Snapshot, new: _Snapshot) -> None:
        """Stop the batchers of packages no longer in use, once requests that started on
        them have had time to finish (their queued jobs are decoded before a worker stops)."""
        kept = {id(lo) for lo in new.installed}
        gone = [lo for lo in old.installed if id(lo) not in kept and lo.batcher]
        if gone:
            timer = threading.Timer(RETIRE_AFTER, _close_batchers, args=(gone,))
            timer.daemon = True
            timer.start()

    def packages(self) -> list[PackageInfo]:
        """Every installed package; ``serving`` is False for one that another package of
        the same pair, installed later, replaces."""
        snapshot = self._current()
        serving = {id(lo) for lo in snapshot.loaded.values()}
        return sorted(
            (
                lo.info if id(lo) in serving else dataclasses.replace(lo.info, serving=False)
                for lo in snapshot.installed
            ),
            key=lambda i: i.code,
        )

    def pairs(self) -> set[tuple[str, str]]:
        return set(self._current().pairs)

    def languages(self) -> set[str]:
        """Every language code an installed package reads or writes."""
        return {code for pair in self._current().pairs for code in pair}

    def reload(self) -> None:
        """Look at the packages folder again now (rather than within half a second)."""
        with self._lock:
            self._checked = 0.0
            self._stamp = None

    def warm(self) -> list[str]:
        """Load every serving package's model and decode one short input through it, so that
        the first request after a start does not pay for it (a model of real size takes
        about 0.2-1 s to load). Returns the labels of the packages warmed; one that fails is
        logged and skipped (a request to it reports the error as usual)."""
        warmed = []
        for loaded in self._current().loaded.values():
            try:
                self.translate_with(loaded, ["."])
            except (PackageUnavailableError, RuntimeError, ValueError, OSError) as exc:
                log.warning("could not warm %s: %s", loaded.info.label, exc)
                continue
            warmed.append(loaded.info.label)
        return warmed

    def route(self, src_lang: str, tgt_lang: str) -> list[_Loaded]:
        """The packages to chain from ``src_lang`` to ``tgt_lang``: one, or two through a
        middle language; :class:`NoRouteError` names the pair and how to install one."""
        loaded = self._load()
        if (src_lang, tgt_lang) in loaded:
            return [loaded[src_lang, tgt_lang]]
        for (a, mid), first in sorted(loaded.items()):
            if a == src_lang and (mid, tgt_lang) in loaded:
                return [first, loaded[mid, tgt_lang]]
        installed = ", ".join(f"{a}->{b}" for a, b in sorted(loaded)) or "none"
        raise NoRouteError(
            f"no translation package for {src_lang}->{tgt_lang} (installed: {installed}); "
            f"install one with `triglot models install FILE.argosmodel` or "
            f"`triglot models install --index URL {src_lang} {tgt_lang}`"
        )

    # --- translation ------------------------------------------------------------------------

    def translate(
        self,
        texts: Sequence[str],
        *,
        src_lang: str,
        tgt_lang: str,
        alternatives: int = 0,
    ) -> list[Translated]:
        """Translate each text (paragraphs kept: one per line); ``alternatives`` extra
        hypotheses per text come from the beam (for a pivot, from the last step)."""
        if src_lang == tgt_lang:
            prov = Provenance(self.name, ())
            return [Translated(t, (), prov) for t in texts]
        route = self.route(src_lang, tgt_lang)
        current: list[list[str]] = [[t] for t in texts]
        for step, loaded in enumerate(route):
            last = step == len(route) - 1
            n_hyp = 1 + alternatives if last else 1
            current = self.translate_with(loaded, [c[0] for c in current], num_hypotheses=n_hyp)
        return self._translated(route, current)

    def _translated(self, route: list[_Loaded], current: list[list[str]]) -> list[Translated]:
        provenance = Provenance(
            engine=self.name,
            packages=tuple(r.info.label for r in route),
            pivot=route[0].info.tgt_lang if len(route) > 1 else None,
        )
        out = []
        for hyps in current:
            alts = tuple(dict.fromkeys(h for h in hyps[1:] if h != hyps[0]))
            out.append(Translated(hyps[0], alts, provenance))
        return out

    def force(self, text: str, prefix: str, *, src_lang: str, tgt_lang: str) -> str | None:
        """Translate a one-sentence ``text`` continuing from the target ``prefix`` (forced
        decoding through CTranslate2's target_prefix). None when the text has several
        sentences or the route needs a pivot: the prefix would not sit in one decode."""
        route = self.route(src_lang, tgt_lang)
        if len(route) != 1 or "\n" in text:
            return None
        loaded = route[0]
        if len(loaded.sentencizer.split_sentences(text)) != 1:
            return None
        tokens = tuple(self._target_encode(loaded, prefix))
        [hyps] = self.translate_with(loaded, [text], forced={(0, 0, 0): Forced(tokens)})
        return hyps[0]

    def translate_with(
        self,
        loaded: _Loaded,
        texts: Sequence[str],
        *,
        num_hypotheses: int = 1,
        forced: dict[tuple[int, int, int], Forced] | None = None,
    ) -> list[list[str]]:
        """Hypotheses for each text through one package, all sentences in one batch.

        ``forced`` maps (text, paragraph, sentence) indices to a target prefix to continue
        from. Returns, per text, ``num_hypotheses`` strings (best first).
        """
        plan = self._plan(loaded, texts, num_hypotheses, forced)
        results = self._batcher(loaded).run(plan.job) if plan.job.batch else []
        return self._finish(loaded, plan, results)

    async def translate_async(
        self,
        texts: Sequence[str],
        *,
        src_lang: str,
        tgt_lang: str,
        alternatives: int = 0,
    ) -> list[Translated]:
        """:meth:`translate` for the event loop: the decode is awaited, no thread waits on
        it. Tokenising runs on the loop (tens of microseconds per sentence)."""
        if src_lang == tgt_lang:
            return self.translate(texts, src_lang=src_lang, tgt_lang=tgt_lang)
        route = self.route(src_lang, tgt_lang)
        current: list[list[str]] = [[t] for t in texts]
        for step, loaded in enumerate(route):
            n_hyp = 1 + alternatives if step == len(route) - 1 else 1
            plan = self._plan(loaded, [c[0] for c in current], n_hyp, None)
            results: list[Any] = []
            if plan.job.batch:
                results = await asyncio.wrap_future(self._batcher(loaded).enqueue(plan.job))
            current = self._finish(loaded, plan, results)
        return self._translated(route, current)

    def _plan(
        self,
        loaded: _Loaded,
        texts: Sequence[str],
        num_hypotheses: int,
        forced: dict[tuple[int, int, int], Forced] | None,
    ) -> _Plan:
        """Split into paragraphs and sentences, tokenise, and lay out one batch."""
        pkg = loaded.package
        codec = loaded.codec
        layout: list[list[list[int]]] = []  # text -> paragraph -> sentence batch positions
        batch: list[list[str]] = []
        prefixes: list[list[str] | None] = []
        for t_idx, text in enumerate(texts):
            paragraphs = []
            for p_idx, paragraph in enumerate(text.split("\n")):
                positions = []
                sentences = (
                    loaded.sentencizer.split_sentences(paragraph) if paragraph.strip() else []
                )
                for s_idx, sentence in enumerate(sentences):
                    pieces = split_long(pkg.tokenizer.encode(sentence), MAX_SENTENCE_TOKENS)
                    for k, piece in enumerate(pieces):
                        positions.append(len(batch))
                        batch.append(codec.wrap(piece))
                        prefix = [codec.target_prefix] if codec.target_prefix else []
                        if k == 0 and forced and (t_idx, p_idx, s_idx) in forced:
                            prefix = prefix + list(forced[t_idx, p_idx, s_idx].prefix)
                        prefixes.append(prefix or None)
                paragraphs.append(positions)
            layout.append(paragraphs)
        return _Plan(layout, DecodeJob(batch, prefixes, num_hypotheses))

    def _finish(self, loaded: _Loaded, plan: _Plan, results: list[Any]) -> list[list[str]]:
        """Per text, its hypotheses: sentences detokenised and joined, paragraphs kept."""
        out: list[list[str]] = []
        for paragraphs in plan.layout:
            hyps = []
            for h in range(plan.job.num_hypotheses):
                texts_h = []
                for positions in paragraphs:
                    tokens: list[str] = []
                    for pos in positions:
                        hyp_list = results[pos].hypotheses
                        tokens.extend(loaded.codec.unwrap(hyp_list[min(h, len(hyp_list) - 1)]))
                    texts_h.append(self._detokenize(loaded, tokens) if positions else "")
                hyps.append("\n".join(texts_h))
            out.append(hyps)
        return out

    def _batcher(self, loaded: _Loaded) -> Batcher:
        with loaded.lock:
            if loaded.batcher is None:
                loaded.batcher = Batcher(
                    lambda batch, prefixes, n: self._decode(loaded, batch, prefixes, n),
                    workers=self.inter_threads,
                    start=lambda batch, prefixes, n: self._start(loaded, batch, prefixes, n),
                )
            return loaded.batcher

    def _decode(
        self,
        loaded: _Loaded,
        batch: list[list[str]],
        prefixes: list[list[str] | None],
        num_hypotheses: int,
    ) -> list[Any]:
        translator = self._translator(loaded)
        return list(self._translate_batch(translator, batch, prefixes, num_hypotheses))

    def _start(
        self,
        loaded: _Loaded,
        batch: list[list[str]],
        prefixes: list[list[str] | None],
        num_hypotheses: int,
    ) -> Callable[[], list[Any]] | None:
        """Begin a decode on CTranslate2's own threads and return what waits for it; None
        before the model is loaded (loading takes seconds: it is the batcher worker's)."""
        translator = loaded.translator
        if translator is None:
            return None
        pending = self._translate_batch(
            translator, batch, prefixes, num_hypotheses, asynchronous=True
        )
        return lambda: [p.result() for p in pending]

    def _translate_batch(
        self,
        translator: Any,
        batch: list[list[str]],
        prefixes: list[list[str] | None],
        num_hypotheses: int,
        *,
        asynchronous: bool = False,
    ) -> Any:
        use_prefix = any(p is not None for p in prefixes)
        return translator.translate_batch(
            batch,
            target_prefix=prefixes if use_prefix else None,
            replace_unknowns=True,
            max_batch_size=1024,
            batch_type="tokens",
            beam_size=max(num_hypotheses, self.beam_size),
            num_hypotheses=num_hypotheses,
            length_penalty=0.2,
            return_scores=True,
            asynchronous=asynchronous,
        )

    def _translator(self, loaded: _Loaded) -> Any:
        with loaded.lock:
            if loaded.translator is None:
                import ctranslate2  # noqa: PLC0415

                try:
                    loaded.translator = ctranslate2.Translator(
                        str(loaded.info.path / "model"),
                        device="cpu",
                        compute_type=self.compute_type,
                        inter_threads=self.inter_threads,
                        intra_threads=self.intra_threads,
                    )
                except (RuntimeError, ValueError, OSError) as exc:
                    raise PackageUnavailableError(
                        f"package {loaded.info.label} could not be loaded ({exc}); it was "
                        "probably removed or replaced just now: retry"
                    ) from None
                log.info("loaded %s (%s)", loaded.info.label, self.compute_type)
            return loaded.translator

    def _target_tokenizer(self, loaded: _Loaded) -> Any:
        """The SentencePiece model of the output side, when it is not the input's."""
        with loaded.lock:
            if loaded.target_tokenizer is None and loaded.codec.target_model is not None:
                import sentencepiece as spm  # noqa: PLC0415

                model = str(loaded.codec.target_model)
                loaded.target_tokenizer = spm.SentencePieceProcessor(model_file=model)
            return loaded.target_tokenizer

    def _target_encode(self, loaded: _Loaded, text: str) -> list[str]:
        target = self._target_tokenizer(loaded)
        if target is None:
            return list(loaded.package.tokenizer.encode(text))
        return list(target.encode(text, out_type=str))

    def _detokenize(self, loaded: _Loaded, tokens: list[str]) -> str:
        target = self._target_tokenizer(loaded)
        if target is None:
            value = str(loaded.package.tokenizer.decode(tokens))
        else:  # as argostranslate's SentencePieceTokenizer.decode, with the target model
            value = str(target.decode_pieces(tokens)).replace("▁", " ").replace("_", " ")
        prefix = loaded.codec.target_prefix
        if prefix and value.startswith(prefix):
            value = value[len(prefix) :]
        return value[1:] if value.startswith(" ") else value


MAX_SENTENCE_TOKENS = 200
"""Longest token sequence decoded at once. Longer "sentences" (a list without full stops, a
table flattened to one line) are decoded in pieces: a model has a maximum input length
(CTranslate2 cuts inputs at 1024 tokens, some models' position encodings stop at 512) and
decodes at most 256 tokens by default, so one long input would be cut short or fail."""

_BREAKS = frozenset(",;:)]}»”—–-")


def split_long(tokens: list[str], limit: int) -> list[list[str]]:
    """``tokens`` in consecutive pieces of at most ``limit`` tokens; a piece ends, by
    preference, after punctuation that ends a clause, else at a word start (a SentencePiece
    token beginning with ▁), else at the limit. The pieces concatenate to ``tokens``."""
    if len(tokens) <= limit:
        return [tokens]
    pieces: list[list[str]] = []
    start = 0
    while len(tokens) - start > limit:
        end = start + limit
        floor = start + limit // 2
        cut = next(
            (i + 1 for i in range(end - 1, floor, -1) if tokens[i].lstrip("▁")[-1:] in _BREAKS),
            None,
        )
        if cut is None:
            cut = next((i for i in range(end, floor, -1) if tokens[i].startswith("▁")), end)
        pieces.append(tokens[start:cut])
        start = cut
    pieces.append(tokens[start:])
    return pieces


def _package_stamp(folder: Path) -> tuple[int, ...]:
    """Identity of an installed package's files (a reinstall makes new ones)."""
    stamp: list[int] = []
    for path in (folder, folder / "metadata.json", folder / "model" / "model.bin"):
        st = path.stat()
        stamp += [st.st_ino, st.st_mtime_ns]
    return tuple(stamp)


def _close_batchers(gone: list[_Loaded]) -> None:
    for loaded in gone:
        if loaded.batcher is not None:
            loaded.batcher.close()


def _sentencizer(pkg: Any) -> Any:
    """The package's own MiniSBD model if it ships one, else Triglot's rule-based splitter."""
    minisbd = pkg.package_path / "minisbd"
    if minisbd.is_dir() and any(f.suffix == ".onnx" for f in minisbd.iterdir()):
        from argostranslate.sbd import MiniSBDSentencizer  # noqa: PLC0415

        return MiniSBDSentencizer(pkg)
    return RuleSentencizer()
