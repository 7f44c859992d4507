"""JupyterLab: start it headless on localhost, open the topic-model notebook in Chromium, run all cells,
see the pyLDAvis view and no error, then shut the server down."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from .browser import chromium_path, offline_page
from .conftest import committed_topic_count

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "nbtest"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def lab_server(tmp_path):
    """A JupyterLab server on a copy of the project (the committed notebooks are never saved over)."""
    chromium_path()  # skip (or fail under CI) before starting anything
    (tmp_path / "notebooks").mkdir()
    shutil.copy(ROOT / "notebooks" / "02-topic-model.ipynb", tmp_path / "notebooks")
    shutil.copytree(ROOT / "results", tmp_path / "results")
    (tmp_path / "seeds").symlink_to(ROOT / "seeds")
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")}
    cmd = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root", f"--port={port}",
           "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={tmp_path}",
           "--LabApp.expose_app_in_browser=True", "--LabApp.extension_manager=readonly",
           "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate", "--ServerApp.disable_check_xsrf=True"]
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
            pytest.fail("JupyterLab did not start within 60 s")
        yield url
    finally:
        try:
            request = urllib.request.Request(f"{url}/api/shutdown?token={TOKEN}", method="POST")
            urllib.request.urlopen(request, timeout=5)
            server.wait(timeout=20)
        except (OSError, subprocess.TimeoutExpired):
            server.kill()
            server.wait()


def test_topic_notebook_runs_in_jupyterlab_and_shows_ldavis(lab_server):
    with offline_page(allow_hosts=("127.0.0.1",)) as (page, log):
        page.goto(f"{lab_server}/lab/tree/notebooks/02-topic-model.ipynb?token={TOKEN}")
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60000)
        page.wait_for_function("window.jupyterapp && window.jupyterapp.shell.currentWidget"
                               " && window.jupyterapp.shell.currentWidget.sessionContext"
                               " && window.jupyterapp.shell.currentWidget.sessionContext.session", timeout=60000)
        page.evaluate("window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs')")
        page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
        done = "Array.from(document.querySelectorAll('.jp-OutputArea-output'))"
        page.wait_for_function(f"{done}.some(e => e.textContent.includes('gensim=='))", timeout=180000)
        circles = page.locator("#ldavis_topics svg circle.dot").count()
        errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").count()
        tracebacks = page.evaluate("document.body.innerText.includes('Traceback')")
    assert circles == committed_topic_count()
    assert errors == 0 and not tracebacks
    assert log.page_errors == []
    assert log.network_requests == []
