"""figures/: every file is written by exactly one notebook (or, for the screenshots in figures/screenshots/, by
``make screenshots``) and listed, with its hash, in MANIFEST.csv."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent
FIGURES = ROOT / "figures"
SAVE_CALL = re.compile(r"""save_(?:figure|text)\(\s*\w+,\s*["']([^"']+)["']""")
SCREENSHOT_MAKER = "make screenshots"


def _all_rows() -> pd.DataFrame:
    return pd.read_csv(FIGURES / "MANIFEST.csv")


def _manifest() -> pd.DataFrame:
    """The rows of files written by notebooks (the screenshots are checked on their own)."""
    rows = _all_rows()
    return rows[rows["notebook"] != SCREENSHOT_MAKER]


def _files() -> set[str]:
    return {p.name for p in FIGURES.iterdir() if p.is_file() and p.name != "MANIFEST.csv"}


def _screenshots() -> set[str]:
    return {f"screenshots/{p.name}" for p in (FIGURES / "screenshots").glob("*")}


def test_manifest_lists_every_screenshot_once_as_made_by_make_screenshots():
    rows = _all_rows()
    listed = rows[rows["file"].str.startswith("screenshots/")]
    assert listed["file"].is_unique and set(listed["file"]) == _screenshots()
    assert set(listed["notebook"]) <= {SCREENSHOT_MAKER}
    assert listed["caption"].str.startswith("Screenshot").all()


def _written_by() -> dict[str, list[str]]:
    """Figure name (stem or file name) -> the notebooks whose script saves it."""
    names: dict[str, list[str]] = {}
    for script in sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.py")):
        for name in SAVE_CALL.findall(script.read_text(encoding="utf-8")):
            names.setdefault(name, []).append(script.stem)
    return names


def test_manifest_lists_every_file_in_figures_once():
    manifest = _manifest()
    assert manifest["file"].is_unique
    assert set(manifest["file"]) == _files()


def test_manifest_hashes_match_the_files():
    for row in _all_rows().itertuples():
        assert hashlib.sha256((FIGURES / row.file).read_bytes()).hexdigest() == row.sha256, row.file


def test_every_figure_is_written_by_the_notebook_the_manifest_names():
    saved = _written_by()
    for row in _manifest().itertuples():
        stem = row.file if row.file.endswith(".html") else row.file.rsplit(".", 1)[0]
        assert saved.get(stem) == [row.notebook], f"{row.file}: saved by {saved.get(stem)}"


def test_no_file_in_figures_lacks_a_notebook_that_writes_it():
    saved = _written_by()
    orphans = [f for f in _files() if (f if f.endswith(".html") else f.rsplit(".", 1)[0]) not in saved]
    assert orphans == []


def test_every_figure_has_a_caption_and_both_formats():
    manifest = _manifest()
    assert manifest["caption"].str.len().min() > 20
    stems = {f.rsplit(".", 1)[0] for f in manifest["file"] if not f.endswith(".html")}
    assert all({f"{s}.png", f"{s}.svg"} <= set(manifest["file"]) for s in stems)



def _write_one_row(folder: str) -> None:
    from corpus_utils import outputs as p

    p.save_text("text", "02_page.html", folder, "a page")
    p.write_manifest(folder, "02-b")


@pytest.mark.slow
def test_the_manifest_waits_for_a_notebook_that_is_rewriting_it(tmp_path):
    import fcntl
    import multiprocessing
    import os

    (tmp_path / "01_a.txt").write_text("a")
    (tmp_path / "MANIFEST.csv").write_text("file,sha256,notebook,caption\n01_a.txt,x,01-a,kept\n")
    lock = os.open(tmp_path, os.O_RDONLY)
    fcntl.flock(lock, fcntl.LOCK_EX)  # as notebook 01 holds it while it rewrites the manifest
    worker = multiprocessing.get_context("spawn").Process(target=_write_one_row, args=(str(tmp_path),))
    worker.start()
    worker.join(timeout=5.0)  # a spawned process needs a moment to import
    assert worker.is_alive(), "notebook 02 rewrote the manifest while notebook 01 held it"
    os.close(lock)
    worker.join(timeout=60)
    assert worker.exitcode == 0
    rows = (tmp_path / "MANIFEST.csv").read_text().splitlines()[1:]
    assert [row.split(",")[0] for row in rows] == ["01_a.txt", "02_page.html"]
