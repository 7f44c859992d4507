"""Rendered notebooks: converted to HTML by nbconvert (as nbviewer does) and opened offline in Chromium."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from nbconvert import HTMLExporter

from .browser import offline_page
from .conftest import committed_topic_count

pytestmark = [pytest.mark.slow, pytest.mark.browser]  # pages opened in Chromium

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
EMPTY_SCRIPT = "data:text/javascript,"  # nbconvert's page furniture (require.js, MathJax) comes from a CDN


def _html(path: Path, folder: Path) -> Path:
    exporter = HTMLExporter(template_name="lab")
    exporter.require_js_url = EMPTY_SCRIPT
    exporter.mathjax_url = EMPTY_SCRIPT
    body, _ = exporter.from_notebook_node(nbformat.read(path, as_version=4))
    target = folder / f"{path.stem}.html"
    target.write_text(body, encoding="utf-8")
    return target


def test_rendered_explorer_shows_each_widgets_static_counterpart_and_no_dead_widget(tmp_path):
    path = ROOT / "notebooks" / "05-explore.ipynb"
    with offline_page() as (page, log):
        page.goto(_html(path, tmp_path).as_uri())
        page.wait_for_load_state("load")
        text = page.evaluate("document.body.innerText")
        marks = page.locator("mark").count()
    for shown in ("Sections ranked by the score of", "Most representative sections", "occurrences in",
                  "Coding form (interactive in JupyterLab)", "Intrusion test (interactive in JupyterLab)"):
        assert shown in text, shown
    assert marks > 0 and "widget-view" not in path.read_text(encoding="utf-8")
    assert log.network_requests == [] and log.page_errors == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_rendered_notebook_shows_every_figure_offline_without_console_errors(path, tmp_path):
    nb = nbformat.read(path, as_version=4)
    pngs = sum("image/png" in o.get("data", {}) for c in nb.cells for o in c.get("outputs", []))
    html = _html(path, tmp_path)
    with offline_page() as (page, log):
        page.goto(html.as_uri())
        page.wait_for_load_state("load")
        if path.stem == "02-topic-model":
            page.wait_for_selector("svg circle.dot", timeout=15000)
        images = page.evaluate("Array.from(document.images).map(i => [i.complete, i.naturalWidth])")
        circles = page.locator("svg circle.dot").count()
    assert (pngs > 0 or path.stem == "05-explore") and len(images) == pngs  # 05 shows widgets, no figure
    assert all(done and width > 0 for done, width in images), images
    assert log.page_errors == [] and log.console_errors == [], (log.page_errors, log.console_errors)
    assert log.network_requests == []
    if path.stem == "02-topic-model":
        assert circles == committed_topic_count()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_outputs_stay_small_for_nbviewer_and_github(path):
    nb = nbformat.read(path, as_version=4)
    sizes = [len(json.dumps(c.get("outputs", []))) for c in nb.cells]
    assert max(sizes) < 1_000_000 and path.stat().st_size < 5_000_000
