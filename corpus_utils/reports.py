"""Reports on a loaded corpus, each built from its one shared parse (``loading.parsed_corpus``): what became of
every file, every line cleaning removed, and where every word went."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .errors import user_facing
from .loading import parsed_corpus, replayed
from .profiling import stage


@user_facing
@stage("load+clean")
def corpus_report(path: str | Path = "seeds") -> pd.DataFrame:
    """One row per entry of the folder (or row of the table): status (loaded, loaded with warning, skipped;
    ignored for subfolders and other file types), reason and encoding. Warns of nothing: this is the record."""
    rows = [vars(status) for status in parsed_corpus(path).statuses]
    return pd.DataFrame(rows, columns=["file", "status", "reason", "encoding"])  # language: in the reason


@user_facing
@stage("load+clean")
def cleaning_audit(path: str | Path = "seeds") -> pd.DataFrame:
    """Every line removed from the corpus at ``path``: file, line number, rule and text (line 0: what the
    extraction of a web page's main text left out)."""
    return replayed(path).removed.copy()


@user_facing
@stage("load+clean")
def word_accounting(path: str | Path = "seeds") -> pd.DataFrame:
    """Per file, where every word went: raw = boilerplate + title + headings + body (``balanced``)."""
    return replayed(path).accounting.copy()
