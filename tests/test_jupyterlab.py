"""JupyterLab in a real browser (headless Chromium driven by Playwright, network cut off): the topic-model
notebook runs and shows pyLDAvis; the explorer notebook's widgets render, and a coder's clicks in the coding and
intrusion forms are saved as rows of their own files and nowhere else. Each test starts its own server on a
temporary copy of the project and shuts it down.

With SCREENSHOTS=<folder> (``make screenshots``) the widget test also saves a PNG of each widget there."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pandas as pd
import pytest

from corpus_utils import framing, validation

from .browser import chromium_path, offline_page
from .conftest import committed_topic_count
from .lab import (
    ROOT,
    SCREENSHOTS,
    STATE,
    answer_intrusion,
    code_sections,
    lab_server,
    project_copy,
    run_notebook,
    screenshot_name,
    widget_screenshot,
)

pytestmark = [pytest.mark.slow, pytest.mark.browser]  # JupyterLab in Chromium

SKIP = {".git", ".venv", ".pytest_cache", "__pycache__", ".ruff_cache", ".hypothesis", STATE}


def _files(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (except tool and server state folders) -> sha256 of its bytes."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [d for d in dirnames if d not in SKIP]
        for name in filenames:
            path = Path(dirpath, name)
            if not path.is_symlink():
                out[str(path.relative_to(folder))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def test_topic_notebook_runs_in_jupyterlab_and_shows_ldavis(tmp_path):
    chromium_path()  # skip (or fail under CI) before starting anything
    project = project_copy(tmp_path / "project", ["02-topic-model.ipynb"])
    with lab_server(project) as url, offline_page(allow_hosts=("127.0.0.1",)) as (page, log):
        run_notebook(page, url, "02-topic-model.ipynb", "gensim==")
        circles = page.locator("#ldavis_topics svg circle.dot").count()
        errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").count()
        tracebacks = page.evaluate("document.body.innerText.includes('Traceback')")
    assert circles == committed_topic_count()
    assert errors == 0 and not tracebacks
    assert log.page_errors == []
    assert log.network_requests == []


@pytest.fixture(scope="module")
def clicked_through(tmp_path_factory):
    """Run notebook 05 in JupyterLab on a temporary project, code three sections and answer two intrusion
    items as coder "test-coder"; return the project, what was written, what the page showed and its log."""
    chromium_path()
    project = project_copy(tmp_path_factory.mktemp("lab") / "project", ["05-explore.ipynb"], validation=True)
    before_repo, before_project = _files(ROOT), _files(project)
    shots = os.environ.get("SCREENSHOTS")
    with lab_server(project) as url, offline_page(allow_hosts=("127.0.0.1",)) as (page, log):
        page.set_viewport_size({"width": 1400, "height": 1000})
        run_notebook(page, url, "05-explore.ipynb", "items;")
        views = {name: page.locator(f".cu-{name}").count() for name in SCREENSHOTS}
        marks = page.locator(".cu-frame-explorer mark").count()
        page.locator(".cu-kwic-explorer input").fill("border")
        page.locator(".cu-kwic-explorer input").press("Enter")
        page.locator(".cu-kwic-explorer", has_text="border:").wait_for(timeout=20000)
        kwic_text = page.locator(".cu-kwic-explorer").inner_text()
        code_sections(page, "test-coder", [(0, 0, 2), (1, 2, 3), (len(framing.frame_names()), 4, 0)])
        answer_intrusion(page, "test-coder", [0, 1])
        if shots:  # make screenshots: what the widgets look like after these clicks
            Path(shots).mkdir(parents=True, exist_ok=True)
            page.set_viewport_size({"width": 1400, "height": 1500})
            for name in SCREENSHOTS:
                widget_screenshot(page, name, Path(shots) / screenshot_name(name))
        tracebacks = page.evaluate("document.body.innerText.includes('Traceback')")
    return {"project": project, "views": views, "marks": marks, "kwic": kwic_text, "tracebacks": tracebacks,
            "log": log, "repo": (before_repo, _files(ROOT)), "written": (before_project, _files(project))}


def test_every_explorer_view_and_form_renders_as_a_widget(clicked_through):
    assert clicked_through["views"] == {"frame-explorer": 1, "topic-explorer": 1, "kwic-explorer": 1, "coding": 1,
                                        "intrusion": 1}
    assert clicked_through["marks"] > 0  # indicator hits are marked in the frame view
    assert not clicked_through["tracebacks"]


def test_typing_a_word_searches_it_in_context(clicked_through):
    assert "occurrences in" in clicked_through["kwic"]


def test_three_coded_sections_are_three_rows_of_the_coders_file(clicked_through):
    table = pd.read_csv(clicked_through["project"] / "validation" / "coding_test-coder.csv")
    frames = [*framing.frame_names(), validation.NONE]
    functions = [*framing.function_names(), validation.NONE]
    assert len(table) == 3 and table[["doc_id", "section"]].drop_duplicates().shape[0] == 3
    assert table["primary_frame"].tolist() == [frames[0], frames[1], validation.NONE]
    assert table["function"].tolist() == [functions[0], functions[2], functions[4]]
    assert table[validation.salience_columns()[0]].tolist() == [2, 3, 0]
    assert set(table["coder"]) == {"test-coder"} and table["order"].tolist() == [1, 2, 3]


def test_two_intrusion_answers_are_two_rows_of_the_coders_file(clicked_through):
    table = pd.read_csv(clicked_through["project"] / "validation" / "intrusion_test-coder.csv")
    assert table["item"].tolist() == ["word-01", "word-02"]


def test_the_clicks_wrote_nothing_but_the_two_coder_files(clicked_through):
    before, after = clicked_through["written"]
    changed = {f for f in set(before) | set(after) if before.get(f) != after.get(f)
               and not f.startswith(".cache/")}  # the parsed corpus kept for the next notebook: a cache, no result
    assert changed == {"validation/coding_test-coder.csv", "validation/intrusion_test-coder.csv"}
    assert clicked_through["repo"][0] == clicked_through["repo"][1]  # and nothing in the repository


def test_the_explorer_page_fetched_nothing_from_the_network(clicked_through):
    assert clicked_through["log"].network_requests == []
    assert clicked_through["log"].page_errors == []
