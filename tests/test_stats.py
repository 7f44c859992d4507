"""Stats: bootstrap intervals, permutation tests and descriptive comparisons."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from corpus_utils import actors, stats


def test_bootstrap_interval_contains_the_group_mean():
    rng = np.random.default_rng(0)
    values = rng.random((40, 2))
    groups = ["a"] * 20 + ["b"] * 20
    table = stats.bootstrap_group_means(values, groups, n_boot=500, seed=1)
    assert ((table["ci_low"] <= table["mean"]) & (table["mean"] <= table["ci_high"])).all()


def test_bootstrap_is_reproducible_with_a_seed():
    values = np.arange(20, dtype=float).reshape(10, 2)
    groups = ["a"] * 5 + ["b"] * 5
    first = stats.bootstrap_group_means(values, groups, n_boot=200, seed=3)
    pd.testing.assert_frame_equal(first, stats.bootstrap_group_means(values, groups, n_boot=200, seed=3))


def test_permutation_test_detects_a_real_difference():
    values = np.array([[1.0, 0.0]] * 15 + [[0.0, 1.0]] * 15)
    result = stats.permutation_test(values, ["a"] * 15 + ["b"] * 15, n_perm=500, seed=0)
    assert result["p_value"] < 0.01 and result["eta_squared"] == pytest.approx(1.0)


def test_permutation_test_finds_nothing_in_identical_groups():
    values = np.tile(np.array([[0.2, 0.8], [0.6, 0.4]]), (10, 1))
    result = stats.permutation_test(values, ["a", "a", "b", "b"] * 5, n_perm=500, seed=0)
    assert result["eta_squared"] == pytest.approx(0.0) and result["p_value"] == 1.0


def test_distinguishing_reports_the_difference_from_the_other_groups():
    values = np.array([[3.0], [3.0], [1.0], [1.0], [1.0], [1.0]])
    table = stats.distinguishing(values, ["a", "a", "b", "b", "c", "c"], ["x"], n_perm=200, seed=0)
    row = table[table["group"] == "a"].iloc[0]
    assert row["diff"] == pytest.approx(2.0) and row["mean_others"] == pytest.approx(1.0)


def test_vocabulary_overlap_splits_types_into_shared_and_own():
    table = stats.vocabulary_overlap({"x": ["a", "b", "c"], "y": ["a", "b", "d"], "z": ["a", "e"]})
    row = table.set_index("doc_id").loc["x"]
    assert (row["shared_all"], row["shared_some"], row["own"]) == (1, 1, 1)


def test_actor_salience_covers_every_type_per_article():
    mentions = pd.DataFrame({"doc_id": ["d"], "section": [0], "actor": ["Russia"], "type": ["external power"],
                             "mentions": [3]})
    table = actors.actor_salience(mentions, {"d": 1000, "e": 500})
    assert len(table) == 8
    assert table.set_index(["doc_id", "type"]).loc[("d", "external power"), "per_1000"] == 3.0


def test_mention_rates_sum_an_actors_mentions_per_group_per_1000_words():
    mentions = pd.DataFrame({"doc_id": ["d", "d", "e"], "section": [0, 1, 0], "actor": ["Russia"] * 3,
                             "type": ["external power"] * 3, "mentions": [2, 1, 1]})
    table = actors.mention_rates(mentions, {"d": 1500, "e": 400}).set_index("doc_id")
    assert table.loc["d", "mentions"] == 3 and table.loc["d", "per_1000"] == 2.0  # 3 / 1,500 words
    assert table.loc["e", "per_1000"] == 2.5  # 1 / 400 words


def test_actor_salience_rounds_to_the_digits_asked():
    mentions = pd.DataFrame({"doc_id": ["d"], "section": [0], "actor": ["Russia"], "type": ["external power"],
                             "mentions": [1]})
    table = actors.actor_salience(mentions, {"d": 3000}, digits=1).set_index("type")
    assert table.loc["external power", "per_1000"] == 0.3 and table.loc["initiative", "per_1000"] == 0.0


def test_cooccurrence_graph_links_actors_named_in_one_section():
    mentions = pd.DataFrame({"doc_id": ["d"] * 3, "section": [0, 0, 1], "actor": ["Russia", "China", "Russia"],
                             "type": ["external power"] * 3, "mentions": [1, 1, 1]})
    graph = actors.cooccurrence_graph(mentions)
    assert graph["China"]["Russia"]["weight"] == 1 and graph.nodes["Russia"]["units"] == 2


def test_bootstrap_in_small_batches_gives_the_same_intervals(monkeypatch):
    rng = np.random.default_rng(3)
    values, groups = rng.random((60, 4)), rng.choice(["a", "b"], 60)
    whole = stats.bootstrap_group_means(values, groups, n_boot=500, seed=1)
    monkeypatch.setattr(stats, "MAX_CELLS", 50)  # a few resamples per batch
    pd.testing.assert_frame_equal(stats.bootstrap_group_means(values, groups, n_boot=500, seed=1), whole)


def test_holm_adjusts_against_hand_computed_values():
    # sorted 0.01 x4 = 0.04, 0.03 x3 = 0.09, 0.04 x2 = 0.08 -> 0.09 (monotone), 0.20 x1 = 0.20
    assert stats.holm([0.01, 0.04, 0.03, 0.20]) == pytest.approx([0.04, 0.09, 0.09, 0.20])


def test_benjamini_hochberg_adjusts_against_hand_computed_values():
    # sorted 0.01 x4/1 = 0.04, 0.03 x4/2 = 0.06 -> 0.0533 (min to the right), 0.04 x4/3 = 0.0533, 0.20 x4/4
    assert stats.benjamini_hochberg([0.01, 0.04, 0.03, 0.20]) == pytest.approx([0.04, 0.16 / 3, 0.16 / 3, 0.20])


def test_corrections_leave_missing_p_values_missing():
    assert np.isnan(stats.holm([0.01, np.nan])[1]) and stats.benjamini_hochberg([0.01, np.nan])[0] == 0.01


def test_block_bootstrap_resamples_whole_blocks_of_neighbouring_units():
    values = np.array([[1.0], [1.0], [1.0], [5.0], [5.0], [5.0]])
    table = stats.block_bootstrap_group_means(values, ["a"] * 6, block=3, n_boot=2000, seed=0)
    # each draw is two blocks, each all 1 or all 5: the means are 1, 3 or 5 (a quarter each at the ends)
    assert table.loc[0, ["mean", "ci_low", "ci_high"]].tolist() == [3.0, 1.0, 5.0]


def test_moving_blocks_cover_every_row_once_in_order():
    assert stats.moving_blocks(7, 3) == [[0, 1, 2], [3, 4, 5], [6]]


def test_spearman_table_adds_false_discovery_q_values_over_all_pairs():
    left = pd.DataFrame({"x": [1, 2, 3, 4, 5, 6]})
    right = pd.DataFrame({"up": [1, 2, 3, 4, 5, 7], "flat": [1] * 6})
    table = stats.spearman_table(left, right).set_index("right")
    assert table.loc["up", "rho"] == pytest.approx(1.0) and np.isnan(table.loc["flat", "rho"])
    assert table.loc["up", "q_value"] == pytest.approx(table.loc["up", "p_value"])  # one testable pair


def test_curveball_keeps_row_and_column_sums_and_changes_the_matrix():
    rng = np.random.default_rng(0)
    matrix = (rng.random((12, 8)) < 0.4).astype(int)
    draws = [stats.curveball(matrix, rng) for _ in range(5)]
    for null in draws:
        assert (null.sum(axis=0) == matrix.sum(axis=0)).all() and (null.sum(axis=1) == matrix.sum(axis=1)).all()
    assert any((null != matrix).any() for null in draws)


def test_topic_frame_association_averages_units_per_section_and_correlates_with_each_frame():
    from corpus_utils import framing

    doc_topics = pd.DataFrame({"doc_id": ["d"] * 8, "section": [0, 0, 1, 1, 2, 2, 3, 3],
                               "topic_1": [0.1, 0.3, 0.4, 0.4, 0.5, 0.7, 0.9, 0.9]})
    doc_topics["topic_2"] = 1 - doc_topics["topic_1"]
    sections = pd.DataFrame({"doc_id": ["d"] * 4, "section": [0, 1, 2, 3], "up": [1.0, 2.0, 3.0, 4.0],
                             "down": [4.0, 3.0, 2.0, 1.0]})
    names = {"topic_1": "1: a", "topic_2": "2: b"}
    links = framing.topic_frame_association(doc_topics, sections, ["up", "down"], names)
    assert list(links["topic"]) == ["1: a", "1: a", "2: b", "2: b"] and list(links["frame"]) == ["up", "down"] * 2
    assert links["rho"].tolist() == pytest.approx([1.0, -1.0, -1.0, 1.0])  # section means 0.2, 0.4, 0.6, 0.9
    rho, survives = framing.association_matrix(links.assign(q_value=[0.01, 0.2, 0.03, 0.5]), 0.05)
    assert list(rho.index) == ["1: a", "2: b"] and list(rho.columns) == ["up", "down"]
    assert survives.to_numpy().tolist() == [[True, False], [True, False]]


def test_confusion_tables_keep_every_pair_of_codes_and_give_back_each_matrix():
    from corpus_utils import validation

    reference = pd.DataFrame({"frame": ["a", "a", "b"], "function": ["x", "y", "y"]})
    predicted = pd.DataFrame({"frame": ["a", "b", "b"], "function": ["y", "y", "y"]})
    table = validation.confusion_tables(reference, predicted, {"frame": ["a", "b", "c"], "function": ["x", "y"]})
    assert len(table) == 9 + 4 and table["units"].sum() == 6
    frames = validation.confusion_matrix(table, "frame")
    assert frames.loc["a"].tolist() == [1, 1, 0] and frames.loc["b"].tolist() == [0, 1, 0]
    assert list(frames.columns) == ["a", "b", "c"]
    functions = validation.confusion_matrix(table, "function")
    assert functions.to_numpy().tolist() == [[0, 1], [0, 2]]


def test_dispersion_of_a_sparse_count_matrix_equals_the_dense_one():
    from scipy import sparse

    counts = np.array([[3, 0, 1, 0], [0, 0, 0, 0], [1, 1, 1, 1], [0, 5, 0, 0]])
    sizes = [10, 20, 30, 40]
    dense = stats.dispersion_dp(counts, sizes)
    np.testing.assert_allclose(stats.dispersion_dp(sparse.csr_matrix(counts), sizes), dense, rtol=1e-12)
    assert np.isnan(dense[1]) and dense[3] == pytest.approx(0.5 * (0.1 + 0.8 + 0.3 + 0.4))


def _mentions_of(units: int) -> pd.DataFrame:
    """Every unit of one document names Russia and China, every other one Kazakhstan too."""
    rows = [{"doc_id": "d", "section": u, "actor": a, "type": "external power", "mentions": 1}
            for u in range(units) for a in (["Russia", "China"] + (["Kazakhstan"] if u % 2 else []))]
    return pd.DataFrame(rows)


def test_ties_of_a_group_above_max_units_are_counted_on_a_sample_of_that_many_units():
    mentions = _mentions_of(40)
    full = actors.group_ties(mentions, {"d": "g"}, n_perm=20, seed=1).set_index(["actor_a", "actor_b"])
    capped = actors.group_ties(mentions, {"d": "g"}, n_perm=20, seed=1, max_units=10)
    assert full["sections"].max() == 40 and capped["sections"].max() == 10
    assert actors.naming_units(mentions, {"d": "g"}).to_dict() == {"g": 40}


def test_ties_within_max_units_are_the_unsampled_ties():
    mentions = _mentions_of(12)
    pd.testing.assert_frame_equal(actors.group_ties(mentions, {"d": "g"}, n_perm=20, seed=1, max_units=12),
                                  actors.group_ties(mentions, {"d": "g"}, n_perm=20, seed=1))


def _tied_and_untied_cases() -> list[tuple[np.ndarray, list[str]]]:
    """Real-valued scores, and small integer scores with many exact ties, over 2-4 groups."""
    rng = np.random.default_rng(5)
    cases = []
    for n, columns, k in [(30, 3, 2), (41, 2, 3), (60, 4, 4)]:
        labels = [f"g{i % k}" for i in rng.permutation(n)]
        cases += [(rng.random((n, columns)), labels), (rng.integers(0, 3, (n, columns)).astype(float), labels)]
    return cases


@pytest.mark.parametrize("seed", [0, 11])
def test_permutation_test_counts_the_relabellings_of_the_definition(seed):
    for values, groups in _tied_and_untied_cases():
        rng = np.random.default_rng(seed)  # the definition: relabel the units, recompute eta squared
        observed = stats.between_group_share(values, groups)
        hits = sum(stats.between_group_share(values, rng.permutation(np.asarray(groups))) >= observed - 1e-12
                   for _ in range(199))
        assert stats.permutation_test(values, groups, n_perm=199, seed=seed)["p_value"] == round((hits + 1) / 200, 4)


@pytest.mark.parametrize("seed", [0, 11])
def test_distinguishing_counts_the_relabellings_of_the_definition(seed):
    for values, groups in _tied_and_untied_cases():
        rng = np.random.default_rng(seed)
        labels = np.asarray(groups)
        names = list(dict.fromkeys(groups))
        observed = {g: values[labels == g].mean(axis=0) - values[labels != g].mean(axis=0) for g in names}
        hits = {g: np.zeros(values.shape[1]) for g in names}
        for _ in range(199):
            perm = rng.permutation(labels)
            for g in names:
                diff = values[perm == g].mean(axis=0) - values[perm != g].mean(axis=0)
                hits[g] += np.abs(diff) >= np.abs(observed[g]) - 1e-12
        table = stats.distinguishing(values, groups, [f"c{j}" for j in range(values.shape[1])], n_perm=199, seed=seed)
        expected = [(hits[g][j] + 1) / 200 for g in names for j in range(values.shape[1])]
        assert table["p_value"].tolist() == expected


@pytest.mark.parametrize(("seed", "block"), [(0, 1), (3, 3), (8, 4)])
def test_block_bootstrap_draws_whole_blocks_as_block_indices_does(seed, block):
    for values, groups in _tied_and_untied_cases():
        rng = np.random.default_rng(seed)
        table = stats.block_bootstrap_group_means(values, groups, block=block, n_boot=150, seed=seed)
        labels = np.asarray(groups)
        for group in dict.fromkeys(groups):
            part = values[labels == group]
            blocks = stats.moving_blocks(len(part), block)
            boot = np.stack([part[stats.block_indices(blocks, rng)].mean(axis=0) for _ in range(150)])
            rows = table[table["group"] == group]
            low, high = np.percentile(boot, [2.5, 97.5], axis=0)  # the same draws: equal but for rounding
            assert rows["ci_low"].tolist() == pytest.approx(low.tolist(), rel=1e-12, abs=1e-15)
            assert rows["ci_high"].tolist() == pytest.approx(high.tolist(), rel=1e-12, abs=1e-15)


def test_permutation_test_reports_plain_numbers():
    result = stats.permutation_test(np.array([[1.0], [2.0], [3.0], [5.0]]), ["a", "a", "b", "b"], n_perm=50)
    assert all(type(v) in (int, float) for v in result.values())  # shown as 0.2, not np.float64(0.2)
