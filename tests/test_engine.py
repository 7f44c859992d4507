"""ENGINE=dask: the per-document stages run as Dask bag partitions and the model fits as one task each, on a
two-worker LocalCluster (processes), with results identical to the in-process run."""

from __future__ import annotations

import csv
import datetime as dt
import filecmp
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pandas as pd
import pytest

import corpus_utils as cu
from corpus_utils import actors, audit, engine, framing, tokens, topics

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
import scale_corpus  # noqa: E402

pytestmark = pytest.mark.slow  # runs notebooks or the whole pipeline

SMALL = ["--only", "01", "02", "03", "--param", "SWEEP_SEEDS=2", "--param", "N_RUNS=4", "--param", "COMPARE_SEEDS=2",
         "--param", "OTHER_MASTERS=1", "--param", "K_MAX=4", "--param", "N_BOOT=200", "--param", "N_PERM=200",
         "--param", "N_SIMS=200"]


@pytest.fixture(scope="module")
def cluster():
    from dask.distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as local:
        yield local


@pytest.fixture()
def on_cluster(cluster, monkeypatch):
    monkeypatch.setenv("ENGINE", "dask")
    monkeypatch.setenv("DASK_SCHEDULER", cluster.scheduler_address)
    engine.close()
    yield cluster
    engine.close()


def _stages(corpus) -> list:
    sections = cu.load_corpus(corpus)
    tok = tokens.tokenize_units(sections["text"], max_df=0.6)
    return [sections, cu.load_paragraphs(corpus), framing.frame_scores(sections), framing.function_scores(sections),
            actors.actor_mentions(sections), audit.kwic(sections), tok.tokens, tok.corpus_stopwords,
            cu.load_metadata(corpus), _dictionary_state(topics.build_vocabulary(tok.tokens, no_below=1)),
            framing.group_keyness(tok.tokens, sections["doc_id"]),
            tokens.phrase_grid([r for u in tokens.unit_runs(sections["text"]) for r in u], [1, 3], [0.0, 0.5])]


def _dictionary_state(vocab) -> tuple:
    """What a gensim Dictionary holds (ids, counts) and the bag-of-words built with it."""
    d = vocab.dictionary
    return d.token2id, d.dfs, d.cfs, d.num_docs, d.num_pos, d.num_nnz, vocab.bow


def _fresh_stages(corpus, monkeypatch) -> list:
    """``_stages`` with nothing reused from an earlier parse or phrasing of the same corpus."""
    from corpus_utils import loading

    monkeypatch.setattr(loading, "_PARSED", {})
    monkeypatch.setattr(loading, "_LOADS", {})
    monkeypatch.setattr(tokens, "_PHRASED", {})
    metadata = loading.document_metadata(corpus)  # read from the files themselves: nothing parsed yet
    return [metadata, *_stages(corpus), loading.scan_corpus(corpus)]


def test_the_per_document_stages_in_worker_processes_equal_the_in_process_ones(tmp_path, monkeypatch):
    scale_corpus.build(60, tmp_path / "corpus")
    monkeypatch.setenv("ENGINE", "local")
    monkeypatch.setenv(engine.JOBS_ENV, "1")
    expected = _fresh_stages(tmp_path / "corpus", monkeypatch)
    # several windows of several parts each, in two fresh worker processes
    monkeypatch.setattr(engine, "LOCAL_MIN_ITEMS", 10)
    monkeypatch.setattr(engine, "WINDOW", 25)
    monkeypatch.setattr(engine, "PARTITION", 7)
    monkeypatch.setenv(engine.JOBS_ENV, "2")
    spawned = []
    from concurrent.futures import ProcessPoolExecutor as real_pool

    def counting_pool(*args, **kwargs):
        spawned.append(kwargs["mp_context"].get_start_method())
        return real_pool(*args, **kwargs)

    monkeypatch.setattr("concurrent.futures.ProcessPoolExecutor", counting_pool)
    found = _fresh_stages(tmp_path / "corpus", monkeypatch)
    for a, b in zip(expected, found, strict=True):
        if isinstance(a, pd.DataFrame):
            pd.testing.assert_frame_equal(a, b)
        else:
            assert a == b
    assert spawned and set(spawned) == {"spawn"}  # the stages did run in worker processes


def test_local_map_keeps_a_small_input_in_this_process(monkeypatch):
    monkeypatch.setenv(engine.JOBS_ENV, "2")
    monkeypatch.setattr("concurrent.futures.ProcessPoolExecutor", None)  # any pool would fail
    assert list(engine.local_map(len, ["a", "bb", "ccc"])) == [1, 2, 3]


def test_a_bad_number_of_jobs_is_refused_naming_the_variable(monkeypatch):
    monkeypatch.setenv(engine.JOBS_ENV, "many")
    with pytest.raises(ValueError, match=r"CORPUS_UTILS_JOBS='many' is not a number of processes"):
        engine.local_jobs()


def test_an_unknown_engine_is_refused_naming_the_engines(monkeypatch):
    monkeypatch.setenv("ENGINE", "spark")
    with pytest.raises(ValueError, match=r"ENGINE='spark'.*local, dask"):
        engine.current()


def test_the_per_document_stages_on_dask_equal_the_in_process_ones(on_cluster, monkeypatch):
    from dask.distributed import Client, get_task_stream

    with monkeypatch.context() as local:
        local.setenv("ENGINE", "local")
        expected = _stages(ROOT / "seeds")
    monkeypatch.setattr(engine, "PARTITION", 7)  # several partitions of the seeds' sections: reductions combine
    monkeypatch.setattr(tokens, "_PHRASED", {})  # phrases learned again, on the cluster
    with Client(on_cluster.scheduler_address) as watcher, get_task_stream(watcher) as stream:
        found = _stages(ROOT / "seeds")
    for a, b in zip(expected, found, strict=True):
        if isinstance(a, pd.DataFrame):
            pd.testing.assert_frame_equal(a, b)
        else:
            assert a == b
    assert any("from_sequence" in str(task["key"]) for task in stream.data)  # ran as bag partitions there


