"""A dated table corpus end to end: a CSV export with outlet and date columns runs through notebooks 01-03,
and topic and frame prevalence are modelled on the outlet and a trend in time, drawn as figures."""

from __future__ import annotations

import csv
import datetime as dt
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
import scale_corpus  # noqa: E402

pytestmark = pytest.mark.slow  # runs notebooks or the whole pipeline

N_DOCS = 150


@pytest.fixture(scope="module")
def dated_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("dated")
    table = folder / "export.csv"
    with table.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "outlet", "published", "headline", "body"])
        for i, (source, title, text) in enumerate(scale_corpus.pool()[:N_DOCS]):
            day = dt.date(2022, 1, 1) + dt.timedelta(days=(i * 37) % 730)
            writer.writerow([f"n{i:03d}", source, day.isoformat(), title, text])
    out = tmp_path_factory.mktemp("out")
    corpus = f"{table}?text=body&doc_id=id&date=published&title=headline&group=outlet"
    cmd = [sys.executable, str(ROOT / "tools" / "run_notebooks.py"), "--corpus", corpus, "--outdir", str(out),
           "--only", "01", "02", "03", "--param", f"CACHE_DIR={out / 'cache'}", "--param", "SWEEP_SEEDS=2",
           "--param", "N_RUNS=4", "--param", "COMPARE_SEEDS=2", "--param", "OTHER_MASTERS=1", "--param", "K_MAX=4",
           "--param", "N_BOOT=200", "--param", "N_PERM=200", "--param", "N_SIMS=200"]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    return run, out


def test_a_dated_csv_export_runs_through_the_topic_and_framing_notebooks(dated_run):
    run, _ = dated_run
    assert run.returncode == 0, run.stderr[-3000:]
    assert "export.csv?text=body" in run.stdout and "every file loaded, no warning" in run.stdout


@pytest.mark.parametrize("kind", ["topic", "frame"])
def test_prevalence_is_modelled_on_the_outlet_and_a_trend_in_time(dated_run, kind):
    _, out = dated_run
    effects = pd.read_csv(out / "results" / f"{kind}_effects.csv")
    trends = pd.read_csv(out / "results" / f"{kind}_trends.csv")
    assert {"Python docs vs Lee news", "Wikipedia vs Lee news"} <= set(effects["contrast"])
    assert effects["contrast"].str.startswith("time: 2022-").any()
    assert (effects["ci_low"] <= effects["estimate"]).all() and (effects["estimate"] <= effects["ci_high"]).all()
    assert set(trends["group"]) == {"Lee news", "Python docs", "Wikipedia"}
    assert trends["date"].min() >= "2022-01-01" and trends["date"].max() <= "2023-12-31"


@pytest.mark.parametrize("figure", ["02_topic_effects", "02_topic_trends", "03_frame_effects", "03_frame_trends"])
def test_the_effect_and_trend_figures_are_drawn_not_skipped(dated_run, figure):
    _, out = dated_run
    manifest = pd.read_csv(out / "figures" / "MANIFEST.csv").set_index("file")
    assert not manifest.loc[f"{figure}.png", "caption"].startswith("Not drawn")
