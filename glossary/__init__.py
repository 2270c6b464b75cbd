"""Triglot term domain: concepts, matching, enforcement plans, versions and diffs (pure).

No I/O beyond reading the package's own data file, no web, no engine: functions take strings
and return frozen dataclasses.
"""

from glossary.errors import GlossaryError, InvalidGlossaryError, ParseError
from glossary.matching import TermMatch, find_forbidden, find_terms
from glossary.model import Concept, Glossary, Term

__all__ = [
    "Concept",
    "Glossary",
    "GlossaryError",
    "InvalidGlossaryError",
    "ParseError",
    "Term",
    "TermMatch",
    "find_forbidden",
    "find_terms",
]