def _offset(base: int, item: int) -> int:
    return base + item


def test_bag_map_gives_each_item_the_constants_sent_to_the_workers_in_the_order_of_the_items(on_cluster, monkeypatch):
    monkeypatch.setattr(engine, "PARTITION", 7)
    monkeypatch.setattr(engine, "WINDOW", 15)  # two windows, several partitions each
    assert list(engine.bag_map(_offset, range(40), 1000)) == [1000 + i for i in range(40)]


def test_phrases_are_joined_and_bags_of_words_built_in_bag_partitions_on_dask(on_cluster, monkeypatch):
    from dask.distributed import Client, get_task_stream

    runs = tokens.unit_runs(cu.load_corpus(ROOT / "seeds")["text"])
    model, _ = tokens.learn_phrases([r for u in runs for r in u])
    with monkeypatch.context() as local:
        local.setenv("ENGINE", "local")
        joined = tokens.join_phrases(model, runs)
        dictionary = topics.term_dictionary(joined)
        bow = topics.bag_of_words(dictionary, joined)
    monkeypatch.setattr(engine, "PARTITION", 7)
    with Client(on_cluster.scheduler_address) as watcher, get_task_stream(watcher) as stream:
        assert tokens.join_phrases(model, runs) == joined
        assert topics.bag_of_words(dictionary, joined) == bow
        on_disk = topics.bag_of_words(dictionary, joined, max_cells=0)
    assert isinstance(on_disk, topics.DiskBow) and list(on_disk) == bow
    assert joined != [[t for r in u for t in r] for u in runs]  # some phrases were joined
    assert sum("_apply" in str(task["key"]) or "from_sequence" in str(task["key"]) for task in stream.data) >= 3 * (
        -(-len(runs) // 7))  # every partition of all three, on the workers


def test_a_table_corpus_is_read_in_partitions_with_its_bad_rows_reported_alike(on_cluster, tmp_path, monkeypatch):
    table = tmp_path / "export.csv"
    rows = [["doc_id", "text"], *[[f"d{i}", text] for i, (_, _, text) in enumerate(scale_corpus.pool()[:40])],
            ["d3", "a duplicate id"], ["d99", ""]]
    with table.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    with monkeypatch.context() as local, warnings.catch_warnings(record=True) as before:
        warnings.simplefilter("always")
        local.setenv("ENGINE", "local")
        expected = cu.corpus_report(table), cu.load_corpus(table)
    with warnings.catch_warnings(record=True) as after:
        warnings.simplefilter("always")
        found = cu.corpus_report(table), cu.load_corpus(table)
    pd.testing.assert_frame_equal(found[0], expected[0])
    pd.testing.assert_frame_equal(found[1], expected[1])
    assert [str(w.message) for w in after] == [str(w.message) for w in before] == [
        "export.csv, row 42: skipped: doc_id 'd3' already used by row 5", "export.csv, row 43: skipped: empty text"]


@pytest.fixture(scope="module")
def dated_table(tmp_path_factory) -> str:
    table = tmp_path_factory.mktemp("dated") / "export.csv"
    with table.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "outlet", "published", "body"])
        for i, (source, _, text) in enumerate(scale_corpus.pool()[:120]):
            writer.writerow([f"n{i:03d}", source, (dt.date(2022, 1, 1) + dt.timedelta(days=(i * 37) % 730)), text])
    return f"{table}?text=body&doc_id=id&date=published&group=outlet"


def _run(corpus: str, out: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    cmd = [sys.executable, str(ROOT / "tools" / "run_notebooks.py"), "--corpus", corpus, "--outdir", str(out),
           *SMALL, "--param", f"CACHE_DIR={out / 'cache'}"]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=900, env={**os.environ, **env})


def test_the_notebooks_on_a_two_worker_cluster_write_the_same_results_and_figures(cluster, dated_table, tmp_path):
    from dask.distributed import Client, get_task_stream

    local = _run(dated_table, tmp_path / "local", {"ENGINE": "local"})
    assert local.returncode == 0, local.stderr[-2000:]
    with Client(cluster.scheduler_address) as watcher, get_task_stream(watcher) as stream:
        remote = _run(dated_table, tmp_path / "dask", {"ENGINE": "dask", "DASK_SCHEDULER": cluster.scheduler_address})
    assert remote.returncode == 0, remote.stderr[-2000:]
    assert f"engine: dask, on the cluster at {cluster.scheduler_address}" in remote.stdout
    for folder in ("results", "figures"):
        left, right = tmp_path / "local" / folder, tmp_path / "dask" / folder
        names = sorted(p.name for p in left.iterdir())
        assert names == sorted(p.name for p in right.iterdir())
        _, mismatch, errors = filecmp.cmpfiles(left, right, names, shallow=False)
        assert not mismatch and not errors, mismatch
    keys = " ".join(str(task["key"]) for task in stream.data)
    assert "_with_shared" in keys  # the K sweep and the ensemble: one task per fit
    assert "from_sequence" in keys or "_apply" in keys  # the per-document stages: bag partitions


def test_the_runner_refuses_an_unknown_engine_before_anything_runs(tmp_path):
    run = subprocess.run([sys.executable, str(ROOT / "tools" / "run_notebooks.py"), "--outdir", str(tmp_path / "o")],
                         capture_output=True, text=True, timeout=120, env={**os.environ, "ENGINE": "spark"})
    assert run.returncode == 2 and "choose one of: local, dask" in run.stderr and not (tmp_path / "o").exists()
