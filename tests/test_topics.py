"""Topic modelling: the stability measure, the K rule, determinism and the offline pyLDAvis page."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import corpus_utils as cu
from corpus_utils import caching, ldavis, tokens, topic_metrics, topics

from .browser import offline_page
from .conftest import committed_topic_count

ROOT = Path(__file__).resolve().parent.parent
DOCS = [["border", "patrol", "smuggling", "drug"], ["trade", "investment", "road", "rail"],
        ["border", "smuggling", "patrol", "guard"], ["trade", "rail", "investment", "port"]] * 6


@pytest.fixture(scope="module")
def vocab():
    return topics.build_vocabulary(DOCS, no_below=2)


def test_average_jaccard_matches_the_worked_example():
    r1 = ["album", "music", "best", "award", "win"]
    r2 = ["sport", "best", "win", "medal", "award"]
    assert round(topic_metrics.average_jaccard(r1, r2), 3) == 0.154


def test_average_jaccard_of_identical_rankings_is_one():
    assert topic_metrics.average_jaccard(["a", "b", "c"], ["a", "b", "c"]) == 1.0


def test_ranking_agreement_matches_topics_regardless_of_order():
    run1 = [["a", "b", "c"], ["x", "y", "z"]]
    run2 = [["x", "y", "z"], ["a", "b", "c"]]
    assert topic_metrics.ranking_agreement(run1, run2) == 1.0


def test_ranking_agreement_uses_the_best_one_to_one_matching():
    run1 = [["a", "b"], ["c", "d"]]
    run2 = [["a", "c"], ["c", "d"]]
    # best matching pairs ["a", "b"] with ["a", "c"] (AJ (1 + 1/3) / 2) and ["c", "d"] with itself (AJ 1)
    assert topic_metrics.ranking_agreement(run1, run2) == pytest.approx((2 / 3 + 1) / 2)


def test_same_seed_gives_identical_topic_term_matrix(vocab):
    first = topics.fit_lda(vocab, 2, seed=7).get_topics()
    second = topics.fit_lda(vocab, 2, seed=7).get_topics()
    assert np.array_equal(first, second)


def test_vocabulary_reports_what_filtering_removed():
    v = topics.build_vocabulary([["a", "b"], ["a", "c"], ["a", "b"]], no_below=2)
    assert sorted(v.dictionary.token2id) == ["a", "b"]
    assert v.removed["term"].tolist() == ["c"]
    assert v.summary.loc["terms (types)"].tolist() == [3, 1, 2]


def test_choose_k_picks_the_best_mean_of_scaled_criteria():
    sweep = pd.DataFrame({"k": [2, 2, 3, 3, 4, 4], "seed": [1, 2] * 3,
                          "c_v": [0.3, 0.3, 0.5, 0.5, 0.4, 0.4], "c_npmi": [0.0, 0.0, 0.1, 0.1, 0.2, 0.2],
                          "stability": [0.9, 0.9, 0.6, 0.6, 0.1, 0.1]})
    choice, table = topics.choose_k(sweep)
    assert choice == {"k": 3}
    assert table.set_index("k")["score"].round(3).to_dict() == {2: 0.333, 3: 0.708, 4: 0.5}


def test_choose_k_breaks_ties_towards_fewer_topics():
    sweep = pd.DataFrame({"k": [2, 5], "seed": [1, 1], "c_v": [0.4, 0.4], "c_npmi": [0.0, 0.0],
                          "stability": [0.5, 0.5]})
    assert topics.choose_k(sweep)[0] == {"k": 2}


def test_k_sweep_scores_every_run_and_writes_its_table(vocab, tmp_path):
    path = tmp_path / "k.csv"
    sweep = topics.k_sweep({"u": vocab}, [2, 3], [1, 2], DOCS, n_jobs=1, path=path, progress=False)
    assert len(sweep) == 4
    assert set(sweep.columns) == {"unit", "units", "passes", "k", "seed", "c_v", "c_npmi", "stability",
                                  "exclusivity", "inputs"}
    again = topics.k_sweep({"u": vocab}, [2, 3], [1, 2], DOCS, n_jobs=1, path=path, progress=False)
    pd.testing.assert_frame_equal(sweep, again, check_dtype=False)


@pytest.mark.slow
def test_k_sweep_reuses_its_table_only_when_its_inputs_match(vocab, tmp_path):
    path = tmp_path / "k_selection.csv"
    sweep = topics.k_sweep({"u": vocab}, [2, 3], [1, 2], DOCS, n_jobs=1, progress=False)
    path.write_text(caching.frame_text(sweep.assign(c_v=9.0)))  # a marker (with its digest): reused tables keep it
    reused = topics.k_sweep({"u": vocab}, [2, 3], [1, 2], DOCS, n_jobs=1, progress=False, path=path)
    assert (reused["c_v"] == 9.0).all()
    other = topics.k_sweep({"u": vocab}, [2, 3], [1, 3], DOCS, n_jobs=1, progress=False, path=path)
    assert (other["c_v"] != 9.0).all() and other["inputs"].iloc[0] != sweep["inputs"].iloc[0]
    refit = topics.k_sweep({"u": vocab}, [2, 3], [1, 3], DOCS, n_jobs=1, progress=False, path=path, reuse=False)
    pd.testing.assert_frame_equal(refit, other, check_dtype=False)


@pytest.mark.slow
def test_k_sweep_in_two_processes_matches_one(vocab):
    small = topics.subset(vocab, range(len(vocab.bow) // 2 + 1))
    vocabs = {"all": vocab, "half": small}
    joint = topics.k_sweep(vocabs, [2, 3], [1, 2], DOCS, n_jobs=2, progress=False)
    alone = topics.k_sweep(vocabs, [2, 3], [1, 2], DOCS, n_jobs=1, progress=False)
    pd.testing.assert_frame_equal(joint, alone)


def test_a_subset_keeps_only_its_units_terms_with_the_same_counts(vocab):
    picked = [0, 2]
    small = topics.subset(vocab, picked)
    words = [{vocab.dictionary[i]: c for i, c in vocab.bow[u]} for u in picked]
    assert [{small.dictionary[i]: c for i, c in doc} for doc in small.bow] == words
    assert set(small.dictionary.token2id) == set().union(*words)
    assert topics.subset(vocab, range(len(vocab.bow))) is vocab  # the whole corpus: the vocabulary as it is


@pytest.mark.parametrize("k", [3, 7])  # below and above the five topics gensim's update log prints
def test_a_fit_without_the_update_logging_is_gensims_model_bit_for_bit(vocab, k):
    from gensim.models import LdaModel

    settings = {**topics.LDA_DEFAULTS, "passes": 3, "chunksize": topics.lda_chunksize(len(vocab.bow))}
    plain = LdaModel(vocab.bow, id2word=vocab.dictionary, num_topics=k, random_state=5, **settings)
    quiet = topics.fit_lda(vocab, k, 5, passes=3)
    assert type(quiet) is not LdaModel and isinstance(quiet, LdaModel)
    assert np.array_equal(plain.get_topics(), quiet.get_topics())
    assert plain.get_document_topics(vocab.bow[0]) == quiet.get_document_topics(vocab.bow[0])


def test_lda_passes_shrink_with_corpus_size_within_bounds():
    assert topics.lda_passes(53) == topics.lda_passes(125) == 20
    assert topics.lda_passes(500) == 5
    assert topics.lda_passes(100_000) == 2


def test_sample_indices_keep_small_corpora_whole_and_sample_large_ones_reproducibly():
    assert topics.sample_indices(175, 400, seed=1) == list(range(175))
    sample = topics.sample_indices(10_000, 400, seed=1)
    assert len(set(sample)) == 400 and sample == sorted(sample) and max(sample) < 10_000
    assert sample == topics.sample_indices(10_000, 400, seed=1) != topics.sample_indices(10_000, 400, seed=2)


@pytest.mark.slow
def test_k_rule_recovers_two_planted_themes(vocab):
    sweep = topics.k_sweep({"u": vocab}, [2, 3, 4], [1, 2, 3], DOCS, topn=5, n_jobs=1, progress=False)
    assert topics.choose_k(sweep)[0] == {"k": 2}
    # the ties within a theme (equally frequent terms) reorder between seeds, so agreement stays below 1
    assert sweep.loc[sweep["k"] == 2, "stability"].min() > 0.75


def test_ldavis_page_is_self_contained(vocab):
    model = topics.fit_lda(vocab, 2, 1)
    theta = np.array([[p for _, p in model.get_document_topics(d, minimum_probability=0.0)] for d in vocab.bow])
    page = ldavis.page(ldavis.prepare(model.get_topics(), theta, vocab), "demo")
    assert not re.search(r"""<(script|link)[^>]+(src|href)=["']?https?:""", page)
    assert "cdn.jsdelivr" not in page
    assert 'id="ldavis_topics"' in page and "new LDAvis(" in page


