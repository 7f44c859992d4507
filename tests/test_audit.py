"""Specification of the dictionary audit: keyword in context, title n-grams, indicator precision."""

from __future__ import annotations

import pandas as pd

from corpus_utils import audit, framing

INDICATORS = {"cooperation": ["cooperation"], "threats": ["terrorism", "drug trafficking"]}


def _units(*texts: str) -> pd.DataFrame:
    return pd.DataFrame({"doc_id": ["d"] * len(texts), "section": list(range(1, len(texts) + 1)),
                         "heading": [""] * len(texts), "text": list(texts)})


def test_kwic_returns_each_hit_with_its_context_and_position():
    hits = audit.kwic(_units("States fight terrorism and drug trafficking together."), INDICATORS, window=2)
    assert list(hits.columns) == audit.KWIC_COLUMNS
    first, second = hits.to_dict("records")
    # sentence 0 is the (empty) heading; the text is sentence 1: state fight terrorism and drug trafficking together
    assert (first["sentence"], first["position"], first["match"]) == (1, 2, "terrorism")
    assert (first["left"], first["right"]) == ("state fight", "and drug")
    assert (second["position"], second["match"], second["left"], second["right"]) == (
        4, "drug trafficking", "terrorism and", "together")


def test_kwic_does_not_report_an_indicator_inside_a_masked_phrase():
    hits = audit.kwic(_units("Regional cooperation grows.", "Policy cooperation stalls."), INDICATORS,
                      masked=["policy cooperation"])
    assert hits["section"].tolist() == [1]


def test_title_ngrams_are_those_holding_an_indicator_without_being_one():
    grams = audit.title_ngrams(["Security Policy Cooperation in Central Asia"], INDICATORS)
    assert "policy cooperation" in grams and "cooperation" not in grams
    assert all("cooperation" in g for g in grams)


def test_masked_title_ngrams_do_not_count_in_frame_scores():
    units = _units("Policy cooperation stalls.")
    plain = framing.frame_scores(units, indicators=INDICATORS)
    masked = framing.frame_scores(units, indicators=INDICATORS, masked=["policy cooperation"])
    assert plain.loc[0, "cooperation"] > 0 and masked.loc[0, "cooperation"] == 0


def test_indicator_precision_is_the_share_of_hits_in_sections_the_reference_gives_that_frame():
    units = _units("Cooperation works.", "Cooperation and terrorism.", "Cooperation again.")
    reference = pd.DataFrame({"primary_frame": ["cooperation", "threats", "threats"]})
    table = audit.indicator_table(audit.kwic(units, INDICATORS), units, reference, min_hits=3).set_index("indicator")
    assert table.loc["cooperation", "hits"] == 3 and table.loc["cooperation", "sections"] == 3
    assert table.loc["cooperation", "precision"] == round(1 / 3, 3) and table.loc["cooperation", "misfires"]
    assert table.loc["terrorism", "precision"] == 1.0 and not table.loc["terrorism", "misfires"]


def test_reference_includes_a_frame_rated_developed_even_if_not_primary():
    reference = pd.DataFrame({"primary_frame": ["a", "b"], "salience_a": [3.0, 2.0], "salience_b": [0.0, 1.0]})
    table = audit.reference_includes(reference, ["a", "b"])
    assert table.to_dict("list") == {"a": [True, True], "b": [False, True]}
