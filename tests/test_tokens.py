"""Tokens for modelling: lowercase lemmas, curated entities, phrases within clauses, derived stopwords."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus_utils import tokens


def test_lemmas_are_lowercase():
    assert tokens.lemma("Uzbekistan") == "uzbekistan"
    assert tokens.lemma("Organizations") == "organization"


def test_hyphenated_compounds_keep_their_modifier():
    assert tokens.lemma("confidence-building") == "confidence-building"
    assert tokens.lemma("cross-border") == "cross-border"


def test_curated_entities_become_one_token_with_spelling_variants():
    sents = tokens.lemma_sentences("The Shanghai Cooperation Organisation and the Shanghai Cooperation Organization.")
    assert sents[0].count("shanghai_cooperation_organization") == 2


def test_entity_with_connector_word_is_one_token():
    assert "belt_and_road_initiative" in tokens.lemma_sentences("China's Belt and Road Initiative grows.")[0]


def test_abbreviations_match_only_in_capitals():
    sents = tokens.lemma_sentences("The US and the SCO's members told us so.")
    assert sents[0].count("united_states") == 1
    assert "shanghai_cooperation_organization" in sents[0]
    assert "we" in sents[0]


def test_general_stopwords_are_data_not_code():
    stop = tokens.general_stopwords()
    assert {"the", "and", "furthermore"} <= stop
    assert "interest" not in stop and "system" not in stop


def test_content_runs_break_at_stopwords_punctuation_and_entities():
    sentence = ["mutual", "trust", ",", "regional", "stability", "and", "central_asia", "border"]
    runs = tokens.content_runs(sentence, frozenset({"and"}))
    assert runs == [["mutual", "trust"], ["regional", "stability"], ["central_asia"], ["border"]]


def test_learned_phrases_join_recurring_adjacent_content_words():
    runs = [["mutual", "trust", "grow"]] * 4 + [["trust", "fall"], ["mutual", "aid"], ["border", "talk"]]
    _, table = tokens.learn_phrases(runs, min_count=3, threshold=0.5)
    assert table["phrase"].tolist() == ["mutual_trust"]


def test_phrases_never_cross_a_comma():
    texts = ["Russia, China and others."] * 5
    _, table = tokens.learn_phrases([r for u in tokens.unit_runs(texts) for r in u], min_count=2, threshold=0.1)
    assert "russia_china" not in set(table["phrase"])


def test_corpus_stopwords_are_terms_above_the_document_frequency_share():
    units = [["security", "border"], ["security", "trade"], ["security", "border"], ["water"]]
    table = tokens.document_frequency_stopwords(units, max_df=0.6)
    assert table["term"].tolist() == ["security"]
    assert table["share"].tolist() == [0.75]


def test_tokenize_units_removes_corpus_stopwords_and_reports_them(seeds):
    import corpus_utils as cu

    texts = cu.load_corpus(seeds)["text"]
    result = tokens.tokenize_units(texts, max_df=0.6)
    dropped = set(result.corpus_stopwords["term"])
    assert "security" in dropped
    assert not dropped & {t for unit in result.tokens for t in unit}
    assert len(result.tokens) == len(texts)


def test_count_words_treats_hyphenated_and_possessive_words_as_one():
    assert tokens.count_words("China's cross-border trade, in 2024.") == 5



def _section_texts(seeds) -> list[str]:
    from corpus_utils import load_corpus

    return load_corpus(seeds)["text"].tolist()


def test_tokenize_units_learns_the_phrases_of_the_same_units_once(seeds, monkeypatch):
    texts = _section_texts(seeds)
    monkeypatch.setattr(tokens, "_PHRASED", {})
    learned = []
    real = tokens.learn_phrases
    monkeypatch.setattr(tokens, "learn_phrases", lambda *a, **k: learned.append(1) or real(*a, **k))
    every_term = tokens.tokenize_units(texts, max_df=1.0)
    cut = tokens.tokenize_units(texts, max_df=0.3)
    assert len(learned) == 1
    monkeypatch.setattr(tokens, "_PHRASED", {})
    fresh = tokens.tokenize_units(texts, max_df=0.3)  # the same as phrasing them anew
    assert len(learned) == 2 and cut.tokens == fresh.tokens
    pd.testing.assert_frame_equal(cut.phrases, fresh.phrases)
    pd.testing.assert_frame_equal(cut.corpus_stopwords, fresh.corpus_stopwords)
    assert sum(map(len, every_term.tokens)) > sum(map(len, cut.tokens))


def test_tokenize_units_phrases_other_units_anew(seeds, monkeypatch):
    texts = _section_texts(seeds)
    monkeypatch.setattr(tokens, "_PHRASED", {})
    alone = tokens.tokenize_units(texts[: len(texts) // 2], max_df=1.0)
    monkeypatch.setattr(tokens, "_PHRASED", {})
    tokens.tokenize_units(texts, max_df=1.0)
    after = tokens.tokenize_units(texts[: len(texts) // 2], max_df=1.0)
    assert after.tokens == alone.tokens
    pd.testing.assert_frame_equal(after.phrases, alone.phrases)


def _seed_runs(seeds) -> list[list[str]]:
    """The content-word runs of the seed corpus's sections."""
    import corpus_utils as cu

    return [r for u in tokens.unit_runs(cu.load_corpus(seeds)["text"]) for r in u]


