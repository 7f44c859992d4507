"""Ensembles of seeded runs: alignment, fold-in, the seeded prior, the K rule under resampled seeds, and seed
robustness of the consensus on the seed corpus."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import corpus_utils as cu
from corpus_utils import ensemble, stats, tokens, topic_metrics, topics

from .conftest import SEEDS

DOCS = [["border", "patrol", "smuggling", "drug"], ["trade", "investment", "road", "rail"]] * 6


def test_ensemble_seeds_are_distinct_reproducible_and_differ_by_master_seed():
    seeds = ensemble.ensemble_seeds(42, 20)
    assert len(set(seeds)) == 20 and seeds == ensemble.ensemble_seeds(42, 20)
    assert not set(seeds) & set(ensemble.ensemble_seeds(43, 20))


def test_align_runs_recovers_permuted_copies_of_the_same_topics():
    phi = np.array([[0.7, 0.2, 0.1], [0.1, 0.2, 0.7], [0.3, 0.4, 0.3]])
    orders = [np.array([0, 1, 2]), np.array([2, 0, 1]), np.array([1, 2, 0])]
    runs = [phi[np.argsort(o)] for o in orders]  # run r holds topic t at position orders[r][t]
    consensus, found = ensemble.align_runs(runs)
    assert np.allclose(np.sort(consensus, axis=0), np.sort(phi, axis=0))
    for run, order in zip(runs, found, strict=True):
        assert np.allclose(run[order], consensus)


def test_fold_in_gives_the_map_proportions_for_disjoint_topics():
    phi = np.array([[0.5, 0.5, 0.0, 0.0], [0.0, 0.0, 0.5, 0.5]])
    theta = ensemble.fold_in(phi, [[(0, 3), (1, 1)], [(2, 2), (3, 2)]], alpha=0.1)
    assert theta[0] == pytest.approx([4.1 / 4.2, 0.1 / 4.2])
    assert theta[1] == pytest.approx([0.1 / 4.2, 4.1 / 4.2])


def test_seeded_prior_raises_each_indicator_only_in_its_own_topic():
    vocab = topics.build_vocabulary(DOCS, no_below=1)
    eta, names, found = ensemble.seeded_prior(vocab, {"threats": ["border", "drug", "absent"], "economy": ["trade"]},
                                              unseeded=1, base=0.1, boost=5.0)
    ids = vocab.dictionary.token2id
    assert names == ["threats", "economy", "unseeded 1"]
    assert found == {"threats": ["border", "drug"] if ids["border"] < ids["drug"] else ["drug", "border"],
                     "economy": ["trade"]}
    assert eta[0, ids["border"]] == eta[0, ids["drug"]] == eta[1, ids["trade"]] == 5.0
    assert eta[1, ids["border"]] == eta[2, ids["border"]] == eta[0, ids["trade"]] == 0.1
    assert (eta == 5.0).sum() == 3


def test_seeded_prior_pulls_the_indicators_into_their_topic():
    vocab = topics.build_vocabulary(DOCS, no_below=1)
    eta, _, _ = ensemble.seeded_prior(vocab, {"threats": ["border"], "economy": ["trade"]}, 0, 0.5, 50.0)
    phi = topics.fit_lda(vocab, 2, seed=3, eta=eta).get_topics()
    ids = vocab.dictionary.token2id
    assert phi[0, ids["smuggling"]] > phi[1, ids["smuggling"]]  # the threat words follow their seed
    assert phi[1, ids["investment"]] > phi[0, ids["investment"]]


def test_indicator_tokens_join_phrases_as_learned_phrases_are():
    assert ensemble.indicator_tokens(["mutual trust", "trust"]) == ["mutual_trust", "trust"]


def test_label_topics_follows_anchor_terms_not_topic_numbers():
    top = [["trade", "road"], ["border", "trade"]]
    assert topics.label_topics(top, {"border": "Threats", "trade": "Economy"}) == {1: "Economy", 2: "Threats"}
    assert topics.label_topics(top, {"cyber": "Cyber"}) == {1: "topic 1", 2: "topic 2"}


def test_rule_stability_gives_a_dominant_candidate_every_resample():
    sweep = pd.DataFrame({"k": [2] * 4 + [3] * 4, "seed": [1, 2, 3, 4] * 2,
                          "c_v": [0.5, 0.6, 0.5, 0.6, 0.3, 0.2, 0.3, 0.2], "c_npmi": [0.1] * 4 + [0.0] * 4,
                          "stability": [0.9] * 4 + [0.5] * 4, "exclusivity": [9.0] * 4 + [8.0] * 4})
    shares = topics.rule_stability(sweep, n_resamples=200, seed=1)
    assert shares.set_index("k")["share"].to_dict() == {2: 1.0, 3: 0.0}
    assert topics.stable_choice(shares) == ({"k": 2}, True)


def test_select_model_falls_back_when_the_rule_pick_depends_on_the_seeds():
    # K=2 is better on half the seeds, K=3 on the other half: resampled seeds split the wins near evenly
    c_v = {2: [0.9, 0.1, 0.9, 0.1, 0.5, 0.4], 3: [0.1, 0.9, 0.1, 0.9, 0.4, 0.5]}
    sweep = pd.DataFrame({"k": [2] * 6 + [3] * 6, "seed": list(range(6)) * 2, "c_v": c_v[2] + c_v[3],
                          "c_npmi": 0.0, "stability": 0.5, "exclusivity": 9.0})
    selection = topics.select_model(sweep, seed=3, small=2)
    assert not selection["held"] and selection["choice"] == {"k": 2}
    assert {"share", "share_of_2"} <= set(selection["picks"])
    assert selection["picks"]["share"].max() < 0.6


def test_stable_choice_falls_back_to_the_coarsest_supported_candidate():
    shares = pd.DataFrame({"k": [2, 3, 4], "share": [0.3, 0.45, 0.25]})
    assert topics.stable_choice(shares) == ({"k": 2}, False)


def test_bootstrap_over_runs_spans_the_spread_between_runs():
    center = np.full((4, 1), 0.5)
    runs = np.stack([np.full((4, 1), 0.2), np.full((4, 1), 0.8)])
    table = stats.bootstrap_over_runs(center, runs, ["a"] * 4, n_boot=400, seed=0)
    assert table.loc[0, "mean"] == 0.5
    assert table.loc[0, "ci_low"] == pytest.approx(0.2) and table.loc[0, "ci_high"] == pytest.approx(0.8)


@pytest.fixture(scope="module")
def paragraph_vocab():
    sections = cu.load_corpus(SEEDS)
    paragraphs = cu.load_paragraphs(SEEDS)
    drop = tokens.tokenize_units(sections["text"], max_df=0.6).corpus_stopwords["term"]
    return topics.build_vocabulary(tokens.tokenize_units(paragraphs["text"], max_df=0.6, drop_terms=drop).tokens)


@pytest.mark.slow
def test_two_seed_sets_give_the_same_consensus_topics_on_the_seeds(paragraph_vocab):
    found = []
    for master in (7, 2024):
        seeds = ensemble.ensemble_seeds(master, 20)
        found.append(ensemble.consensus(ensemble.fit_runs(paragraph_vocab, 2, seeds), paragraph_vocab, seeds, 0.5))
    a, b = found
    assert topic_metrics.adjusted_rand(a.dominant(), b.dominant()) >= 0.9
    assert np.diag(topic_metrics.topic_cosines(np.vstack([a.phi, b.phi]))[:2, 2:]).min() > 0.95
    assert a.recurrence().min() >= 0.8 and b.recurrence().min() >= 0.8


SMALL = [["border", "patrol", "smuggling"], ["trade", "investment", "rail"], ["border", "smuggling", "drug"],
         ["trade", "rail", "road"], ["patrol", "drug", "border"], ["investment", "road", "trade"]] * 4


def test_an_ensemble_on_more_units_than_max_units_fits_its_runs_on_a_seeded_sample(tmp_path):
    vocab = topics.build_vocabulary(SMALL, no_below=1)
    ens, others = ensemble.robust_topics(vocab, 2, 3, 4, other_seeds=[4], n_jobs=1, max_units=10,
                                         path=tmp_path / "e.json", passes=5)
    assert ens.run_rows() == topics.sample_indices(len(SMALL), 10, 3)
    assert len(others[4]) == 10  # the other consensus: dominant topics of the sampled units
    assert ens.run_theta.shape == (4, 10, 2) and ens.theta.shape == (len(SMALL), 2)  # every unit has proportions
    assert len(ens.terms) == len(vocab.dictionary)  # the sample keeps the whole vocabulary
    again, _ = ensemble.robust_topics(vocab, 2, 3, 4, n_jobs=1, max_units=10, reuse=False, passes=5)
    np.testing.assert_array_equal(again.theta, ens.theta)


def test_an_ensemble_within_max_units_fits_every_unit(tmp_path):
    vocab = topics.build_vocabulary(SMALL, no_below=1)
    capped, _ = ensemble.robust_topics(vocab, 2, 3, 4, n_jobs=1, max_units=len(SMALL), passes=5)
    plain, _ = ensemble.robust_topics(vocab, 2, 3, 4, n_jobs=1, passes=5)
    assert capped.run_units is None and capped.run_rows() == list(range(len(SMALL)))
    np.testing.assert_array_equal(capped.run_theta, plain.run_theta)


def test_a_cached_ensemble_keeps_which_units_its_runs_were_fitted_on(tmp_path):
    vocab = topics.build_vocabulary(SMALL, no_below=1)
    path = tmp_path / "e.json"
    first, _ = ensemble.robust_topics(vocab, 2, 3, 4, n_jobs=1, max_units=10, path=path, passes=5)
    reread, _ = ensemble.robust_topics(vocab, 2, 3, 4, n_jobs=1, max_units=10, path=path, passes=5)
    assert reread.run_units == first.run_units and reread.run_theta.shape == first.run_theta.shape


def test_consensus_proportions_follow_the_prevalence_order_of_the_topics():
    vocab = topics.build_vocabulary(SMALL, no_below=1)
    seeds = ensemble.ensemble_seeds(1, 3)
    ens = ensemble.consensus(ensemble.fit_runs(vocab, 2, seeds, n_jobs=1, passes=5), vocab, seeds, 0.5)
    np.testing.assert_allclose(ens.theta, ensemble.fold_in(ens.phi, vocab.bow, 0.5), atol=1e-7)
    lengths = np.array([sum(c for _, c in doc) for doc in vocab.bow])
    shares = (ens.theta * lengths[:, None]).sum(axis=0)
    assert shares[0] >= shares[1]  # the largest topic first


def _random_bow(seed: int, n: int = 300, terms: int = 40) -> tuple[np.ndarray, list[list[tuple[int, int]]]]:
    """Five random topics and ``n`` units of 0-7 distinct terms (some empty)."""
    rng = np.random.default_rng(seed)
    phi = rng.dirichlet(np.full(terms, 0.3), size=5)
    bow = [sorted({int(t): int(rng.integers(1, 4)) for t in rng.choice(terms, size=rng.integers(0, 8))}.items())
           for _ in range(n)]
    return phi, bow


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("batch", [1, 7, 64])
def test_fold_in_in_batches_gives_the_numbers_of_one_batch_bit_for_bit(seed, batch):
    phi, bow = _random_bow(seed)
    whole = ensemble.fold_in(phi, bow, 0.2, batch=len(bow))
    assert np.array_equal(ensemble.fold_in(phi, bow, 0.2, batch=batch), whole)


@pytest.mark.parametrize("batch", [1, 7])
def test_fold_in_in_batches_stops_at_max_iter_like_one_batch(batch):
    phi, bow = _random_bow(2)
    capped = ensemble.fold_in(phi, bow, 0.2, max_iter=3, batch=len(bow))
    assert np.array_equal(ensemble.fold_in(phi, bow, 0.2, max_iter=3, batch=batch), capped)
    assert not np.array_equal(capped, ensemble.fold_in(phi, bow, 0.2))  # three updates are not convergence


def test_fold_in_of_units_without_words_keeps_the_uniform_start_in_any_batch():
    phi, _ = _random_bow(0)
    assert np.array_equal(ensemble.fold_in(phi, [[], [], []], 0.2, batch=2), np.full((3, 5), 0.2))


def test_consensus_on_a_bag_of_words_kept_on_disk_equals_the_one_in_memory():
    in_memory = topics.build_vocabulary(SMALL, no_below=1)
    on_disk = topics.build_vocabulary(SMALL, no_below=1, max_cells=0)
    seeds = ensemble.ensemble_seeds(1, 3)
    runs = ensemble.fit_runs(in_memory, 2, seeds, n_jobs=1, passes=5)
    a = ensemble.consensus(runs, in_memory, seeds, 0.5)
    b = ensemble.consensus(runs, on_disk, seeds, 0.5)
    assert a.to_json() == b.to_json()
    assert ensemble._key(in_memory, k=2) == ensemble._key(on_disk, k=2)
