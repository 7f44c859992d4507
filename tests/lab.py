"""A JupyterLab server for browser tests and screenshots: headless, on localhost, on a temporary copy of the
project, with every state file it or its kernels write (runtime, settings, workspaces, checkpoints, IPython
history, matplotlib cache) kept inside that copy, and autosave off. Shared by tests/test_jupyterlab.py and
``make screenshots`` (which runs the same test with SCREENSHOTS set)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "nbtest"
SCREENSHOTS = {  # CSS class of a widget in notebook 05 -> caption of its screenshot (figures/screenshots/)
    "frame-explorer": "Frame explorer: sections ranked by a frame's score, indicator hits marked, codings beside.",
    "topic-explorer": "Topic explorer: a topic's terms by relevance or FREX and its most representative sections.",
    "kwic-explorer": "Keyword in context: every occurrence of a typed word, counted by article and section.",
    "coding": "Blind coding form: one section at a time, codebook beside, each answer saved at once.",
    "intrusion": "Intrusion test form: which word (or topic) does not belong; each answer saved at once.",
}
STATE = ".lab-state"  # the server's and kernels' own files, inside the temporary project


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def project_copy(target: Path, notebooks: list[str], validation: bool = False) -> Path:
    """A temporary project: the named notebooks and a copy of results/ (never the committed files), the seeds
    linked; with ``validation``, the blind reference coding and an empty answers folder."""
    (target / "notebooks").mkdir(parents=True)
    for name in notebooks:
        shutil.copy(ROOT / "notebooks" / name, target / "notebooks")
    shutil.copytree(ROOT / "results", target / "results")
    (target / "seeds").symlink_to(ROOT / "seeds")
    if validation:
        shutil.copytree(ROOT / "validation" / "blind", target / "validation" / "blind")
    return target


@contextmanager
def lab_server(project: Path) -> Iterator[str]:
    """Start JupyterLab on ``project`` and yield its URL; shut it down (killed if it does not stop) after."""
    state = project / STATE
    for plugin, values in (("docmanager-extension/plugin", {"autosave": False}),  # nothing saved behind the test
                           ("apputils-extension/notification", {"fetchNews": "false", "checkForUpdates": False})):
        path = state / "settings" / "@jupyterlab" / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "JUPYTER_RUNTIME_DIR": str(state / "runtime"),
           "IPYTHONDIR": str(state / "ipython"), "MPLCONFIGDIR": str(state / "matplotlib"),
           "JUPYTER_CONFIG_DIR": str(state / "config")}
    cmd = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root", f"--port={port}",
           "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={project}",
           "--LabApp.expose_app_in_browser=True", "--LabApp.extension_manager=readonly",
           f"--LabApp.user_settings_dir={state / 'settings'}", f"--LabApp.workspaces_dir={state / 'workspaces'}",
           "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate", "--ServerApp.disable_check_xsrf=True",
           f"--FileCheckpoints.checkpoint_dir={state / 'checkpoints'}"]  # absolute: not beside the notebooks
    server = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{url}/api/status?token={TOKEN}", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        else:
            raise RuntimeError("JupyterLab did not start within 60 s")
        yield url
    finally:
        try:
            request = urllib.request.Request(f"{url}/api/shutdown?token={TOKEN}", method="POST")
            urllib.request.urlopen(request, timeout=5)
            server.wait(timeout=20)
        except (OSError, subprocess.TimeoutExpired):
            server.kill()
            server.wait()


def run_notebook(page: Any, url: str, notebook: str, done_text: str, timeout: int = 180000) -> None:
    """Open ``notebooks/<notebook>`` in JupyterLab, clear its stored outputs, run all cells and wait until an
    output contains ``done_text``."""
    page.goto(f"{url}/lab/tree/notebooks/{notebook}?token={TOKEN}")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60000)
    page.wait_for_function("window.jupyterapp && window.jupyterapp.shell.currentWidget"
                           " && window.jupyterapp.shell.currentWidget.sessionContext"
                           " && window.jupyterapp.shell.currentWidget.sessionContext.session", timeout=60000)
    page.evaluate("window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs')")
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    outputs = "Array.from(document.querySelectorAll('.jp-OutputArea-output'))"
    page.wait_for_function(f"{outputs}.some(e => e.textContent.includes({json.dumps(done_text)}))", timeout=timeout)


def start_form(page: Any, form: str, coder: str) -> None:
    """Type the coder id into a form (CSS class ``form``) and start it."""
    page.locator(f".{form} .cu-coder-id input").fill(coder)
    page.locator(f".{form} .cu-start").click()
    page.locator(f".{form} .cu-save").wait_for(state="visible", timeout=20000)


def save_and_wait(page: Any, form: str, number: int) -> None:
    """Click Save and next in a form and wait until it says answer ``number`` was saved."""
    page.locator(f".{form} .cu-save").click()
    page.locator(f".{form} .cu-message", has_text=f"saved {number} of").wait_for(timeout=20000)


def code_sections(page: Any, coder: str, answers: list[tuple[int, int, int]]) -> None:
    """In the coding form, as ``coder``: for each (frame option, function option, salience of the first frame),
    click them and save; each click is on the option's label, as a person would."""
    form = "cu-coding"
    start_form(page, form, coder)
    for number, (frame, function, salience) in enumerate(answers, start=1):
        page.locator(f".{form} .cu-primary-frame .widget-radio-box label").nth(frame).click()
        page.locator(f".{form} .cu-function .widget-radio-box label").nth(function).click()
        page.locator(f".{form} .widget-toggle-buttons").first.locator("button").nth(salience).click()
        save_and_wait(page, form, number)


def answer_intrusion(page: Any, coder: str, choices: list[int]) -> None:
    """In the intrusion form, as ``coder``: pick option ``choice`` of each item in turn and save."""
    form = "cu-intrusion"
    start_form(page, form, coder)
    for number, choice in enumerate(choices, start=1):
        page.locator(f".{form} .cu-choice .widget-radio-box label").nth(choice).click()
        save_and_wait(page, form, number)


def screenshot_name(widget: str) -> str:
    """File name of a widget's screenshot."""
    return f"05_{widget.replace('-', '_')}.png"


def record_screenshots(figures: Path = ROOT / "figures") -> None:
    """List the screenshots in ``figures/MANIFEST.csv`` as written by ``make screenshots`` (not reproducible to
    the byte: a browser draws them; no regeneration check compares them)."""
    from corpus_utils import outputs

    for widget, caption in SCREENSHOTS.items():
        path = figures / "screenshots" / screenshot_name(widget)
        if path.exists():
            outputs.register(path, f"Screenshot (browser-drawn, not byte-reproducible). {caption}")
    outputs.write_manifest(figures, "make screenshots")


def widget_screenshot(page: Any, widget: str, path: Path, height: int = 1150) -> None:
    """A PNG of the top of a widget (CSS class ``cu-<widget>``), scrolled to the top of the notebook panel and
    cut at ``height`` pixels or the bottom of the panel."""
    element = page.locator(f".cu-{widget}")
    element.evaluate("e => e.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(300)  # let the notebook's windowing draw the cells now in view
    box = element.bounding_box()
    panel = page.locator(".jp-NotebookPanel-notebook").bounding_box()
    bottom = min(box["y"] + box["height"], box["y"] + height, panel["y"] + panel["height"])
    page.screenshot(path=str(path), clip={"x": box["x"], "y": box["y"], "width": box["width"],
                                          "height": bottom - box["y"]})
