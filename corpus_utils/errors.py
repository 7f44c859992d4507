"""Errors and warnings raised while reading a corpus."""

from __future__ import annotations


class CorpusError(Exception):
    """The corpus as a whole cannot be read (missing or empty folder, nothing readable)."""


class CorpusWarning(UserWarning):
    """One file was skipped or read with a fallback; the message names the file and the reason."""
