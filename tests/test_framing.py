"""Framing: the codebook, dictionary scores, keyness, shared language and agreement measures."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from corpus_utils import audit, framing

FRAMES = ["regional_cooperation", "external_powers", "military_defense", "transnational_threats",
          "governance_reform", "economic_development", "sovereignty_national_interest",
          "trust_confidence_building", "technology_cyber"]


def test_codebook_has_the_nine_frames_in_order():
    assert framing.frame_names() == FRAMES


def test_codebook_has_the_four_functions():
    assert framing.function_names() == ["background", "problem", "remedy", "evaluation"]


def test_every_frame_has_definition_indicators_and_example():
    table = framing.codebook_table()
    assert table["definition"].str.len().min() > 20 and table["example"].str.len().min() > 20
    assert (table["indicators"].str.count(",") >= 5).all()


def test_keyness_matches_the_worked_example():
    table = framing.keyness({"b": 7, "a": 3}, {"a": 7, "b": 2}).set_index("term")
    assert round(table.loc["b", "g2"], 4) == 2.4401
    assert round(table.loc["b", "log_ratio"], 4) == 1.6554


def test_keyness_is_negative_where_the_reference_uses_a_term_more():
    table = framing.keyness({"b": 7, "a": 3}, {"a": 7, "b": 2}).set_index("term")
    assert table.loc["a", "g2"] < 0 and table.loc["a", "log_ratio"] < 0


def test_keyness_handles_a_zero_count_with_half_a_token():
    table = framing.keyness({"x": 4, "y": 6}, {"y": 10}).set_index("term")
    assert table.loc["x", "log_ratio"] == pytest.approx(math.log2((4 / 10) / (0.5 / 10)))
    assert math.isfinite(table.loc["x", "g2"]) and table.loc["x", "g2"] > 0


def test_keyness_p_value_is_chi_squared_one_df():
    table = framing.keyness({"b": 7, "a": 3}, {"a": 7, "b": 2}).set_index("term")
    assert table.loc["b", "p_value"] == pytest.approx(0.1183, abs=1e-4)


def test_keyness_has_the_documented_columns():
    assert list(framing.keyness({"a": 1}, {"a": 1}).columns) == [
        "term", "freq_target", "freq_reference", "g2", "log_ratio", "p_value"]


def test_indicator_matching_takes_the_longest_phrase_once():
    found = framing.count_matches([["collective", "security", "and", "collective", "action"]],
                                  ["collective", "collective security"])
    assert found == {"collective security": 1, "collective": 1}


def test_frame_scores_are_rates_comparable_across_lengths():
    text = "Terrorism and smuggling threaten the border. Officials met in the capital."
    units = pd.DataFrame({"heading": ["", ""], "text": [text, text + " " + text]})
    scores = framing.frame_scores(units)
    assert scores.loc[0, "transnational_threats"] == pytest.approx(scores.loc[1, "transnational_threats"], rel=0.1)


def test_primary_frame_is_the_highest_score_or_none():
    units = pd.DataFrame({"heading": ["", ""], "text": ["Terrorism and trafficking grow.", "The weather was mild."]})
    assert framing.frame_scores(units)["primary_frame"].tolist() == ["transnational_threats", "none"]


def test_modal_verbs_make_a_section_prescriptive():
    units = pd.DataFrame({"heading": ["Border cooperation"] * 2, "text": [
        "States must share data. They should train guards and need new posts.",
        "The border agency was created in 1992 after the collapse of the union.",
    ]})
    assert framing.function_scores(units)["function"].tolist() == ["remedy", "background"]


def test_a_heading_cue_alone_does_not_decide_the_function():
    units = pd.DataFrame({"heading": ["Future directions"], "text": [
        "Challenges persist: corruption and weak institutions hinder progress, threaten stability and "
        "complicate every risk assessment; tension and difficulty remain."]})
    assert framing.function_scores(units)["function"].iloc[0] == "problem"


def test_each_sentence_votes_once_for_the_function_with_most_cues():
    units = pd.DataFrame({"heading": [""], "text": [
        "States must act. Obstacles hinder trade. The council was established in 1992."]})
    feats = framing.function_features(units).iloc[0]
    assert (feats["votes_remedy"], feats["votes_problem"], feats["votes_background"]) == (1.0, 1.0, 1.0)
    assert (feats["uncued"], feats["sentences"]) == (0, 3)


def test_uncued_sentences_describe_and_count_half_for_background():
    text = "Officials met. Ministers talked. Envoys spoke. Guards must train."
    units = pd.DataFrame({"heading": [""], "text": [text]})
    scores = framing.function_scores(units).iloc[0]  # the heading is one more sentence slot: 4 + 1
    assert scores["background"] == round(3 * 0.5 / 5, 3) and scores["remedy"] == round(1 / 5, 3)
    assert scores["function"] == "background"


def test_a_heading_cue_counts_as_one_sentence():
    units = pd.DataFrame({"heading": ["Future directions"], "text": ["Obstacles hinder trade. Guards must train."]})
    scores = framing.function_scores(units).iloc[0]
    assert scores["remedy"] == round(2 / 3, 3) and scores["problem"] == round(1 / 3, 3)
    assert (scores["function"], scores["body_function"]) == ("remedy", "problem")


def test_function_feature_matrix_holds_shares_and_heading_flags():
    units = pd.DataFrame({"heading": ["Challenges"], "text": ["Obstacles hinder trade. Officials met."]})
    row = framing.function_feature_matrix(framing.function_features(units))[0]
    names = framing.function_names()
    assert row[names.index("problem")] == 0.5 and row[len(names)] == 0.5  # one of two sentences; uncued share
    assert row[len(names) + 1 + names.index("problem")] == 1.0


def test_shared_ngrams_are_those_in_more_than_one_document():
    docs = {"x": "the shanghai cooperation organization met".split(),
            "y": "we saw the shanghai cooperation organization today".split()}
    table = framing.shared_ngrams(docs, n=4)
    assert table["ngram"].tolist() == ["the shanghai cooperation organization"]


def test_the_top_shared_ngrams_are_the_head_of_the_full_table_ties_included():
    docs = {"x": "a b c d e f g h".split(), "y": "a b c d e f g h".split(), "z": "a b c d q".split(),
            "w": "e f g h r".split()}
    full = framing.shared_ngrams(docs, n=4)
    for top in (1, 2, 3):
        pd.testing.assert_frame_equal(framing.shared_ngrams(docs, n=4, top=top), full.head(top))
    assert full.iloc[0]["documents"] == 3 and full.iloc[0]["ngram"] == "a b c d"  # the name breaks the tie


def test_document_words_are_read_from_the_units_in_reading_order_when_asked():
    units = pd.DataFrame({"doc_id": ["b", "a", "b"], "text": ["One Two.", "Three", "four-five"]})
    words = framing.DocWords(units)
    assert list(words) == ["b", "a"] and len(words) == 2
    assert words["b"] == ["one", "two", "four-five"] and framing.DocTexts(units)["b"] == "One Two. four-five"


def test_similar_sentences_on_more_documents_than_max_docs_compare_a_sample_of_them():
    sentence = "Regional states must build trust through regular dialogue and open channels."
    docs = {f"d{i}": sentence for i in range(6)}
    assert len(framing.similar_sentences(docs)) == 15  # every pair of six documents
    assert len(framing.similar_sentences(docs, max_docs=3, seed=1)) == 3


def test_formula_share_counts_words_inside_shared_ngrams():
    docs = {"x": "a b c d e f".split(), "y": "z a b c d".split()}
    share = framing.formula_share(docs, n=4).set_index("doc_id")
    assert share.loc["x", "formula_words"] == 4 and share.loc["y", "formula_words"] == 4


def test_similar_sentences_finds_near_copies_across_documents_only():
    docs = {"x": "Regional states must build trust through regular dialogue and open channels. Short one.",
            "y": "Regional states must build trust through regular dialogue and clear channels.",
            "z": "Nothing alike here at all in this sentence, really nothing."}
    table = framing.similar_sentences(docs, threshold=0.5)
    assert len(table) == 1 and {table.loc[0, "doc_a"], table.loc[0, "doc_b"]} == {"x", "y"}


def test_formula_shares_pool_by_group_weighted_by_words():
    share = pd.DataFrame({"doc_id": ["a", "b"], "words": [100, 300], "formula_words": [10, 90],
                          "formula_share": [0.1, 0.3]})
    pooled = framing.pool_shares(share, {"a": "g", "b": "g"})
    assert pooled["formula_share"].tolist() == [0.25]


def test_definitions_only_function_cues_are_the_content_words_of_each_definition():
    cues = audit.definition_indicators("functions")
    assert list(cues) == framing.function_names()
    assert {"challenge", "obstacle", "risk"} <= set(cues["problem"]) and "should" not in cues["remedy"]


def test_shared_ngrams_and_formula_share_count_the_ngrams_of_a_docwords_once(seeds, monkeypatch):
    from corpus_utils import load_corpus

    sections = load_corpus(seeds)
    plain = {doc: list(words) for doc, words in framing.DocWords(sections).items()}
    expected = framing.shared_ngrams(plain, n=3, top=5), framing.formula_share(plain, n=3)
    counted = []
    real = framing._count_grams
    monkeypatch.setattr(framing, "_count_grams", lambda *a: counted.append(1) or real(*a))
    doc_words = framing.DocWords(sections)
    found = framing.shared_ngrams(doc_words, n=3, top=5), framing.formula_share(doc_words, n=3)
    assert len(counted) == 1
    for a, b in zip(expected, found, strict=True):
        pd.testing.assert_frame_equal(a, b)


@pytest.mark.parametrize("n", [2, 3, 4])
def test_shared_ngrams_and_formula_shares_equal_their_definition_on_the_seeds(seeds, n):
    from collections import Counter

    from corpus_utils import load_corpus

    words = {doc: list(ws) for doc, ws in framing.DocWords(load_corpus(seeds)).items()}
    grams = {doc: framing.word_ngrams(ws, n) for doc, ws in words.items()}
    count = Counter(g for gs in grams.values() for g in gs)
    documents = Counter(g for gs in grams.values() for g in set(gs))
    expected = pd.DataFrame([{"ngram": " ".join(g), "documents": d, "count": count[g]}
                             for g, d in documents.items() if d > 1], columns=["ngram", "documents", "count"])
    expected = expected.sort_values(["documents", "count", "ngram"], ascending=[False, False, True], ignore_index=True)
    pd.testing.assert_frame_equal(framing.shared_ngrams(words, n=n), expected)
    share = framing.formula_share(words, n=n).set_index("doc_id")
    for doc, ws in words.items():
        inside = {i + k for i, g in enumerate(grams[doc]) if documents[g] > 1 for k in range(n)}
        assert share.loc[doc, "words"] == len(ws) and share.loc[doc, "formula_words"] == len(inside), doc
        assert share.loc[doc, "formula_share"] == round(len(inside) / len(ws), 3)


def test_empty_and_short_documents_have_no_formula_words_and_end_no_ngram():
    docs = {"x": "a b c d".split(), "empty": [], "short": ["a"], "y": "a b c d".split()}
    share = framing.formula_share(docs, n=4).set_index("doc_id")
    assert share["formula_words"].tolist() == [4, 0, 0, 4] and share.loc["empty", "formula_share"] == 0.0
    assert framing.shared_ngrams(docs, n=4).to_dict("records") == [{"ngram": "a b c d", "documents": 2, "count": 2}]


def _random_units(seed: int, n: int = 600) -> tuple[list[list[str]], list[str]]:
    """Units of 0-30 words from 150 terms, each in one of three groups (an empty unit among them)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    words = [f"w{i}" for i in range(150)]
    units = [[str(w) for w in rng.choice(words, size=rng.integers(0, 30))] for _ in range(n)]
    return units, [str(g) for g in rng.choice(["a", "b", "c"], size=n)]


