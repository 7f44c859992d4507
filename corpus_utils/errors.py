"""Errors and warnings raised while reading a corpus, shown to the reader without deep tracebacks."""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


class CorpusError(Exception):
    """The corpus as a whole cannot be read (missing or empty folder, nothing readable)."""


class CorpusWarning(UserWarning):
    """One file was skipped or read with a fallback; the message names the file and the reason."""


def user_facing(func: Callable[P, R]) -> Callable[P, R]:
    """Re-raise a CorpusError from the public function itself, without the frames inside the package."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except CorpusError as exc:
            raise exc.with_traceback(None) from None

    return wrapper


_default_format = warnings.formatwarning


def _format_warning(message, category, filename, lineno, line=None):  # type: ignore[no-untyped-def]
    """Show a CorpusWarning as one line, 'CorpusWarning: file: reason', without a source path."""
    if isinstance(category, type) and issubclass(category, CorpusWarning):
        return f"CorpusWarning: {message}\n"
    return _default_format(message, category, filename, lineno, line)


def install_warning_format() -> None:
    """Print CorpusWarnings as one plain line (other warnings keep Python's format)."""
    warnings.formatwarning = _format_warning
