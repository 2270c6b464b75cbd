"""Pure alignment core of Triglot: page analysis, residue pairing and sentence alignment.

No I/O, no web, no database, no translation engine: functions take strings and return frozen
dataclasses.
"""

from aligner.errors import AlignerError, EmptyInputError, InvalidInputError
from aligner.langid import Lang, identify
from aligner.page import KINDS, Kind, Page, PageMeta, RepeatGroup, Segment, analyze

__all__ = [
    "KINDS",
    "AlignerError",
    "EmptyInputError",
    "InvalidInputError",
    "Kind",
    "Lang",
    "Page",
    "PageMeta",
    "RepeatGroup",
    "Segment",
    "analyze",
    "identify",
]