@pytest.mark.parametrize("seed", [1, 2])
def test_group_keyness_dp_equals_gries_definition_over_each_groups_units(seed):
    import numpy as np

    from corpus_utils import stats

    units, groups = _random_units(seed)
    table = framing.group_keyness(units, groups)
    for name in ["a", "b", "c"]:
        own = [u for u, g in zip(units, groups, strict=True) if g == name]
        rows = table[table["doc_id"] == name]
        counts = np.array([[u.count(t) for u in own] for t in rows["term"]])  # terms x the group's units
        expected = stats.dispersion_dp(counts, [max(len(u), 1) for u in own])
        np.testing.assert_allclose(rows["dp"].to_numpy(dtype=float), expected, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("seed", [1, 2])
def test_group_keyness_counts_added_over_partitions_equal_the_counts_in_one_pass(seed):
    units, groups = _random_units(seed)
    pairs = list(zip(groups, units, strict=True))
    parts = [pairs[i : i + 37] for i in range(0, len(pairs), 37)]  # some parts lack a group
    whole = framing._group_terms(pairs)
    added = framing._group_terms(parts[0])
    for part in parts[1:]:
        added = added + framing._group_terms(part)
    assert added == whole
    spread = framing._dispersion(parts[-1], whole)
    for part in reversed(parts[:-1]):
        spread = framing._dispersion(part, whole) + spread
    assert spread == framing._dispersion(pairs, whole)


def test_group_keyness_reference_counts_are_the_other_groups_totals():
    units, groups = _random_units(3)
    table = framing.group_keyness(units, groups).set_index(["doc_id", "term"])
    for name, term in [("a", "w1"), ("b", "w7"), ("c", "w149")]:
        inside = sum(u.count(term) for u, g in zip(units, groups, strict=True) if g == name)
        outside = sum(u.count(term) for u, g in zip(units, groups, strict=True) if g != name)
        assert table.loc[(name, term), ["freq_target", "freq_reference"]].tolist() == [inside, outside]


def test_an_indicator_that_starts_inside_a_matched_phrase_is_not_counted():
    found = framing.count_matches([["security", "cooperation", "agreement", "cooperation"]],
                                  ["security cooperation", "cooperation agreement", "cooperation"])
    assert found == {"security cooperation": 1, "cooperation": 1}


def test_indicator_matches_name_their_sentence_and_position():
    sentences = [["the", "weather"], ["new", "border", "security", "and", "terrorism"]]
    assert list(framing.iter_matches(sentences, ["terrorism", "border security"])) == [
        (1, 1, "border security"), (1, 4, "terrorism")]


def test_a_masked_phrase_hides_the_indicators_inside_it_and_only_those():
    sentence = [["policy", "development", "and", "economic", "development"]]
    assert framing.count_matches(sentence, ["development"], masked=["policy development"]) == {"development": 1}
