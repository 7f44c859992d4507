"""A cache that checks itself: every entry carries a digest of its content; a cut, altered or unreadable entry
is reported once (a CorpusWarning naming the file), discarded and recomputed; NO_CACHE reads none."""

from __future__ import annotations

import json
import warnings

import pandas as pd
import pytest

from corpus_utils import caching, tokens
from corpus_utils.errors import CorpusWarning

TEXTS = ["The Shanghai Cooperation Organization met in Astana.", "Border guards trained together."]


def _runs_file(folder):
    (path,) = folder.glob("runs_*.json")
    return path


def _recompute_count(monkeypatch) -> list[int]:
    calls = [0]
    original = tokens._runs_of

    def counting(job):
        calls[0] += 1
        return original(job)

    monkeypatch.setattr(tokens, "_runs_of", counting)
    return calls


def test_a_truncated_token_entry_is_reported_once_naming_the_file_and_recomputed(tmp_path, monkeypatch):
    first = tokens.unit_runs(TEXTS, cache_dir=tmp_path)
    path = _runs_file(tmp_path)
    path.write_text(path.read_text()[: len(path.read_text()) // 2])
    calls = _recompute_count(monkeypatch)
    with pytest.warns(CorpusWarning, match=rf"{path.name}: cache entry ignored and recomputed"):
        assert tokens.unit_runs(TEXTS, cache_dir=tmp_path) == first
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the entry was rewritten: no second report
        assert tokens.unit_runs(TEXTS, cache_dir=tmp_path) == first
    assert calls[0] == 1


def test_an_altered_token_entry_is_not_used(tmp_path):
    first = tokens.unit_runs(TEXTS, cache_dir=tmp_path)
    path = _runs_file(tmp_path)
    path.write_text(path.read_text().replace("border", "smuggling"))
    with pytest.warns(CorpusWarning, match="content does not match its digest"):
        assert tokens.unit_runs(TEXTS, cache_dir=tmp_path) == first


def test_a_cached_table_cut_to_half_its_rows_is_recomputed(tmp_path):
    path = tmp_path / "sweep.csv"
    table = pd.DataFrame({"k": range(10), "score": [i / 7 for i in range(10)], "inputs": "abc"})
    caching.cached_frame(path, "abc", lambda: table)
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(lines[:6]))
    with pytest.warns(CorpusWarning, match=r"sweep\.csv: cached table ignored and recomputed \(content"):
        again = caching.cached_frame(path, "abc", lambda: table)
    assert len(again) == 10 and len(path.read_text().splitlines()) == 11


def test_an_intact_cached_table_is_read_back_without_recomputing(tmp_path):
    path = tmp_path / "sweep.csv"
    table = pd.DataFrame({"k": [2, 3], "score": [0.1, 1 / 3], "inputs": "abc"})
    caching.cached_frame(path, "abc", lambda: table)
    again = caching.cached_frame(path, "abc", lambda: pytest.fail("recomputed an intact table"))
    pd.testing.assert_frame_equal(again, table)


def test_no_cache_reads_no_entry_and_recomputes(tmp_path, monkeypatch):
    tokens.unit_runs(TEXTS, cache_dir=tmp_path)
    caching.cached_frame(tmp_path / "t.csv", "abc", lambda: pd.DataFrame({"x": [1], "inputs": "abc"}))
    monkeypatch.setenv(caching.NO_CACHE_ENV, "1")
    calls = _recompute_count(monkeypatch)
    tokens.unit_runs(TEXTS, cache_dir=tmp_path)
    recomputed = caching.cached_frame(tmp_path / "t.csv", "abc", lambda: pd.DataFrame({"x": [2], "inputs": "abc"}))
    assert calls[0] == 1 and recomputed["x"].tolist() == [2]


@pytest.mark.parametrize("cut", [0.5, 0.03, 0.9], ids=["mid-row", "inside-the-header", "last-row"])
def test_a_cached_table_cut_anywhere_is_reported_and_recomputed(tmp_path, cut):
    path = tmp_path / "sweep.csv"
    table = pd.DataFrame({"k": range(10), "score": [i / 7 for i in range(10)], "inputs": "abc"})
    caching.cached_frame(path, "abc", lambda: table)
    text = path.read_text()
    path.write_text(text[: int(len(text) * cut)])
    with pytest.warns(CorpusWarning, match=r"sweep\.csv: cached table ignored and recomputed"):
        caching.cached_frame(path, "abc", lambda: table)


def test_a_table_for_other_inputs_is_recomputed_without_a_warning(tmp_path):
    path = tmp_path / "sweep.csv"
    caching.cached_frame(path, "old", lambda: pd.DataFrame({"k": [1], "inputs": "old"}))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        again = caching.cached_frame(path, "new", lambda: pd.DataFrame({"k": [2], "inputs": "new"}))
    assert again["k"].tolist() == [2]


def test_a_cache_folder_that_cannot_be_written_slows_the_run_but_does_not_stop_it(tmp_path, monkeypatch):
    def full(path, data):
        raise OSError(28, f"could not write {path}: No space left on device")

    monkeypatch.setattr(caching, "atomic_write", full)
    with pytest.warns(CorpusWarning, match="No space left on device; the tokens are not cached, the run goes on"):
        runs = tokens.unit_runs(TEXTS, cache_dir=tmp_path)
    assert runs and not list(tmp_path.glob("runs_*.json"))  # no entry (its lock file may stay)


def _runs_in_another_process(folder: str, out: str) -> None:
    from pathlib import Path

    from corpus_utils import tokens

    tokens.unit_runs(TEXTS, cache_dir=folder)
    Path(out).write_text("done")


@pytest.mark.slow
def test_a_notebook_side_by_side_waits_for_the_runs_another_is_computing_then_reads_them(tmp_path):
    import multiprocessing

    key = tokens._runs_key(TEXTS, tokens.general_stopwords())
    entry, out = tmp_path / f"runs_{key}.json", tmp_path / "done.txt"
    with caching.entry_lock(entry):  # as notebook 01 holds it while it computes the runs
        worker = multiprocessing.get_context("spawn").Process(target=_runs_in_another_process,
                                                               args=(str(tmp_path), str(out)))
        worker.start()
        worker.join(timeout=5.0)  # a spawned process needs a moment to import
        assert worker.is_alive() and not out.exists(), "the other notebook did not wait for the runs"
        caching.write_entry(entry, key, tokens._packed([[["marker"]]] * len(TEXTS)))
    worker.join(timeout=60)
    assert out.read_text() == "done"
    assert caching.read_entry(entry, key) == tokens._packed([[["marker"]]] * len(TEXTS))  # read, not recomputed



# --- the parsed corpus kept on disk (loading.keep_parsed_in) ---

def _corpus(folder):
    folder.mkdir()
    (folder / "a.txt").write_text("Border security\n\nGuards of Kazakhstan trained with Kyrgyz units.\n")
    (folder / "b.txt").write_text("Water\n\nThe Amu Darya feeds the irrigation of Uzbekistan.\n")
    return folder


@pytest.fixture
def kept(tmp_path, monkeypatch):
    """A corpus and a cache folder, with the parsed corpus kept there and nothing in memory."""
    from corpus_utils import loading

    monkeypatch.setattr(loading, "_PARSED", {})
    monkeypatch.setattr(loading, "_DISK", [])
    loading.keep_parsed_in(tmp_path / "cache")
    return _corpus(tmp_path / "corpus"), tmp_path / "cache"


def _forget_memory(monkeypatch):
    from corpus_utils import loading

    monkeypatch.setattr(loading, "_PARSED", {})


def _no_parsing(monkeypatch):
    from corpus_utils import formats

    def refuse(*args, **kwargs):
        raise AssertionError("the corpus was parsed again")

    monkeypatch.setattr(formats, "scan", refuse)


def test_a_parsed_corpus_is_read_back_from_the_cache_folder_without_reading_its_files(kept, monkeypatch):
    from corpus_utils import loading

    corpus, _ = kept
    first = loading.load_corpus(corpus)
    _forget_memory(monkeypatch)  # as in the next notebook's kernel
    _no_parsing(monkeypatch)
    pd.testing.assert_frame_equal(loading.load_corpus(corpus), first)
    assert loading.load_metadata(corpus)["doc_id"].tolist() == ["a", "b"]


def test_a_changed_file_makes_the_kept_corpus_parse_again(kept, monkeypatch):
    from corpus_utils import loading

    corpus, _ = kept
    loading.load_corpus(corpus)
    _forget_memory(monkeypatch)
    (corpus / "b.txt").write_text("Water\n\nThe Syr Darya feeds the irrigation of Kazakhstan and more.\n")
    assert "Syr Darya" in " ".join(loading.load_corpus(corpus)["text"])


def test_a_kept_corpus_is_not_used_when_the_parsing_code_changes(kept, monkeypatch):
    from corpus_utils import loading

    corpus, _ = kept
    loading.load_corpus(corpus)
    _forget_memory(monkeypatch)
    monkeypatch.setattr(caching, "code_version", lambda *modules: "another version of the code")
    calls = []
    original = loading._parse
    monkeypatch.setattr(loading, "_parse", lambda path: calls.append(path) or original(path))
    loading.load_corpus(corpus)
    assert calls == [corpus]


def test_a_cut_parsed_corpus_entry_is_reported_naming_the_file_and_parsed_again(kept, monkeypatch):
    from corpus_utils import loading

    corpus, cache = kept
    first = loading.load_corpus(corpus)
    (entry,) = cache.glob("parsed-*.pkl")
    entry.write_bytes(entry.read_bytes()[:-20])
    _forget_memory(monkeypatch)
    with pytest.warns(CorpusWarning, match=rf"{entry.name}: cache entry ignored and recomputed"):
        again = loading.load_corpus(corpus)
    pd.testing.assert_frame_equal(again, first)


def test_a_parsed_corpus_entry_with_altered_bytes_is_not_unpickled(kept, monkeypatch):
    import json

    from corpus_utils import loading

    corpus, cache = kept
    loading.load_corpus(corpus)
    (entry,) = cache.glob("parsed-*.pkl")
    data = bytearray(entry.read_bytes())
    data[-5] ^= 0xFF
    entry.write_bytes(bytes(data))
    key = json.loads(data.split(b"\n")[0])["key"]
    monkeypatch.setattr("pickle.loads", lambda payload: pytest.fail("an altered payload was unpickled"))
    with pytest.warns(CorpusWarning, match=rf"{entry.name}: cache entry ignored .*content does not match its digest"):
        assert caching.read_pickled(entry, key) is None


def test_one_entry_is_kept_per_corpus_whatever_its_changes(kept, monkeypatch):
    from corpus_utils import loading

    corpus, cache = kept
    loading.load_corpus(corpus)
    (corpus / "c.txt").write_text("Drugs\n\nTrafficking routes cross the Tajik border.\n")
    _forget_memory(monkeypatch)
    loading.load_corpus(corpus)
    assert len(list(cache.glob("parsed-*.pkl"))) == 1


def test_no_cache_folder_keeps_the_parsed_corpus_in_memory_only(tmp_path, monkeypatch):
    from corpus_utils import loading

    monkeypatch.setattr(loading, "_PARSED", {})
    loading.keep_parsed_in(None)
    loading.load_corpus(_corpus(tmp_path / "corpus"))
    assert not list(tmp_path.rglob("parsed-*.pkl"))


def test_a_token_entry_whose_runs_do_not_fit_the_texts_is_reported_and_recomputed(tmp_path):
    first = tokens.unit_runs(TEXTS, cache_dir=tmp_path)
    path = _runs_file(tmp_path)
    key = json.loads(path.read_text())["key"]
    caching.write_entry(path, key, tokens._packed([[["border", "guard"]]]))  # one block where there are two
    with pytest.warns(CorpusWarning, match=rf"{path.name}: cache entry ignored and recomputed \(its runs do not fit"):
        assert tokens.unit_runs(TEXTS, cache_dir=tmp_path) == first


def test_a_cache_folder_that_cannot_be_written_still_loads_the_corpus_and_says_it_is_not_kept(kept, monkeypatch):
    from corpus_utils import loading

    def full(path, data):
        raise OSError(28, f"could not write {path}: No space left on device")

    corpus, cache = kept
    monkeypatch.setattr(caching, "atomic_write", full)
    with pytest.warns(CorpusWarning, match="No space left on device; the parsed corpus is not kept, the run goes on"):
        sections = loading.load_corpus(corpus)
    assert sections["doc_id"].unique().tolist() == ["a", "b"] and not list(cache.glob("parsed-*.pkl"))
