"""Nothing lost when things go wrong: an interrupted, killed or failed run leaves the previous complete set of
outputs, stops its kernels, and the next run recovers by itself."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from corpus_utils import caching

pytestmark = pytest.mark.slow  # runs notebooks or the whole pipeline

ROOT = Path(__file__).resolve().parent.parent


def _runner():
    spec = importlib.util.spec_from_file_location("run_notebooks", ROOT / "tools" / "run_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _digests(folder: Path, pattern: str = "*") -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob(pattern)) if p.is_file() and ".run-snapshot" not in p.parts}


def _committed_state(repo: Path) -> dict[str, str]:
    return {**{f"figures/{k}": v for k, v in _digests(repo / "figures").items()},
            **{f"results/{k}": v for k, v in _digests(repo / "results").items()},
            **{f"notebooks/{k}": v for k, v in _digests(repo / "notebooks", "*.ipynb").items()}}


def _start_make(repo: Path) -> subprocess.Popen:
    env = {**os.environ, "VIRTUAL_ENV": sys.prefix, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    env.pop("PYTHONPATH", None)
    return subprocess.Popen(["make", "figures"], cwd=repo, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)


def _wait_for(proc: subprocess.Popen, text: str, limit: float = 120) -> str:
    seen, start = "", time.monotonic()
    while time.monotonic() - start < limit:
        line = proc.stdout.readline()
        seen += line
        if text in line:
            return seen
    raise AssertionError(f"never saw {text!r}: {seen[-1000:]}")


def _tree(pid: int) -> list[psutil.Process]:
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def _gone(procs: list[psutil.Process], limit: float = 30) -> bool:
    _, alive = psutil.wait_procs(procs, timeout=limit)
    return not alive


def test_ctrl_c_during_make_figures_leaves_the_committed_files_unchanged(repo_copy):
    before = _committed_state(repo_copy)
    make = _start_make(repo_copy)
    seen = _wait_for(make, "done 01-corpus-overview")  # notebook 01 has rewritten its outputs, 02 runs beside it
    time.sleep(0.5)
    children = _tree(make.pid)
    os.killpg(make.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
    out, _ = make.communicate(timeout=120)
    assert make.returncode != 0
    assert "stopped (SIGINT) during" in out and "previous outputs were restored" in out, seen + out
    assert _gone(children), "a kernel or the runner outlived the interrupt"
    assert _committed_state(repo_copy) == before
    assert not (repo_copy / ".run-snapshot").exists()


def test_sigterm_to_make_alone_stops_the_runner_and_restores(repo_copy):
    before = _committed_state(repo_copy)
    make = _start_make(repo_copy)
    _wait_for(make, "running 02-topic-model")
    time.sleep(1.5)
    children = _tree(make.pid)
    os.kill(make.pid, signal.SIGTERM)  # only make: its runner and kernel must notice and stop
    out, _ = make.communicate(timeout=120)
    assert _gone(children), "the runner or a kernel kept running after make was terminated"
    assert "stopped (SIGTERM) during" in out and "previous outputs were restored" in out, out
    assert _committed_state(repo_copy) == before


def test_a_killed_run_is_restored_by_the_next_one(tmp_path):
    runner = _runner()
    folder = tmp_path / "figures"
    folder.mkdir()
    (folder / "a.png").write_bytes(b"old")
    runner.snapshot(tmp_path, [folder])
    caching.atomic_write(folder / "a.png", b"half")  # the killed run had replaced one file and added another
    (folder / "b.png").write_bytes(b"new")
    assert runner.restore(tmp_path)  # what the next run does first
    assert sorted(p.name for p in folder.iterdir()) == ["a.png"] and (folder / "a.png").read_bytes() == b"old"
    assert not (tmp_path / runner.SNAPSHOT).exists()


def test_a_snapshot_cut_off_while_being_taken_is_discarded_not_restored(tmp_path):
    runner = _runner()
    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "a.png").write_bytes(b"current")
    (tmp_path / runner.SNAPSHOT / "figures").mkdir(parents=True)  # no COMPLETE marker
    assert not runner.restore(tmp_path)
    assert (tmp_path / "figures" / "a.png").read_bytes() == b"current"


def test_a_failed_notebook_is_saved_with_its_error_and_earlier_outputs_are_kept(tmp_path, monkeypatch, capsys):
    runner = _runner()
    scripts = tmp_path / "scripts"
    scripts.mkdir()
    header = "# %% tags=[\"parameters\"]\nOUTDIR = '.'\n\n# %%\nfrom pathlib import Path\n"
    (scripts / "01-ok.py").write_text(header + "Path(OUTDIR, 'results').mkdir(exist_ok=True)\n"
                                      "Path(OUTDIR, 'results', 'a.csv').write_text('new')\n")
    (scripts / "02-bad.py").write_text(header + "raise ValueError('the reason')\n")
    out = tmp_path / "out"
    (out / "results").mkdir(parents=True)
    (out / "results" / "a.csv").write_text("old")
    monkeypatch.setattr(runner, "NOTEBOOKS", scripts)
    assert runner.main(["--outdir", str(out), "--timeout", "60"]) == 1
    err = capsys.readouterr().err
    failed = out / "notebooks" / "02-bad.failed.ipynb"
    assert "FAILED 02-bad" in err and "the reason" in err and str(failed) in err
    assert "the reason" in failed.read_text()
    assert (out / "results" / "a.csv").read_text() == "old"
    assert not (out / "notebooks" / "01-ok.ipynb").exists()


@pytest.mark.parametrize("where", [".", "figures", "results/mine", "seeds"])
def test_outdir_in_the_repository_or_a_committed_folder_is_refused(where, capsys):
    runner = _runner()
    assert runner.main(["--outdir", str(ROOT / where), "--only", "none"]) == 2
    assert "choose another folder" in capsys.readouterr().err


def test_a_full_disk_names_the_file_and_leaves_no_partial(tmp_path, monkeypatch):
    target = tmp_path / "results" / "table.csv"
    target.parent.mkdir()
    target.write_text("previous")

    def full(self, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_bytes", full)
    with pytest.raises(OSError, match=r"table\.csv"):
        caching.atomic_write(target, b"new")
    assert target.read_text() == "previous"
    assert [p.name for p in target.parent.iterdir()] == ["table.csv"]