def test_bigram_counts_added_over_parts_equal_gensims_count_of_the_whole(seeds):
    runs = _seed_runs(seeds)
    whole = tokens._bigram_counts(runs)
    added = tokens._bigram_counts(runs[:10]) + tokens._bigram_counts(runs[10:25]) + tokens._bigram_counts(runs[25:])
    assert added == whole and whole.words == sum(len(r) for r in runs)


def test_phrases_learned_from_counts_summed_on_dask_are_gensims(seeds, monkeypatch):
    from corpus_utils import engine

    runs = _seed_runs(seeds)
    _, local = tokens.learn_phrases(runs)
    monkeypatch.setattr(engine, "on_dask", lambda: True)
    monkeypatch.setattr(engine, "reduce", lambda summarise, combine, items: combine(
        summarise(items[:40]), summarise(items[40:])))  # two partitions, combined as Dask would
    _, reduced = tokens.learn_phrases(runs)
    pd.testing.assert_frame_equal(reduced, local)
    assert len(local) > 0


def test_runs_read_back_from_the_cache_hold_one_string_object_per_spelling(seeds, tmp_path):
    import corpus_utils as cu

    texts = cu.load_corpus(seeds)["text"]
    computed = tokens.unit_runs(texts, cache_dir=tmp_path)
    read = tokens.unit_runs(texts, cache_dir=tmp_path)  # from the JSON entry: a new string per occurrence
    assert read == computed
    for runs in (computed, read):
        words = [t for u in runs for r in u for t in r]
        assert len({id(t) for t in words}) == len(set(words)) < len(words)


_PIECES = ["Border", "guards", "of", "Kazakhstan", "trained", "Shanghai Cooperation Organization", "U.S.", "3",
           "met", "(", ")", ",", ".", ";", ":", "?", "-", "'s", " ", "  ", "\t", "\n", "\n\n", "\n\n\n", " \n\n "]


@given(st.lists(st.sampled_from(_PIECES), max_size=40).map(" ".join) | st.lists(st.sampled_from(_PIECES),
                                                                                max_size=40).map("".join))
@settings(max_examples=300, deadline=None)
def test_a_texts_runs_are_its_blank_line_blocks_runs_one_after_another(text):
    stop = tokens.general_stopwords()
    assert tokens._text_runs(stop, text) == [r for b in text.split("\n\n") for r in tokens._text_runs(stop, b)]


def test_section_runs_from_their_paragraphs_equal_the_runs_of_each_whole_section(seeds):
    import corpus_utils as cu

    texts = cu.load_corpus(seeds)["text"].tolist()
    stop = tokens.general_stopwords()
    assert any("\n\n" in t for t in texts)
    assert tokens.unit_runs(texts, n_jobs=1) == [tokens._text_runs(stop, t) for t in texts]


def test_the_paragraphs_read_the_runs_that_lemmatising_the_sections_cached(seeds, tmp_path, monkeypatch):
    import pytest

    import corpus_utils as cu

    paragraphs = cu.load_paragraphs(seeds)["text"].tolist()
    expected = tokens.unit_runs(paragraphs, n_jobs=1)
    tokens.unit_runs(cu.load_corpus(seeds)["text"], cache_dir=tmp_path)
    monkeypatch.setattr(tokens, "_runs_of", lambda job: pytest.fail("the paragraphs were lemmatised again"))
    monkeypatch.setattr(tokens, "_text_runs", lambda stop, text: pytest.fail("the paragraphs were lemmatised again"))
    assert tokens.unit_runs(paragraphs, cache_dir=tmp_path) == expected
    assert len(list(tmp_path.glob("runs_*.json"))) == 1


