"""Explorer views: the text behind a frame score, a topic and a word, on any corpus."""

from __future__ import annotations

import re

import pandas as pd
import pytest

import corpus_utils as cu
from corpus_utils import audit, explore, framing, tokens

from .conftest import ROOT, SEEDS


@pytest.fixture(scope="module")
def sections():
    return cu.load_corpus(SEEDS)


@pytest.fixture(scope="module")
def masked(sections):
    return audit.title_ngrams(sections.groupby("doc_id", sort=False)["title"].first())


def test_lemma_spans_give_the_same_lemmas_as_the_tokeniser(sections):
    for text in sections["heading"] + ".\n" + sections["text"]:
        assert [[t for t, _, _ in s] for s in explore.lemma_spans(text)] == tokens.lemma_sentences(text)


def test_every_span_covers_the_words_its_lemma_came_from():
    text = "The Shanghai Cooperation Organization's members cooperate; Russia's role grows."
    spans = [s for sent in explore.lemma_spans(text) for s in sent if s[0] != ","]
    assert ("shanghai_cooperation_organization", 4, 39) in spans
    assert text[spans[-1][1]:spans[-1][2]] == "grows"


def test_marked_hits_are_exactly_the_hits_the_score_counts(sections, masked):
    indicators = framing.frame_indicators()
    for record in sections.head(12).to_dict("records"):
        for frame, phrases in indicators.items():
            counted = sum(framing.count_matches(tokens.lemma_sentences(record["text"]), phrases, masked).values())
            assert explore.highlight(record["text"], phrases, masked).count("<mark") == counted, frame


def test_highlighted_text_escapes_html():
    assert "&lt;script&gt;" in explore.highlight("<script>joint</script> cooperation", ["cooperation"])


def test_frame_view_ranks_sections_by_the_frames_score(sections):
    scores = pd.concat([sections[["doc_id", "section"]], framing.frame_scores(sections)], axis=1)
    page = explore.frame_view("military_defense", scores, sections, {}, n=3)
    best = scores.sort_values("military_defense", ascending=False, kind="stable").head(3)
    found = [float(x) for x in re.findall(r"<td style='vertical-align:top'>(\d+\.\d\d)</td>", page)]
    assert found == [round(v, 2) for v in best["military_defense"]]


def test_frame_view_shows_every_coding_beside_a_section_with_who_coded(sections):
    scores = pd.concat([sections[["doc_id", "section"]], framing.frame_scores(sections)], axis=1)
    coding = sections[["doc_id", "section"]].assign(primary_frame="external_powers", function="problem",
                                                    salience_external_powers=2)
    page = explore.frame_view("external_powers", scores, sections, {"jd (person)": coding}, n=1)
    assert "<b>jd (person)</b>: primary frame external_powers, function problem" in page
    assert "salience of this frame 2 of 3" in page


def test_kwic_finds_whole_words_case_insensitively(sections):
    hits = explore.kwic_search(sections, "Border", window=3)
    assert set(hits["match"].str.lower()) == {"border"}
    assert len(hits) == sum(tokens.words(t).count("border") + tokens.words(t).count("Border") for t in sections["text"])


def test_kwic_star_matches_any_ending(sections):
    assert set(explore.kwic_search(sections, "border*")["match"].str.lower()) == {"border", "borders"}


def test_kwic_counts_add_up_to_the_hits(sections):
    hits = explore.kwic_search(sections, "trust")
    assert explore.kwic_counts(hits)["occurrences"].sum() == len(hits) > 0


def test_kwic_of_a_query_without_words_finds_nothing(sections):
    assert explore.kwic_search(sections, " *** ").empty
    assert "No occurrence" in explore.kwic_view(sections, "zzzz")


def test_results_of_another_corpus_are_refused_with_what_to_run(sections, make_corpus):
    other = cu.load_corpus(make_corpus({"a.txt": "A Title\n\nSome text about border security here.\n"}))
    scores = pd.concat([sections[["doc_id", "section"]], framing.frame_scores(sections)], axis=1)
    model = explore.saved_model(ROOT / "results" / "topic_ensemble.json")
    doc_topics = pd.read_csv(ROOT / "results" / "doc_topics.csv", dtype={"doc_id": str})
    explore.check_frame_results(sections, scores)  # the committed results are the seeds'
    explore.check_topic_results(sections, doc_topics, model)
    with pytest.raises(ValueError, match="run make figures"):
        explore.check_frame_results(other, scores)
    with pytest.raises(ValueError, match="run make figures"):
        explore.check_topic_results(other, doc_topics, model)


def test_a_saved_model_that_was_altered_is_refused(tmp_path):
    text = (ROOT / "results" / "topic_ensemble.json").read_text(encoding="utf-8").replace("0.", "0.9", 1)
    (tmp_path / "m.json").write_text(text)
    with pytest.raises(ValueError, match=r"m\.json"):
        explore.saved_model(tmp_path / "m.json")
