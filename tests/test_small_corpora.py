"""Any plausible corpus runs to the end: one document without headings that names no actor of the gazetteer
(so no topic model and no actor network are possible) gives a full report whose skipped sections say why."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import gensim
import nbformat
import pytest

pytestmark = pytest.mark.slow  # runs notebooks or the whole pipeline

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def one_document_run(tmp_path_factory):
    source = Path(gensim.__file__).parent / "test" / "test_data" / "lee_background.cor"
    corpus = tmp_path_factory.mktemp("one")
    (corpus / "only.txt").write_text(source.read_text(encoding="utf-8").splitlines()[5] + "\n", encoding="utf-8")
    out = tmp_path_factory.mktemp("out")
    cmd = [sys.executable, str(ROOT / "tools" / "run_notebooks.py"), "--corpus", str(corpus), "--outdir", str(out),
           "--param", f"CACHE_DIR={out / 'cache'}", "--param", "SWEEP_SEEDS=2", "--param", "N_RUNS=3",
           "--param", "COMPARE_SEEDS=2", "--param", "OTHER_MASTERS=1"]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    return run, out


def _markdown_and_outputs(path: Path) -> tuple[str, str]:
    nb = nbformat.read(path, as_version=4)
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    return markdown, json.dumps([c.get("outputs", []) for c in nb.cells])


def test_a_one_document_corpus_without_headings_or_actors_runs_to_the_end(one_document_run):
    run, out = one_document_run
    assert run.returncode == 0, run.stderr[-2000:]
    assert sorted(p.name for p in (out / "notebooks").glob("*.ipynb")) == sorted(
        p.name for p in (ROOT / "notebooks").glob("*.ipynb"))


def test_the_topic_model_is_skipped_with_the_reason_in_every_skipped_cell(one_document_run):
    _, out = one_document_run
    _, outputs = _markdown_and_outputs(out / "notebooks" / "02-topic-model.ipynb")
    assert "only 0 paragraphs keep a term after filtering" in outputs
    assert outputs.count("Skipped: no kind of unit can carry a topic model") >= 10
    assert not (out / "results" / "doc_topics.csv").exists()


def test_later_notebooks_leave_out_the_topic_sections_and_say_why(one_document_run):
    _, out = one_document_run
    _, framing = _markdown_and_outputs(out / "notebooks" / "03-framing.ipynb")
    _, figures = _markdown_and_outputs(out / "notebooks" / "04-figures.ipynb")
    assert "Skipped: notebook 02 fitted no topic model on this corpus" in framing
    assert "not written for this corpus: k_selection, topic_terms, topic_prevalence, topic_frame_association" in figures


def test_figures_with_nothing_to_show_say_so_instead_of_failing(one_document_run):
    _, out = one_document_run
    manifest = (out / "figures" / "MANIFEST.csv").read_text()
    for name in ("01_actor_mentions.png", "fig08_actor_network.png", "fig08_actor_network.svg"):
        assert (out / "figures" / name).exists()
        row = next(line for line in manifest.splitlines() if line.startswith(name + ","))
        assert "Not drawn for this corpus: no actor of the gazetteer is named in any document" in row


def test_the_report_on_another_corpus_carries_none_of_the_seed_corpus_prose(one_document_run):
    _, out = one_document_run
    for path in sorted((out / "notebooks").glob("*.ipynb")):
        markdown, _ = _markdown_and_outputs(path)
        assert "three articles" not in markdown.lower() and "53 sections" not in markdown, path.name
        if not path.name.startswith("05"):  # the explorer's prose is written for any corpus: nothing to leave out
            assert "Interpretation written for the seed corpus is left out here" in markdown, path.name


def test_the_console_ends_with_the_corpus_summary_and_the_report(one_document_run):
    run, out = one_document_run
    lines = run.stdout.strip().splitlines()
    assert lines[-2].endswith("every file loaded, no warning")
    assert lines[-1].startswith(f"report: the executed notebooks in {out / 'notebooks'}")
