"""Translating whole files, formatting kept: .txt, .html, .docx and .odt.

Office documents go through ``argos-translate-files`` (the library LibreTranslate's
``/translate_file`` uses): it walks the document's XML and hands each text run to an Argos
``ITranslation``. Triglot gives it two: the first only collects the texts (so that they can be
counted against the limit and translated in one batch, glossary enforced), the second hands
back their translations. HTML goes through the same text-node splitter as
``/translate?format=html`` (:mod:`service.mt.markup`); plain text is translated line by line.

Before the library opens a package, the package is checked whole: a ZIP archive within the
unpacked size and member limits (the XML the library parses within the file size limit: a
parsed tree takes many times its bytes), the part the format needs present, every XML part the
library reads well formed and without a DTD (office files never carry one: no entity
declaration reaches the library's parser).
"""

from __future__ import annotations

import io
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from service.errors import BadInputError, NotTextError, TooLargeError
from service.mt.markup import translate_html

Translate = Callable[[list[str]], list[str]]
"""Translates a batch of texts (each without surrounding white space), order kept."""

SUPPORTED = (".txt", ".html", ".docx", ".odt")
MEDIA_TYPES = {
    ".txt": "text/plain; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".odt": "application/vnd.oasis.opendocument.text",
}
UNPACKED_RATIO = 20
"""A package may unpack to this many times the file size limit (a ZIP bomb may not)."""
MAX_MEMBERS = 10_000


class FileFormatError(BadInputError):
    """A file whose format /translate_file does not translate."""

    status = 400
    code = "unsupported_format"


class CorruptFileError(BadInputError):
    """A file that claims a supported format but cannot be read as one."""

    status = 400
    code = "corrupt_file"


@dataclass(frozen=True, slots=True)
class _Package:
    """Which ZIP members an office format needs and which XML parts the library rewrites."""

    required: str
    mimetype: str | None

    def rewritten(self, name: str) -> bool:
        if self.required == "content.xml":
            return name == "content.xml"
        return name == "word/document.xml" or name.startswith(("word/header", "word/footer"))


_PACKAGES = {
    ".docx": _Package("word/document.xml", None),
    ".odt": _Package("content.xml", "application/vnd.oasis.opendocument.text"),
}


def file_format(filename: str) -> str:
    """The format (``.docx``...) of an upload named ``filename``, or :class:`FileFormatError`
    naming it and the supported ones."""
    suffix = Path(filename).suffix.lower()
    if suffix not in SUPPORTED:
        shown = f"format {suffix}" if suffix else "a file without an extension"
        raise FileFormatError(
            f"Invalid request: file format not supported: {shown} "
            f"(supported: {', '.join(SUPPORTED)})"
        )
    return suffix


def check_file(suffix: str, data: bytes, *, max_bytes: int) -> None:
    """Refuse, with the reason, a file that is empty, over ``max_bytes``, not UTF-8 (text
    formats), or not a sound package of its format (office formats)."""
    if not data:
        raise BadInputError("Invalid request: empty file")
    if len(data) > max_bytes:
        raise TooLargeError(
            f"file: {len(data)} bytes, over the limit of {max_bytes} (TRIGLOT_MAX_FILE_BYTES)"
        )
    if suffix in (".txt", ".html"):
        _decode(data, suffix)
        return
    _check_package(data, suffix, max_unpacked=max_bytes * UNPACKED_RATIO)


def translate_file(suffix: str, data: bytes, translate: Translate) -> bytes:
    """``data`` (a checked file of format ``suffix``) with its text translated by
    ``translate`` (called once, with every text to translate) and its formatting kept."""
    if suffix == ".txt":
        return _translate_lines(_decode(data, suffix), translate).encode("utf-8")
    if suffix == ".html":
        return translate_html(_decode(data, suffix), translate).encode("utf-8")
    return _translate_package(suffix, data, translate)


