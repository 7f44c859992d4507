"""Stage profiling and the pieces that keep the pipeline fast on a large corpus."""

from __future__ import annotations

import importlib.util
import json
import multiprocessing
from pathlib import Path

import pandas as pd
import pytest

from corpus_utils import profiling, tokens

ROOT = Path(__file__).resolve().parent.parent


@profiling.stage("tokens")
def _outer(x: int) -> int:
    return _inner(x) + 1


@profiling.stage("framing")
def _inner(x: int) -> int:
    return x * 2


def test_stages_are_recorded_only_when_the_profile_variable_names_a_file(tmp_path, monkeypatch):
    log = tmp_path / "profile.jsonl"
    monkeypatch.delenv(profiling.ENV, raising=False)
    assert _outer(1) == 3 and not log.exists()
    monkeypatch.setenv(profiling.ENV, str(log))
    assert _outer(1) == 3
    records = [json.loads(line) for line in log.read_text().splitlines()]
    assert [(r["stage"], r["function"].rsplit(".", 1)[-1]) for r in records] == [("tokens", "_outer")]
    assert records[0]["seconds"] >= 0 and records[0]["peak_mb"] > 0


def test_staged_calls_in_a_worker_process_are_not_recorded_twice(tmp_path, monkeypatch):
    log = tmp_path / "profile.jsonl"
    monkeypatch.setenv(profiling.ENV, str(log))
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        assert pool.map(_outer, [1, 2]) == [3, 5]
    assert not log.exists()
    assert _outer(1) == 3 and len(log.read_text().splitlines()) == 1


def test_unknown_stage_names_are_refused():
    with pytest.raises(ValueError, match="unknown stage"):
        profiling.stage("tokenising")


def test_tokenising_in_two_processes_gives_the_same_runs_in_the_same_order(monkeypatch):
    texts = [f"Document {i}: the Shanghai Cooperation Organization met border guards in Kazakhstan."
             for i in range(40)] + ["Russia and China held joint exercises; NATO watched."] * 5
    serial = tokens.unit_runs(texts, n_jobs=1)
    monkeypatch.setattr(tokens, "PARALLEL_CHARS", 0)
    assert tokens.unit_runs(texts, n_jobs=2) == serial


def test_phrase_grid_matches_fitting_phrases_anew_for_each_setting(seed_runs):
    grid = tokens.phrase_grid(seed_runs, [2, 5], [0.3, 0.7])
    for row in grid.itertuples():
        _, table = tokens.learn_phrases(seed_runs, row.min_count, row.threshold)
        assert (row.phrases, row.tokens_joined) == (len(table), int(table["count"].sum()) * 2)


@pytest.fixture(scope="module")
def seed_runs():
    import corpus_utils as cu

    sections = cu.load_corpus(ROOT / "seeds")
    return [r for unit in tokens.unit_runs(sections["text"]) for r in unit]


@pytest.mark.slow
def test_scale_corpus_has_the_requested_documents_and_marks_repeats(tmp_path):
    spec = importlib.util.spec_from_file_location("scale_corpus", ROOT / "benchmarks" / "scale_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    meta = module.build(25, tmp_path)
    assert len(list(tmp_path.glob("*.txt"))) == 25 and not meta["repeat"].any()
    assert set(meta["group"]) <= {"Wikipedia", "Lee news", "Python docs"}
    assert pd.read_csv(tmp_path / "metadata.csv")["doc_id"].tolist() == meta["doc_id"].tolist()
    assert len(module.pool()) > 5000


def test_cached_runs_are_read_back_identical_and_keyed_by_the_texts(tmp_path, monkeypatch):
    texts = ["The Shanghai Cooperation Organization met in Astana.", "Border guards trained together."]
    first = tokens.unit_runs(texts, cache_dir=tmp_path)
    assert len(list(tmp_path.glob("runs_*.json"))) == 1
    monkeypatch.setattr(tokens, "_runs_of", lambda job: pytest.fail("recomputed despite the cache"))
    assert tokens.unit_runs(texts, cache_dir=tmp_path) == first
    monkeypatch.undo()
    tokens.unit_runs([*texts, "Another text."], cache_dir=tmp_path)
    assert len(list(tmp_path.glob("runs_*.json"))) == 2


def _reference_module():
    spec = importlib.util.spec_from_file_location("reference", ROOT / "benchmarks" / "reference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_reference_workload_has_the_same_inputs_on_every_call():
    module = _reference_module()
    first, second = module.synthetic_corpus(50), module.synthetic_corpus(50)
    assert first == second and len(first) == 50
    assert all(sum(n for _, n in doc) == 120 for doc in first)


@pytest.mark.slow
def test_reference_workload_times_each_part_and_their_sum():
    timed = _reference_module().reference_seconds(repeats=1)
    assert set(timed) == {"ref_lda_s", "ref_strings_s", "ref_s"}
    assert timed["ref_lda_s"] > 0 and timed["ref_strings_s"] > 0
    assert timed["ref_s"] == pytest.approx(timed["ref_lda_s"] + timed["ref_strings_s"], abs=0.011)
