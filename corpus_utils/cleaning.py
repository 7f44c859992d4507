"""Cleaning: Unicode normalisation and removal of site boilerplate, with an audit of every removed line."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import pandas as pd

# Characters mapped for analysis: typographic variants of the same word characters.
_CHAR_MAP = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u2009": " ", "\u200a": " ",
    "\u2002": " ", "\u2003": " ", "\u3000": " ", "\t": " ",
    "\u00ad": "", "\u200b": "", "\u200c": "", "\u200d": "", "\u2060": "", "\ufeff": "",
}
_TRANS = str.maketrans(_CHAR_MAP)


@dataclass(frozen=True)
class Rule:
    """A boilerplate rule: a name, a full-line regex and why it is not the author's argument."""

    name: str
    pattern: re.Pattern[str]
    description: str


def normalize_text(text: str) -> str:
    """Unicode-normalise text (NFC, straight quotes, plain spaces, LF line ends, no BOM) keeping every word."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_TRANS)
    text = unicodedata.normalize("NFC", text)
    return "\n".join(line.rstrip() for line in text.split("\n"))


@lru_cache(maxsize=1)
def boilerplate_rules() -> tuple[Rule, ...]:
    """The boilerplate rules shipped in ``corpus_utils/data/boilerplate.csv``."""
    with resources.files("corpus_utils.data").joinpath("boilerplate.csv").open(encoding="utf-8") as fh:
        table = pd.read_csv(fh, dtype=str, keep_default_na=False)
    return tuple(Rule(r.rule, re.compile(r.pattern), r.description) for r in table.itertuples())


def match_rule(line: str) -> str | None:
    """Name of the boilerplate rule that matches a (normalised) line, or None."""
    stripped = line.strip()
    for rule in boilerplate_rules():
        if rule.pattern.search(stripped):
            return rule.name
    return None


def clean_lines(text: str) -> tuple[list[tuple[int, str]], list[tuple[int, str, str]]]:
    """Split normalised text into kept (line number, text) and removed (line number, rule, text) lines."""
    kept: list[tuple[int, str]] = []
    removed: list[tuple[int, str, str]] = []
    for number, line in enumerate(normalize_text(text).split("\n"), start=1):
        rule = match_rule(line)
        if rule is None:
            kept.append((number, line))
        else:
            removed.append((number, rule, line.strip()))
    return kept, removed


def clean_text(text: str) -> str:
    """Normalised text with boilerplate lines removed (idempotent)."""
    kept, _ = clean_lines(text)
    return "\n".join(line for _, line in kept)
