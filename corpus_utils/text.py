"""Text helpers that loading, tokens and framing share (a leaf: it imports nothing from the package): words,
word counts and sentences of plain text."""

from __future__ import annotations

import re

_PLAIN_WORD_RE = re.compile(r"[^\W_]+(?:['\u2019\-][^\W_]+)*")
_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+|\n+")


def count_words(text: str) -> int:
    """Number of words (letter/digit runs, joined by internal apostrophes or hyphens)."""
    return len(_PLAIN_WORD_RE.findall(text))


def words(text: str) -> list[str]:
    """Word tokens of a text in their original case (hyphenated words kept whole)."""
    return _PLAIN_WORD_RE.findall(text)


def sentences(text: str) -> list[str]:
    """Split text into sentences at . ! ? ; : followed by space, and at line breaks."""
    return [s for s in (part.strip() for part in _SENTENCE_END.split(text)) if s]
