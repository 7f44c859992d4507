"""Regeneration: the whole suite runs on another corpus into OUTDIR twice, independently and cold, to the same
bytes, and leaves the committed figures/ and results/ untouched."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import gensim
import nbformat
import pytest

pytestmark = pytest.mark.slow  # runs notebooks or the whole pipeline

ROOT = Path(__file__).resolve().parent.parent


def _digests(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _outputs(notebook: Path) -> str:
    return json.dumps([c.get("outputs", []) for c in nbformat.read(notebook, as_version=4).cells], sort_keys=True)


def _start(corpus: Path, outdir: Path, cache: Path) -> subprocess.Popen:
    cmd = [sys.executable, str(ROOT / "tools" / "run_notebooks.py"), "--corpus", str(corpus),
           "--outdir", str(outdir), "--param", f"CACHE_DIR={cache}", "--param", "REUSE=False",
           # a small sweep: this test is about identical bytes and OUTDIR, not about the choice of K
           "--param", "SWEEP_SEEDS=2", "--param", "K_MAX=4", "--param", "N_JOBS=1", "--param", "N_RUNS=3",
           "--param", "COMPARE_SEEDS=2", "--param", "OTHER_MASTERS=1"]
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


@pytest.fixture(scope="module")
def news_corpus(tmp_path_factory) -> Path:
    """40 plain news articles without headings, from the Lee corpus that ships in gensim's wheel."""
    source = Path(gensim.__file__).parent / "test" / "test_data" / "lee_background.cor"
    folder = tmp_path_factory.mktemp("news")
    for i, line in enumerate(source.read_text(encoding="utf-8", errors="replace").splitlines()[:40]):
        (folder / f"news_{i:03d}.txt").write_text(line.strip() + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def two_runs(news_corpus, tmp_path_factory):
    base = tmp_path_factory.mktemp("regen")
    committed = {name: _digests(ROOT / name) for name in ("figures", "results")}
    # two independent runs, side by side, each with its own empty cache: both compute everything
    runs = [_start(news_corpus, base / name, base / f"cache-{name}") for name in ("a", "b")]
    for run in runs:
        _, err = run.communicate(timeout=900)
        assert run.returncode == 0, err[-2000:]
    return base / "a", base / "b", committed


def test_suite_runs_on_a_corpus_of_plain_news_articles(two_runs):
    a, _, _ = two_runs
    sections = (a / "results" / "frames_by_section.csv").read_text().splitlines()
    assert len(sections) == 41  # header + one section per article
    assert {p.name for p in (a / "notebooks").glob("*.ipynb")} == {p.name for p in (ROOT / "notebooks").glob("*.ipynb")}


def test_rerun_writes_identical_figures_and_results(two_runs):
    a, b, _ = two_runs
    for name in ("figures", "results"):
        assert _digests(a / name) == _digests(b / name), name


def test_rerun_stores_identical_notebook_outputs(two_runs):
    a, b, _ = two_runs
    for notebook in sorted((a / "notebooks").glob("*.ipynb")):
        assert _outputs(notebook) == _outputs(b / "notebooks" / notebook.name), notebook.name


def test_outdir_run_leaves_the_committed_outputs_untouched(two_runs):
    _, _, committed = two_runs
    assert {name: _digests(ROOT / name) for name in ("figures", "results")} == committed


def test_outdir_manifest_lists_every_figure_it_wrote(two_runs):
    a, _, _ = two_runs
    listed = {line.split(",")[0] for line in (a / "figures" / "MANIFEST.csv").read_text().splitlines()[1:]}
    assert listed == {p.name for p in (a / "figures").iterdir() if p.name != "MANIFEST.csv"}