def test_ldavis_keeps_the_given_topic_order(vocab):
    model = topics.fit_lda(vocab, 2, 1)
    theta = np.array([[p for _, p in model.get_document_topics(d, minimum_probability=0.0)] for d in vocab.bow])
    prepared = ldavis.prepare(model.get_topics(), theta, vocab)
    assert prepared.topic_coordinates["topics"].tolist() == [1, 2]
    assert prepared.topic_order == [1, 2]


@pytest.mark.browser
@pytest.mark.slow
def test_committed_ldavis_html_draws_one_circle_per_topic_offline():
    html = ROOT / "figures" / "ldavis.html"
    with offline_page() as (page, log):
        page.goto(html.as_uri())
        page.wait_for_selector("svg circle.dot", timeout=15000)
        circles = page.locator("svg circle.dot").count()
    assert circles == committed_topic_count()
    assert log.console_errors == [] and log.page_errors == []
    assert log.network_requests == []


def test_k_range_keeps_at_least_four_units_per_topic():
    assert topics.k_range(2, 12, n_units=53) == list(range(2, 13))
    assert topics.k_range(2, 12, n_units=20) == [2, 3, 4, 5]
    assert topics.k_range(2, 12, n_units=3) == [2]


def test_a_subset_that_is_not_cut_keeps_the_whole_dictionary(vocab):
    small = topics.subset(vocab, [0, 2], cut=False)
    assert small.dictionary is vocab.dictionary and small.bow == [vocab.bow[0], vocab.bow[2]]


