"""Topic metrics against worked values: relevance, FREX, exclusivity, shared terms, agreement of partitions."""

from __future__ import annotations

import math

import numpy as np
import pytest

from corpus_utils import topic_metrics

PHI = np.array([[0.6, 0.3, 0.1], [0.1, 0.3, 0.6]])


def test_relevance_matches_the_hand_computed_value():
    rel = topic_metrics.relevance(np.array([[0.5, 0.5], [0.9, 0.1]]), np.array([0.7, 0.3]), lam=0.6)
    assert rel[0, 0] == pytest.approx(0.6 * math.log(0.5) + 0.4 * math.log(0.5 / 0.7))
    assert rel[1, 1] == pytest.approx(0.6 * math.log(0.1) + 0.4 * math.log(0.1 / 0.3))


def test_relevance_at_lambda_one_is_the_log_probability():
    assert np.allclose(topic_metrics.relevance(PHI, np.array([0.2, 0.3, 0.5]), lam=1.0), np.log(PHI))


def test_frex_is_the_harmonic_mean_of_frequency_and_exclusivity_ranks():
    # topic 1: term 0 is both most frequent and most exclusive (ranks 3/3), term 2 least (1/3)
    assert topic_metrics.frex(PHI).round(4).tolist() == [[1.0, 0.6667, 0.3333], [0.3333, 0.6667, 1.0]]


def test_frex_weights_exclusivity_by_w():
    phi = np.array([[0.5, 0.3, 0.2], [0.5, 0.05, 0.45]])
    # topic 1: exclusivity 0.5, 0.3/0.35, 0.2/0.65 ranks 2/3, 1, 1/3; frequency ranks 1, 2/3, 1/3
    expected = [1 / (0.7 / (2 / 3) + 0.3), 1 / (0.7 + 0.3 / (2 / 3)), 1 / 3]
    assert topic_metrics.frex(phi, w=0.7)[0] == pytest.approx(expected)


def test_exclusivity_sums_frex_over_the_most_probable_terms():
    # stm weights exclusivity 0.7; topic 1's two most probable terms have FREX 1 and 2/3
    assert topic_metrics.exclusivity(PHI, top=2).tolist() == pytest.approx([1 + 2 / 3, 1 + 2 / 3])


def test_shared_top_terms_counts_terms_found_in_another_topic():
    assert topic_metrics.shared_top_terms([["a", "b"], ["b", "c"], ["d", "e"]]) == [1, 1, 0]


def test_topic_cosines_of_orthogonal_topics_are_zero():
    cos = topic_metrics.topic_cosines(np.array([[1.0, 0.0], [0.0, 1.0]]))
    assert topic_metrics.mean_offdiagonal(cos) == 0.0


def test_adjusted_rand_ignores_label_names_and_is_one_for_the_same_partition():
    assert topic_metrics.adjusted_rand([1, 1, 2, 2], ["b", "b", "a", "a"]) == 1.0
    assert topic_metrics.adjusted_rand([1, 1, 2, 2], [1, 2, 1, 2]) < 0


def test_mean_pairwise_averages_every_unordered_pair():
    assert topic_metrics.mean_pairwise([1, 2, 4], lambda a, b: abs(a - b)) == pytest.approx((1 + 3 + 2) / 3)
