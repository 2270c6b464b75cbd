"""Errors of the glossary package; each names the concept, term or line at fault."""


class GlossaryError(Exception):
    """Base class of every error raised by :mod:`glossary`."""


class InvalidGlossaryError(GlossaryError):
    """A glossary that breaks a rule (empty or duplicate term, control character, ...)."""


class ParseError(GlossaryError):
    """A glossary file that cannot be read; ``line`` is 1-based when known."""

    def __init__(self, message: str, *, line: int | None = None) -> None:
        super().__init__(f"line {line}: {message}" if line is not None else message)
        self.line = line