def test_unit_topic_table_has_the_keys_the_unit_type_and_rounded_proportions():
    units = pd.DataFrame({"doc_id": ["a", "b"], "section": [0, 1], "heading": ["x", "y"], "text": ["t", "u"]})
    table = topics.unit_topic_table(units, np.array([[0.123456, 0.876544], [0.5, 0.5]]), "section")
    assert list(table.columns) == ["doc_id", "section", "heading", "unit", "topic_1", "topic_2"]
    assert table["topic_1"].tolist() == [0.1235, 0.5] and set(table["unit"]) == {"section"}


def test_dominant_by_group_counts_units_per_group_and_the_share_outside_its_main_topic():
    table = topics.dominant_by_group(["a", "a", "a", "b", "c", "c"], [1, 1, 2, 2, 1, 2],
                                     {"a": "g1", "b": "g2", "c": "g2"}, {"g1": "Group one"}, {1: "one", 2: "two"})
    assert table.loc["Group one", "one"] == 2 and table.loc["Group one", "two"] == 1
    assert table.loc["g2", "one"] == 1 and table.loc["g2", "two"] == 2  # b and c pooled in their group
    assert table.loc["Group one", "outside_main_topic"] == 0.33 and table.loc["g2", "outside_main_topic"] == 0.33


def test_topic_labels_are_read_once_per_topic_from_the_term_table():
    terms = pd.DataFrame({"topic": [2, 1, 2, 1], "rank": [1, 1, 2, 2], "label": ["B", "A", "B", "A"]})
    assert topics.topic_labels_of(terms) == {1: "A", 2: "B"}
    assert topics.topic_column_names({1: "A", 2: "B"}) == {"topic_1": "1: A", "topic_2": "2: B"}


def _same_dictionary(a, b) -> None:
    assert a.token2id == b.token2id and a.dfs == b.dfs and a.cfs == b.cfs
    assert (a.num_docs, a.num_pos, a.num_nnz) == (b.num_docs, b.num_pos, b.num_nnz)


def test_term_counts_summed_over_parts_give_gensims_dictionary_with_its_ids(seeds):
    from gensim.corpora import Dictionary

    units = tokens.tokenize_units(cu.load_paragraphs(seeds)["text"], max_df=1.0).tokens
    units = [*units, [], ["zz", "aa", "aa"], ["aa", "mm"]]  # an empty unit; new terms that tie in their first unit
    numbered = list(enumerate(units))
    for size in (1, 7, len(units)):
        parts = [topics._term_counts(numbered[i : i + size]) for i in range(0, len(units), size)]
        total = parts[0]
        for part in reversed(parts[1:]):  # any order: the sum is the same
            total = total + part
        _same_dictionary(topics.dictionary_of(total), Dictionary(units))


def test_a_bag_of_words_of_more_than_max_cells_is_kept_on_disk_with_the_same_units():
    docs = [*DOCS[:5], [], ["border", "border", "trade"], []]
    in_memory = topics.build_vocabulary(docs, no_below=1)
    on_disk = topics.build_vocabulary(docs, no_below=1, max_cells=3)
    assert isinstance(on_disk.bow, topics.DiskBow) and isinstance(in_memory.bow, topics.PackedBow)
    assert list(on_disk.bow) == in_memory.bow and len(on_disk.bow) == len(docs)
    assert on_disk.bow[6] == in_memory.bow[6] and on_disk.bow[-1] == [] and on_disk.bow[4:7] == in_memory.bow[4:7]
    assert all(isinstance(c, int) for doc in on_disk.bow for _, c in doc)  # counts as integers, like doc2bow's
    assert on_disk.summary.equals(in_memory.summary)


