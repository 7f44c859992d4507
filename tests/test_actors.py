"""Actors: a gazetteer of aliases mapped to canonical actors and types, counted per section."""

from __future__ import annotations

import pandas as pd
import pytest

import corpus_utils as cu
from corpus_utils.actors import ACTOR_TYPES, actor_mentions, find_actors, gazetteer


def _actors(text):
    return [actor for _, actor, _ in find_actors(text)]


def test_gazetteer_types_are_the_four_documented_ones():
    assert set(gazetteer()["type"]) == set(ACTOR_TYPES)


def test_abbreviation_matches_its_organisation():
    assert _actors("The SCO met.") == ["Shanghai Cooperation Organization"]


def test_abbreviations_are_case_sensitive():
    assert _actors("Let us talk about the US.") == ["United States"]


def test_spelling_variants_map_to_one_actor():
    assert _actors("Shanghai Cooperation Organisation; Shanghai Cooperation Organization") == [
        "Shanghai Cooperation Organization"] * 2


def test_possessives_with_straight_and_curly_apostrophes():
    assert _actors("China's role and China\u2019s loans and the SCO\u2019s summit") == [
        "China", "China", "Shanghai Cooperation Organization"]


def test_demonyms_count_as_the_state():
    assert _actors("Kazakh, Uzbek, Russian, Chinese and American officials") == [
        "Kazakhstan", "Uzbekistan", "Russia", "China", "United States"]


def test_hyphenated_pair_counts_each_state():
    assert _actors("the Kazakh-Uzbek border") == ["Kazakhstan", "Uzbekistan"]


def test_longest_alias_wins():
    assert _actors("the Collective Security Treaty Organization") == ["Collective Security Treaty Organization"]
    assert _actors("the Central Asian Security Coordinating Council") == [
        "Central Asian Security Coordinating Council"]


def test_words_containing_an_alias_do_not_match():
    assert _actors("USAID, Chinaware and Russians") == ["Russia"]


def test_actor_mentions_counts_per_section():
    units = pd.DataFrame({"doc_id": ["a", "a"], "section": [0, 1],
                          "text": ["Russia and Russia's army", "NATO"]})
    counts = actor_mentions(units)
    assert counts.to_dict("records") == [
        {"doc_id": "a", "section": 0, "actor": "Russia", "type": "external power", "mentions": 2},
        {"doc_id": "a", "section": 1, "actor": "NATO", "type": "multilateral organisation", "mentions": 1},
    ]


def test_seed_partnerships_article_names_all_five_central_asian_states(seeds):
    counts = actor_mentions(cu.load_corpus(seeds))
    part = counts[(counts["doc_id"] == "001_1851a3015308c7e1") & (counts["type"] == "Central Asian state")]
    assert set(part["actor"]) == {"Kazakhstan", "Kyrgyzstan", "Tajikistan", "Turkmenistan", "Uzbekistan"}


def test_long_actor_names_are_shortened_to_their_abbreviation():
    from corpus_utils.actors import short_name

    assert short_name("Shanghai Cooperation Organization") == "SCO"
    assert short_name("Russia") == "Russia"


def _mentions(units: dict[int, list[str]], doc: str = "d") -> pd.DataFrame:
    return pd.DataFrame([{"doc_id": doc, "section": s, "actor": a, "type": "external power", "mentions": 1}
                         for s, names in units.items() for a in names])


def test_group_ties_normalise_by_sections_naming_either_actor():
    ties = cu.actors.group_ties(_mentions({1: ["A", "B"], 2: ["A"], 3: ["C"]}), {"d": "g"}, n_perm=20)
    row = ties.set_index(["actor_a", "actor_b"]).loc[("A", "B")]
    assert (row["sections"], row["jaccard"], bool(row["single_section"])) == (1, 0.5, True)


def test_a_tie_from_one_section_naming_everyone_does_not_beat_the_null():
    units = {1: ["A", "B", "C", "D"], 2: ["A"], 3: ["B"], 4: ["C"], 5: ["D"]}
    ties = cu.actors.group_ties(_mentions(units), {"d": "g"}, n_perm=200, seed=3)
    assert (ties["p_value"] > 0.5).all()