def _uncached(texts, **settings):
    tokens._PHRASED.clear()  # the in-memory reuse of the last units phrased would hide the disk cache
    return tokens.tokenize_units(texts, **settings)


def test_the_paragraphs_read_the_phrases_the_sections_learned_and_get_the_same_tokens(seeds, tmp_path, monkeypatch):
    import pytest

    import corpus_utils as cu

    paragraphs = cu.load_paragraphs(seeds)["text"].tolist()
    expected = _uncached(paragraphs, max_df=0.6)
    _uncached(cu.load_corpus(seeds)["text"], max_df=0.6, cache_dir=tmp_path)
    tokens._PHRASED.clear()
    monkeypatch.setattr(tokens, "learn_phrases", lambda *a, **k: pytest.fail("the phrases were learned again"))
    monkeypatch.setattr(tokens, "_runs_of", lambda job: pytest.fail("the paragraphs were lemmatised again"))
    read = tokens.tokenize_units(paragraphs, max_df=0.6, cache_dir=tmp_path)
    assert read.tokens == expected.tokens and len(read.phrases) > 0
    pd.testing.assert_frame_equal(read.phrases, expected.phrases)
    pd.testing.assert_frame_equal(read.corpus_stopwords, expected.corpus_stopwords)


def test_phrases_learned_with_other_settings_are_not_reused(seeds, tmp_path):
    import corpus_utils as cu

    texts = cu.load_corpus(seeds)["text"].tolist()
    _uncached(texts, phrase_min_count=2, cache_dir=tmp_path)
    read = _uncached(texts, phrase_min_count=5, cache_dir=tmp_path)
    pd.testing.assert_frame_equal(read.phrases, _uncached(texts, phrase_min_count=5).phrases)
    assert len(list(tmp_path.glob("phrased_*.json"))) == 2


@pytest.mark.parametrize("damage", ["cut", "phrases", "tokens"])
def test_a_damaged_phrases_entry_is_reported_naming_the_file_and_recomputed(seeds, tmp_path, damage):
    import json

    import corpus_utils as cu
    from corpus_utils import caching
    from corpus_utils.errors import CorpusWarning

    texts = cu.load_corpus(seeds)["text"].tolist()
    first = _uncached(texts, cache_dir=tmp_path)
    (path,) = tmp_path.glob("phrased_*.json")
    entry = json.loads(path.read_text())
    if damage == "cut":
        path.write_text(path.read_text()[:-200])
    else:  # a well-formed entry (its digest checks) whose data do not fit: e.g. written by other code
        data = entry["data"]
        data.update({"phrases": {"phrase": ["a_b"], "count": []}} if damage == "phrases" else
                    {"tokens": {**data["tokens"], "units": tokens._encoded([1])}})
        caching.write_entry(path, entry["key"], data)
    with pytest.warns(CorpusWarning, match=rf"{path.name}: cache entry ignored and recomputed"):
        again = _uncached(texts, cache_dir=tmp_path)
    assert again.tokens == first.tokens
    pd.testing.assert_frame_equal(again.phrases, first.phrases)


def test_phrases_go_on_without_a_cache_when_the_folder_cannot_be_written(seeds, tmp_path, monkeypatch):
    import corpus_utils as cu
    from corpus_utils import caching
    from corpus_utils.errors import CorpusWarning

    def full(path, data):
        raise OSError(28, f"could not write {path}: No space left on device")

    texts = cu.load_corpus(seeds)["text"].tolist()
    monkeypatch.setattr(caching, "atomic_write", full)
    with pytest.warns(CorpusWarning) as caught:  # the runs are not cached either
        written = _uncached(texts, cache_dir=tmp_path)
    assert any(str(w.message).endswith("the phrases are not cached, the run goes on") for w in caught)
    assert written.tokens == _uncached(texts).tokens and not list(tmp_path.glob("phrased_*.json"))


def test_an_entity_late_in_a_long_clause_is_still_merged():
    words = ["officials", "from", "five", "states", "met", "again", "with", "the", "European", "Union"]
    merged = tokens.merge_entities(words)
    assert merged[:-1] == words[:-2] and len(merged) == len(words) - 1 and merged[-1] != "Union"


def test_a_clause_without_entities_keeps_its_words():
    words = ["Officials", "met", "again", "in", "spring"]
    assert tokens.merge_entities(words) == words


def test_possessive_endings_are_dropped_before_lemmas_with_either_apostrophe():
    assert tokens.lemma_sentences("Russia's border and Kazakhstan\u2019s army.") == [
        ["russia", "border", "and", "kazakhstan", "army"]]