def test_a_unit_past_the_end_of_a_disk_bag_of_words_is_an_index_error():
    on_disk = topics.build_vocabulary(DOCS, no_below=1, max_cells=0).bow
    with pytest.raises(IndexError, match=f"unit {len(DOCS)} of a bag-of-words of {len(DOCS)} units"):
        on_disk[len(DOCS)]


def test_a_disk_bag_of_words_pickles_as_the_list_it_stands_for():
    import pickle

    vocab = topics.build_vocabulary(DOCS, no_below=1, max_cells=0)
    assert pickle.loads(pickle.dumps(vocab.bow)) == list(vocab.bow)


def test_a_disk_bag_of_words_folder_is_removed_with_it(tmp_path):
    import gc

    bow = topics.bag_of_words(topics.build_vocabulary(DOCS, no_below=1).dictionary, DOCS, 0, folder=tmp_path)
    assert len(list(tmp_path.iterdir())) == 1
    del bow
    gc.collect()
    assert list(tmp_path.iterdir()) == []


def test_a_bag_of_words_has_the_same_digest_in_memory_and_on_disk():
    in_memory = topics.build_vocabulary(DOCS, no_below=1).bow
    assert topics.bow_digest(topics.build_vocabulary(DOCS, no_below=1, max_cells=0).bow) == topics.bow_digest(in_memory)
    assert topics.bow_digest(in_memory[:-1]) != topics.bow_digest(in_memory)


def _doc2bow_rows(docs):
    dictionary = topics.build_vocabulary(docs, no_below=1).dictionary
    return dictionary, [dictionary.doc2bow(list(d)) for d in docs]


def test_a_packed_bag_of_words_reads_back_each_unit_as_doc2bow_gives_it():
    docs = [*DOCS[:5], [], ["border", "border", "trade"], []]
    _, rows = _doc2bow_rows(docs)
    packed = topics.PackedBow(rows)
    assert len(packed) == len(rows) and list(packed) == rows and packed == rows
    assert [packed[i] for i in range(len(rows))] == rows and packed[-1] == [] and packed[4:7] == rows[4:7]
    assert all(type(i) is int and type(c) is int for doc in packed for i, c in doc)
    with pytest.raises(IndexError, match=f"unit {len(rows)} of a bag-of-words of {len(rows)} units"):
        packed[len(rows)]


def test_a_packed_bag_of_words_is_not_equal_to_one_with_another_unit():
    _, rows = _doc2bow_rows(DOCS)
    assert topics.PackedBow(rows) != [*rows[:-1], []] and topics.PackedBow(rows) != rows[:-1]


def test_a_packed_bag_of_words_pickles_as_its_arrays_and_reads_back_the_same():
    import pickle

    _, rows = _doc2bow_rows(DOCS)
    copy = pickle.loads(pickle.dumps(topics.PackedBow(rows)))
    assert isinstance(copy, topics.PackedBow) and copy == rows


def test_a_packed_bag_of_words_holds_eight_bytes_a_cell():
    _, rows = _doc2bow_rows(DOCS)
    packed = topics.PackedBow(rows)
    cells = sum(len(r) for r in rows)
    held = packed._ids.nbytes + packed._counts.nbytes + packed._starts.nbytes
    assert packed.cells == cells and held == 8 * cells + 8 * (len(rows) + 1)


def test_a_bag_of_words_packed_in_parts_has_every_unit_in_order(monkeypatch):
    docs = [*DOCS[:9], [], *DOCS[9:14], []]
    dictionary, rows = _doc2bow_rows(docs)
    for every in (1, 4, len(docs) + 1):
        monkeypatch.setattr(topics, "_PACK_EVERY", every)
        bow = topics.bag_of_words(dictionary, docs)
        assert isinstance(bow, topics.PackedBow) and list(bow) == rows


def test_a_bag_of_words_past_max_cells_after_packed_parts_keeps_every_unit_on_disk(monkeypatch):
    dictionary, rows = _doc2bow_rows(DOCS)
    monkeypatch.setattr(topics, "_PACK_EVERY", 3)
    bow = topics.bag_of_words(dictionary, DOCS, max_cells=30)
    assert isinstance(bow, topics.DiskBow) and list(bow) == rows
