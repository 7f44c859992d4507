"""Specification of the suite's output tables: atomic, and safe to open in a spreadsheet."""

from __future__ import annotations

import pandas as pd

from corpus_utils import notebook


def test_cells_a_spreadsheet_would_run_are_quoted():
    table = pd.DataFrame({"term": ["=cmd|' /C calc'!A0", "+1", "-x", "@sum", "plain"], "n": [1, -2, 3, 4, 5]})
    safe = notebook.csv_safe(table)
    assert safe["term"].tolist() == ["'=cmd|' /C calc'!A0", "'+1", "'-x", "'@sum", "plain"]
    assert safe["n"].tolist() == [1, -2, 3, 4, 5]  # numbers are not text: negative values stay numbers


def test_save_table_writes_the_safe_table_and_leaves_no_temporary_file(tmp_path):
    notebook.save_table(pd.DataFrame({"term": ["=1+1"], "n": [2]}), "t", tmp_path)
    assert (tmp_path / "t.csv").read_text() == "term,n\n'=1+1,2\n"
    assert [p.name for p in tmp_path.iterdir()] == ["t.csv"]


def test_save_table_keeps_the_previous_table_if_writing_fails(tmp_path, monkeypatch):
    (tmp_path / "t.csv").write_text("previous\n")

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("pathlib.Path.write_bytes", broken)
    try:
        notebook.save_table(pd.DataFrame({"a": [1]}), "t", tmp_path)
    except OSError as exc:
        assert "t.csv" in str(exc)
    assert (tmp_path / "t.csv").read_text() == "previous\n"