def _decode(data: bytes, suffix: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise NotTextError(
            f"file: a {suffix} file must be UTF-8; byte {exc.start} is not "
            f"({data[exc.start : exc.start + 1]!r})"
        ) from None


def _split_space(text: str) -> tuple[str, str, str]:
    core = text.strip()
    if not core:
        return text, "", ""
    start = text.index(core)
    return text[:start], core, text[start + len(core) :]


def _translate_lines(text: str, translate: Translate) -> str:
    """Each non-blank line translated; line ends and indentation kept."""
    lines = text.split("\n")
    parts = [_split_space(line) for line in lines]
    todo = [i for i, (_lead, core, _trail) in enumerate(parts) if core]
    done = translate([parts[i][1] for i in todo]) if todo else []
    for i, new in zip(todo, done, strict=True):
        lead, _core, trail = parts[i]
        lines[i] = lead + new + trail
    return "\n".join(lines)


def _check_package(data: bytes, suffix: str, *, max_unpacked: int) -> None:
    fmt = _PACKAGES[suffix]
    what = f"not a valid {suffix} file"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_MEMBERS:
                raise CorruptFileError(f"file: {what}: {len(infos)} parts (most {MAX_MEMBERS})")
            unpacked = sum(i.file_size for i in infos)
            if unpacked > max_unpacked:
                raise TooLargeError(
                    f"file: unpacks to {unpacked} bytes, over the limit of {max_unpacked} "
                    f"({UNPACKED_RATIO} x TRIGLOT_MAX_FILE_BYTES)"
                )
            names = {i.filename for i in infos}
            if fmt.required not in names:
                raise CorruptFileError(f"file: {what}: no {fmt.required} inside")
            if fmt.mimetype is not None and "mimetype" in names:
                declared = zf.read("mimetype").decode("ascii", "replace").strip()
                if declared != fmt.mimetype:
                    raise FileFormatError(
                        f"file: {what}: its mimetype is {declared!r}, not {fmt.mimetype!r}"
                    )
            xml_bytes = sum(i.file_size for i in infos if fmt.rewritten(i.filename))
            if xml_bytes > max_unpacked // UNPACKED_RATIO:
                raise TooLargeError(
                    f"file: its text parts unpack to {xml_bytes} bytes of XML, over the limit "
                    f"of {max_unpacked // UNPACKED_RATIO} (TRIGLOT_MAX_FILE_BYTES)"
                )
            bad = zf.testzip()  # every member's CRC, so the library meets no broken one
            if bad is not None:
                raise CorruptFileError(f"file: {what}: part {bad} is damaged")
            for info in infos:
                if fmt.rewritten(info.filename):
                    _check_xml(zf.read(info), f"{what}: {info.filename}")
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
        raise CorruptFileError(f"file: {what} ({exc})") from None


_XML_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
)


def _check_xml(data: bytes, where: str) -> None:
    try:
        tree = etree.fromstring(data, _XML_PARSER).getroottree()
    except etree.XMLSyntaxError as exc:
        raise CorruptFileError(f"file: {where} is not well-formed XML ({exc})") from None
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise CorruptFileError(f"file: {where} declares a DTD, which office files never do")


class _Language:
    """The little of ``argostranslate.translate.Language`` the library reads."""

    def __init__(self, code: str) -> None:
        self.code = code


def _translation(answer: Callable[[str], str]) -> Any:
    """An ``ITranslation`` whose every text is answered by ``answer``."""
    from argostranslate.translate import Hypothesis, ITranslation  # noqa: PLC0415

    class _Answering(ITranslation):  # type: ignore[misc]
        def __init__(self) -> None:
            self.from_lang = _Language("src")
            self.to_lang = _Language("tgt")

        def translate(self, input_text: str) -> str:
            return answer(input_text)

        def hypotheses(self, input_text: str, num_hypotheses: int = 4) -> list[Any]:
            return [Hypothesis(answer(input_text), 0.0)]

    return _Answering()


def _run_library(translation: Any, source: Path, target: Path) -> None:
    import argostranslatefiles  # noqa: PLC0415

    def output_path(_translation: Any, _file_path: str) -> str:
        return str(target)

    done = argostranslatefiles.translate_file(translation, str(source), output_path)
    if done != str(target):
        raise CorruptFileError(f"file: {source.suffix} is not a format the library reads")


def _translate_package(suffix: str, data: bytes, translate: Translate) -> bytes:
    """Two passes of the library over the package: collect the texts, then write them
    translated. Texts are translated once each, stripped of surrounding white space."""
    seen: dict[str, None] = {}

    def collect(text: str) -> str:
        core = text.strip()
        if core:
            seen.setdefault(core)
        return text

    with tempfile.TemporaryDirectory(prefix="triglot-file-") as tmp:
        source = Path(tmp) / f"in{suffix}"
        source.write_bytes(data)
        try:
            _run_library(_translation(collect), source, Path(tmp) / f"texts{suffix}")
            texts: Sequence[str] = list(seen)
            translated = dict(zip(texts, translate(list(texts)) if texts else [], strict=True))

            def answer(text: str) -> str:
                lead, core, trail = _split_space(text)
                return lead + translated[core] + trail if core else text

            out = Path(tmp) / f"out{suffix}"
            _run_library(_translation(answer), source, out)
        except (zipfile.BadZipFile, zlib.error, EOFError, ValueError) as exc:
            raise CorruptFileError(f"file: not a valid {suffix} file ({exc})") from None
        return out.read_bytes()
