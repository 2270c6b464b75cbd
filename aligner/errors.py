"""Errors raised by the aligner package. Every error names what is wrong with the input."""


class AlignerError(Exception):
    """Base class of every error raised by :mod:`aligner`."""


class EmptyInputError(AlignerError):
    """The input holds no text to work on (empty, or only white space)."""


class InvalidInputError(AlignerError):
    """The input is malformed in a way the caller can fix (the message says how)."""