def test_a_pair_always_named_together_beats_a_null_that_could_separate_it():
    units = {s: ["A", "B"] for s in range(1, 9)} | {s: ["C"] for s in range(9, 17)} | {s: ["D"] for s in range(17, 25)}
    units |= {s: ["C", "D"] for s in range(25, 27)}
    ties = cu.actors.group_ties(_mentions(units), {"d": "g"}, n_perm=300, seed=1).set_index(["actor_a", "actor_b"])
    assert ties.loc[("A", "B"), "p_value"] < 0.01 and ties.loc[("A", "B"), "q_value"] < 0.05


def test_group_ties_are_computed_within_each_group_only():
    mentions = pd.concat([_mentions({1: ["A", "B"]}, "x"), _mentions({1: ["A", "C"]}, "y")])
    ties = cu.actors.group_ties(mentions, {"x": "gx", "y": "gy"}, n_perm=10)
    assert ties[["group", "actor_a", "actor_b"]].values.tolist() == [["gx", "A", "B"], ["gy", "A", "C"]]


CACHED_UNITS = pd.DataFrame({"doc_id": ["a", "a", "b"], "section": [0, 1, 0],
                             "text": ["Russia and Russia's army", "NATO and the SCO", "Kazakh and Uzbek guards"]})


def _counting(monkeypatch) -> list[int]:
    from corpus_utils import actors

    calls = [0]
    original = actors._mentions

    def counting(units, keys):
        calls[0] += 1
        return original(units, keys)

    monkeypatch.setattr(actors, "_mentions", counting)
    return calls


def test_cached_actor_mentions_are_read_back_by_the_next_call_without_searching_again(tmp_path, monkeypatch):
    first = actor_mentions(CACHED_UNITS, cache_dir=tmp_path)
    pd.testing.assert_frame_equal(first, actor_mentions(CACHED_UNITS))  # the same table as without a cache
    calls = _counting(monkeypatch)
    again = actor_mentions(CACHED_UNITS, cache_dir=tmp_path)
    pd.testing.assert_frame_equal(again, first)
    assert calls[0] == 0


def test_cached_actor_mentions_of_other_texts_are_not_reused(tmp_path):
    actor_mentions(CACHED_UNITS, cache_dir=tmp_path)
    other = CACHED_UNITS.assign(text=["China", "NATO and the SCO", "Kazakh and Uzbek guards"])
    assert actor_mentions(other, cache_dir=tmp_path)["actor"].tolist()[0] == "China"


def test_cached_actor_mentions_of_units_under_other_keys_are_not_reused(tmp_path):
    actor_mentions(CACHED_UNITS, cache_dir=tmp_path)
    renumbered = CACHED_UNITS.assign(section=[5, 6, 7])
    assert actor_mentions(renumbered, cache_dir=tmp_path)["section"].unique().tolist() == [5, 6, 7]


def test_an_altered_actor_mentions_entry_is_reported_naming_the_file_and_recomputed(tmp_path, monkeypatch):
    from corpus_utils.errors import CorpusWarning

    first = actor_mentions(CACHED_UNITS, cache_dir=tmp_path)
    (path,) = tmp_path.glob("actors_*.pkl")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 40])
    calls = _counting(monkeypatch)
    with pytest.warns(CorpusWarning, match=rf"{path.name}: cache entry ignored and recomputed"):
        pd.testing.assert_frame_equal(actor_mentions(CACHED_UNITS, cache_dir=tmp_path), first)
    assert calls[0] == 1


def test_actor_mentions_go_on_without_a_cache_when_the_folder_cannot_be_written(tmp_path, monkeypatch):
    from corpus_utils import caching
    from corpus_utils.errors import CorpusWarning

    def full(path, data):
        raise OSError(28, f"could not write {path}: No space left on device")

    monkeypatch.setattr(caching, "atomic_write", full)
    with pytest.warns(CorpusWarning, match="the actor mentions are not cached, the run goes on"):
        counts = actor_mentions(CACHED_UNITS, cache_dir=tmp_path)
    assert len(counts) == 5 and not list(tmp_path.glob("actors_*.pkl"))
