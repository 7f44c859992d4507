"""Metrics and statistics pinned to numbers worked out by hand or published, never to the code's own output.

Each expected value is written out (a fraction, a formula on literals, a published figure) or recomputed here
independently: the bootstrap tests redraw the resamples with the documented random-number contract and take
their quantiles with numpy, so a widened, narrowed or shifted interval fails. Comments show the arithmetic.
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pandas as pd
import pytest

from corpus_utils import effects, ensemble, framing, intrusion, stats, topic_metrics, topics, validation

N = None


# --- helpers that recompute a statistic from its definition (no package code) ---------------------------------


def _nominal_alpha(units: list[list[object]]) -> float:
    """Krippendorff's nominal alpha from the coincidence counts (Krippendorff 2011, section B/C):
    ((n - 1) sum_c o_cc - sum_c n_c (n_c - 1)) / (n (n - 1) - sum_c n_c (n_c - 1))."""
    pairable = [[v for v in u if v is not None] for u in units]
    pairable = [u for u in pairable if len(u) >= 2]
    n_c = Counter(v for u in pairable for v in u)
    n = sum(n_c.values())
    o_cc = sum(m * (m - 1) / (len(u) - 1) for u in pairable for m in Counter(u).values())
    chance = sum(c * (c - 1) for c in n_c.values())
    return ((n - 1) * o_cc - chance) / (n * (n - 1) - chance)


def _percentile_interval(draws: list[float], level: float = 0.95) -> tuple[float, float]:
    tail = (1 - level) / 2
    return float(np.quantile(draws, tail)), float(np.quantile(draws, 1 - tail))


# --- bootstrap intervals ----------------------------------------------------------------------------------------


def test_bootstrap_group_means_interval_is_the_quantiles_of_means_of_units_resampled_within_each_group():
    values = np.array([[1.0, 10.0], [2.0, 20.0], [4.0, 40.0], [8.0, 80.0], [3.0, 0.0], [5.0, 1.0], [9.0, 2.0]])
    groups = ["a", "a", "a", "a", "b", "b", "b"]
    table = stats.bootstrap_group_means(values, groups, n_boot=300, seed=5).set_index(["group", "column"])
    # contract: one generator seeded once; per group in order of appearance, n_boot x n_g unit indices
    rng = np.random.default_rng(5)
    for group, rows in (("a", [0, 1, 2, 3]), ("b", [4, 5, 6])):
        idx = rng.integers(0, len(rows), size=(300, len(rows)))
        for col in (0, 1):
            sample = [values[rows][:, col][draw].mean() for draw in idx]
            low, high = _percentile_interval(sample)
            assert table.loc[(group, col + 1), "ci_low"] == pytest.approx(low)
            assert table.loc[(group, col + 1), "ci_high"] == pytest.approx(high)
    assert table.loc[("a", 2), "mean"] == pytest.approx(37.5)  # (10 + 20 + 40 + 80) / 4


def test_bootstrap_group_means_of_two_units_spans_exactly_their_two_values():
    # resampling {0, 1} twice gives means 0, 1/2, 1 with chances 1/4, 1/2, 1/4: the 2.5% and 97.5%
    # quantiles of 2000 draws fall inside the runs of 0s and 1s
    table = stats.bootstrap_group_means(np.array([[0.0], [1.0]]), ["a", "a"], n_boot=2000, seed=0)
    assert table.loc[0, ["mean", "ci_low", "ci_high"]].tolist() == [0.5, 0.0, 1.0]


def test_bootstrap_group_means_narrows_the_interval_with_the_level():
    # a 20% interval is the 40th to 60th percentile: both inside the middle half of draws, whose mean is 1/2
    table = stats.bootstrap_group_means(np.array([[0.0], [1.0]]), ["a", "a"], n_boot=2000, seed=0, level=0.2)
    assert table.loc[0, ["ci_low", "ci_high"]].tolist() == [0.5, 0.5]


def test_bootstrap_over_runs_draws_a_run_then_units_for_each_replicate():
    center = np.array([[0.5], [0.5], [0.5], [0.1], [0.2]])
    runs = np.array([[[0.1], [0.4], [0.7], [0.0], [0.3]],
                     [[0.9], [0.6], [0.2], [0.5], [0.1]],
                     [[0.3], [0.3], [0.8], [0.2], [0.2]]])
    groups = ["a", "a", "a", "b", "b"]
    table = stats.bootstrap_over_runs(center, runs, groups, n_boot=250, seed=2).set_index("group")
    # contract: per group, n_boot run picks, then n_boot x n_g unit indices, from one generator
    rng = np.random.default_rng(2)
    for group, rows in (("a", [0, 1, 2]), ("b", [3, 4])):
        pick = rng.integers(0, 3, size=250)
        idx = rng.integers(0, len(rows), size=(250, len(rows)))
        sample = [runs[r, rows, 0][i].mean() for r, i in zip(pick, idx, strict=True)]
        low, high = _percentile_interval(sample)
        assert table.loc[group, "ci_low"] == pytest.approx(low) and table.loc[group, "ci_high"] == pytest.approx(high)
    assert table.loc["b", "mean"] == pytest.approx(0.15)  # the mean of center, not of the runs


def test_block_bootstrap_draws_as_many_whole_blocks_as_there_are():
    values = np.array([[1.0], [2.0], [3.0], [10.0], [20.0], [30.0], [7.0]])
    table = stats.block_bootstrap_group_means(values, ["a"] * 7, block=3, n_boot=300, seed=4)
    blocks = [[0, 1, 2], [3, 4, 5], [6]]  # consecutive, the last one shorter
    rng = np.random.default_rng(4)
    sample = []
    for _ in range(300):
        rows = [r for b in rng.integers(0, 3, size=3) for r in blocks[b]]
        sample.append(values[rows, 0].mean())
    low, high = _percentile_interval(sample)
    assert table.loc[0, "ci_low"] == pytest.approx(low) and table.loc[0, "ci_high"] == pytest.approx(high)
    assert table.loc[0, "mean"] == pytest.approx(73 / 7)


def test_bootstrap_interval_is_the_quantiles_of_the_statistic_over_index_resamples():
    x = np.array([3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0])
    low, high = validation.bootstrap_interval(len(x), lambda idx: float(x[idx].mean()), n_boot=400, seed=7)
    rng = np.random.default_rng(7)
    sample = [x[rng.integers(0, 8, size=8)].mean() for _ in range(400)]
    assert (low, high) == pytest.approx(_percentile_interval(sample))


def test_bootstrap_interval_of_a_two_unit_mean_is_zero_to_one():
    assert validation.bootstrap_interval(2, lambda idx: float(np.array([0.0, 1.0])[idx].mean()), 2000, 0) == (0.0, 1.0)


def test_classification_scores_kappa_interval_recomputes_with_sklearn_on_the_same_resamples():
    from sklearn.metrics import cohen_kappa_score

    rng = np.random.default_rng(11)
    truth = rng.choice(list("abc"), size=40)
    predicted = np.where(rng.random(40) < 0.6, truth, rng.choice(list("abc"), size=40))
    report = validation.classification_scores(truth, predicted, n_boot=200, seed=3)
    draws = np.random.default_rng(3)
    kappas, accuracies = [], []
    for _ in range(200):
        idx = draws.integers(0, 40, size=40)
        kappas.append(cohen_kappa_score(truth[idx], predicted[idx]))
        accuracies.append(np.mean(truth[idx] == predicted[idx]))
    assert (report["kappa_low"], report["kappa_high"]) == pytest.approx(_percentile_interval(kappas), abs=5e-4)
    assert (report["accuracy_low"], report["accuracy_high"]) == pytest.approx(_percentile_interval(accuracies),
                                                                              abs=5e-4)
    assert report["kappa"] == pytest.approx(cohen_kappa_score(truth, predicted), abs=5e-4)


def test_agreement_alpha_interval_recomputes_alpha_from_its_definition_on_the_same_resamples():
    rng = np.random.default_rng(8)
    first = rng.choice(list("xyz"), size=30)
    second = np.where(rng.random(30) < 0.7, first, rng.choice(list("xyz"), size=30))
    codings = {"one": pd.DataFrame({"code": first}), "two": pd.DataFrame({"code": second})}
    row = validation.agreement(codings, "code", n_boot=150, seed=1)
    pairs = np.column_stack([first, second])
    draws = np.random.default_rng(1)
    alphas = [_nominal_alpha(pairs[draws.integers(0, 30, size=30)].tolist()) for _ in range(150)]
    assert (row["krippendorff_alpha_low"], row["krippendorff_alpha_high"]) == pytest.approx(
        _percentile_interval(alphas), abs=5e-4)
    assert row["krippendorff_alpha"] == pytest.approx(_nominal_alpha(pairs.tolist()), abs=5e-4)


# --- effects (linear model on group and time) -------------------------------------------------------------------

Y_A, Y_B = [1.0, 2.0, 3.0], [4.0, 6.0]  # group means 2 and 5; residuals -1, 0, 1 and -1, 1


def _group_design() -> tuple[np.ndarray, np.ndarray]:
    x = np.array([[1, 0], [1, 0], [1, 0], [1, 1], [1, 1]], dtype=float)  # intercept, group B
    return x, np.array([Y_A + Y_B]).T


def test_coefficients_of_group_dummies_are_the_reference_mean_and_the_difference_of_means():
    x, y = _group_design()
    assert effects.coefficients(x, y)[:, 0] == pytest.approx([2.0, 3.0])


def test_ols_with_one_unit_per_cluster_gives_the_hc1_variance():
    x, y = _group_design()
    _, cov = effects.ols(x, y, np.array(["1", "2", "3", "4", "5"]))
    # HC0 of the difference of means: sum e^2 / n^2 per group = 2/9 + 2/4 = 13/18; HC1 scales by n/(n-p) = 5/3
    assert cov[0, 1, 1] == pytest.approx(13 / 18 * 5 / 3)
    assert cov[0, 0, 0] == pytest.approx(2 / 9 * 5 / 3)  # the intercept is group A's mean


def test_ols_with_clusters_sums_residuals_within_a_cluster_and_applies_the_cr1_factor():
    x, y = _group_design()
    _, cov = effects.ols(x, y, np.array(["c1", "c1", "c2", "c3", "c3"]))
    # cluster sums of the influence on B - A: c1 (-1 + 0) / 3, c2 1 / 3, c3 (-1 + 1) / 2 = 0 -> 2/9;
    # CR1 = G/(G-1) (N-1)/(N-p) = 3/2 x 4/3 = 2
    assert cov[0, 1, 1] == pytest.approx(4 / 9)


def test_simulation_p_value_counts_draws_on_either_side_of_zero_with_one_added():
    draws = np.array([[-1.0], [1.0], [2.0], [3.0]])
    # below: (1 + 1) / 5 = 0.4; above: (3 + 1) / 5 = 0.8; two-sided: 2 x 0.4
    assert effects._p_values(draws)[0] == pytest.approx(0.8)
    assert effects._p_values(np.array([[1.0]] * 9))[0] == pytest.approx(2 * 1 / 10)


def test_restricted_cubic_spline_matches_harrells_formula_at_hand_computed_points():
    # knots 0, 1, 2: ((x)+^3 - (x-1)+^3 (2-0)/(2-1) + (x-2)+^3 (1-0)/(2-1)) / (2-0)^2
    basis = effects.spline_basis(np.array([0.5, 1.5, 3.0]), [0.0, 1.0, 2.0])
    assert basis[:, 0].tolist() == [0.5, 1.5, 3.0]
    assert basis[:, 1] == pytest.approx([0.125 / 4, (3.375 - 2 * 0.125) / 4, (27 - 2 * 8 + 1) / 4])


def test_bootstrap_effects_interval_is_the_quantiles_of_differences_of_resampled_group_means():
    d = effects.design(["a", "a", "a", "b", "b"], {"a": "A", "b": "B"})
    table, _ = effects.bootstrap_effects(np.array([Y_A + Y_B]).T, d, ["y"], n_boot=250, seed=6)
    # contract: batches of 100 replicates; per batch and group (sorted), multinomial counts of its units
    rng = np.random.default_rng(6)
    diffs = []
    for start in range(0, 250, 100):
        size = min(100, 250 - start)
        wa = rng.multinomial(3, [1 / 3] * 3, size=size)
        wb = rng.multinomial(2, [1 / 2] * 2, size=size)
        diffs += list(wb @ Y_B / 2 - wa @ Y_A / 3)
    row = table.iloc[0]
    assert row["estimate"] == pytest.approx(3.0)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx(_percentile_interval(diffs))
    below, above = (sum(v <= 0 for v in diffs) + 1) / 251, (sum(v >= 0 for v in diffs) + 1) / 251
    assert row["p_value"] == pytest.approx(min(1.0, 2 * min(below, above)))


def test_method_of_composition_pools_runs_that_fit_without_error():
    # every run fits exactly (zero residual covariance): the draws are each run's difference, half 0.2, half 0.4
    d = effects.design(["a", "a", "b", "b"], {"a": "A", "b": "B"})
    runs = np.array([[[0.3], [0.3], [0.5], [0.5]], [[0.1], [0.1], [0.5], [0.5]]])
    table, _ = effects.composition_effects(runs, d, ["t1"], n_sims=1000, seed=0)
    row = table.iloc[0]
    assert (row["estimate"], row["ci_low"], row["ci_high"]) == pytest.approx((0.3, 0.2, 0.4))
    assert row["p_value"] == pytest.approx(2 / 1001)  # no draw at or below zero


# --- corrections for multiple tests --------------------------------------------------------------------------------

# Benjamini & Hochberg (1995, JRSS B 57: 289-300), their worked example (data of Neuhaus et al. 1992): at level
# 0.05 their procedure rejects the four smallest p-values, Bonferroni (0.05 / 15) the three smallest. Holm, by
# hand: 0.0001 x 15, 0.0004 x 14, 0.0019 x 13 = 0.0247 are below 0.05, 0.0095 x 12 = 0.114 is not.
BH_1995 = [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.3240, 0.4262, 0.5719,
           0.6528, 0.7590, 1.0000]


def test_benjamini_hochberg_rejects_the_four_hypotheses_of_the_published_example():
    assert (stats.benjamini_hochberg(BH_1995) <= 0.05).sum() == 4


def test_holm_rejects_the_three_hypotheses_of_the_published_example():
    assert (stats.holm(BH_1995) <= 0.05).sum() == 3


def test_benjamini_hochberg_q_values_of_the_published_example_by_hand():
    q = stats.benjamini_hochberg(BH_1995)
    # p_(i) m / i, then the minimum over ranks >= i: rank 4 is 0.0095 x 15/4; rank 5's own 0.0603 is its minimum
    assert q[:5] == pytest.approx([0.0015, 0.003, 0.0095, 0.035625, 0.0603])


def test_holm_adjusted_p_values_of_the_published_example_by_hand_and_in_input_order():
    shuffled = [BH_1995[3], BH_1995[0], BH_1995[2], BH_1995[1]]  # 0.0095, 0.0001, 0.0019, 0.0004 (m = 4)
    # sorted: 0.0001 x 4, 0.0004 x 3, 0.0019 x 2, 0.0095 x 1, each at least the one before
    assert stats.holm(shuffled) == pytest.approx([0.0095, 0.0004, 0.0038, 0.0012])


def test_corrections_cap_at_one_and_keep_the_order_of_adjusted_values():
    assert stats.holm([0.5, 0.6]).tolist() == [1.0, 1.0]  # 0.5 x 2 = 1.0; 0.6 x 1 raised to the running max
    assert stats.benjamini_hochberg([0.5, 0.6]) == pytest.approx([0.6, 0.6])  # 0.5 x 2/1 lowered to 0.6 x 2/2


# --- other statistics -------------------------------------------------------------------------------------------


def test_eta_squared_is_the_between_group_share_of_the_total_sum_of_squares():
    # grand mean 2.75; total SS 8.75; group means 1.5 and 4, between SS 2 x 1.25^2 x 2 = 6.25
    assert stats.between_group_share(np.array([[1.0], [2.0], [3.0], [5.0]]), ["a", "a", "b", "b"]) == pytest.approx(
        6.25 / 8.75)


def test_permutation_p_value_of_a_perfect_split_is_one_over_draws_plus_one():
    values = np.array([[0.0]] * 15 + [[1.0]] * 15)
    # only 2 of the C(30, 15) = 155,117,520 labellings reach eta^2 = 1: 99 draws miss them, p = (0 + 1) / 100
    result = stats.permutation_test(values, ["a"] * 15 + ["b"] * 15, n_perm=99, seed=0)
    assert result == {"eta_squared": 1.0, "p_value": 0.01, "n_perm": 99}


def test_permutation_p_value_approaches_the_exact_share_of_labellings_as_extreme():
    # 4 units, 2 per group: of the 6 labellings, {1, 2} | {3, 5} and its mirror reach eta^2 = 5/7: p = 1/3
    result = stats.permutation_test(np.array([[1.0], [2.0], [3.0], [5.0]]), ["a", "a", "b", "b"], n_perm=3000)
    assert result["eta_squared"] == pytest.approx(5 / 7, abs=1e-4)
    assert result["p_value"] == pytest.approx(1 / 3, abs=0.03)


def test_distinguishing_p_value_is_two_sided_over_relabellings():
    # a = {1, 2}, others {3, 5}: diff 1.5 - 4 = -2.5; |diff| >= 2.5 for 2 of the 6 labellings of a: p = 1/3
    table = stats.distinguishing(np.array([[1.0], [2.0], [3.0], [5.0]]), ["a", "a", "b", "b"], ["x"], n_perm=3000)
    row = table.set_index("group").loc["a"]
    assert row["diff"] == pytest.approx(-2.5) and row["p_value"] == pytest.approx(1 / 3, abs=0.03)


def test_deviation_of_proportions_of_a_hand_worked_example():
    # parts of 9, 10, 10, 10 and 11 words (expected shares .18 .2 .2 .2 .22), a term seen 1, 2, 3, 4, 5 times
    # (shares 1/15 ... 5/15): 0.5 x (.1133 + .0667 + 0 + .0667 + .1133) = 0.18
    dp = stats.dispersion_dp(np.array([[1, 2, 3, 4, 5], [3, 0, 0, 0, 0], [0, 0, 0, 0, 0]]), [9, 10, 10, 10, 11])
    assert dp[0] == pytest.approx(0.18)
    assert dp[1] == pytest.approx(0.5 * ((1 - 0.18) + 0.2 + 0.2 + 0.2 + 0.22))  # all in the first part: 0.82
    assert np.isnan(dp[2])


def test_spearman_rho_of_a_hand_ranked_example():
    # ranks differ by 1 in four places: rho = 1 - 6 x 4 / (5 x (25 - 1)) = 0.8
    table = stats.spearman_table(pd.DataFrame({"x": [1, 2, 3, 4, 5]}), pd.DataFrame({"y": [2, 1, 4, 3, 5]}))
    assert table.loc[0, "rho"] == pytest.approx(0.8)


# --- agreement of codings ---------------------------------------------------------------------------------------

# Krippendorff (2011), "Computing Krippendorff's alpha-reliability", section A: binary data, two observers,
# ten units, published alpha 0.095; section B: nominal data, two observers, twelve units, published alpha 0.692.
KRIPP_A = ([0, 1, 0, 0, 0, 0, 0, 0, 1, 0], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0])
KRIPP_B = (list("aabbdcccedda"), list("babbbccceddd"))
# Krippendorff (2011), section C: four observers, twelve units, missing values; nominal alpha 0.743
KRIPP_C = list(zip(
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N], strict=True))


def test_krippendorff_alpha_of_the_published_binary_example():
    # o_01 = 4, n_0 = 14, n_1 = 6, n = 20: alpha = 1 - 19 x 4 / (14 x 6) = 0.095
    assert validation.krippendorff_alpha(list(zip(*KRIPP_A, strict=True))) == pytest.approx(1 - 76 / 84)
    assert round(validation.krippendorff_alpha(list(zip(*KRIPP_A, strict=True))), 3) == 0.095


def test_krippendorff_alpha_of_the_published_nominal_two_coder_example():
    # 9 of 12 units agree; n_c = 4, 6, 6, 6, 2; alpha = 1 - 23 x 6 / (24^2 - 128) = 0.692
    alpha = validation.krippendorff_alpha(list(zip(*KRIPP_B, strict=True)))
    assert alpha == pytest.approx(1 - 138 / 448) and round(alpha, 3) == 0.692


def test_cohen_kappa_of_the_published_nominal_example_by_hand():
    # p_o = 9/12; p_e = (3x1 + 2x4 + 3x3 + 3x3 + 1x1) / 144 = 30/144; kappa = (18/24 - 5/24) / (19/24) = 13/19
    assert validation.cohen_kappa(*KRIPP_B) == pytest.approx(13 / 19)


def test_cohen_kappa_of_the_published_binary_example_by_hand():
    # p_o = 6/10; p_e = (8 x 6 + 2 x 4) / 100 = 0.56; kappa = 0.04 / 0.44 = 1/11
    assert validation.cohen_kappa(*KRIPP_A) == pytest.approx(1 / 11)


def test_classification_scores_kappa_and_accuracy_of_the_published_nominal_example():
    report = validation.classification_scores(*KRIPP_B, n_boot=10)
    assert report["accuracy"] == 0.75 and report["kappa"] == round(13 / 19, 3)


def test_macro_f1_averages_over_classes_of_the_truth_only():
    # a: tp 1, fp 0, fn 1 -> F1 2/3; b: tp 1, fp 0, fn 0 -> 1; c is predicted but never true: left out
    assert validation.macro_f1(["a", "a", "b"], ["a", "c", "b"]) == pytest.approx((2 / 3 + 1) / 2)
    # a: 2/3; b: tp 1, fp 1, fn 1 -> 2 / (2 + 1 + 1) = 1/2
    assert validation.macro_f1(["a", "a", "b", "b"], ["a", "b", "c", "b"]) == pytest.approx((2 / 3 + 1 / 2) / 2)


def test_agreement_reports_kappa_and_alpha_of_the_published_nominal_example():
    codings = {"c": pd.DataFrame({"code": KRIPP_B[0]}), "k": pd.DataFrame({"code": KRIPP_B[1]})}
    row = validation.agreement(codings, "code", n_boot=10)
    assert (row["agreement"], row["cohen_kappa"], row["krippendorff_alpha"]) == (0.75, round(13 / 19, 3), 0.692)


def test_all_coder_agreement_of_the_published_four_coder_example_with_missing_codes():
    tables = {f"coder{i}": pd.DataFrame({"primary_frame": [u[i] for u in KRIPP_C],
                                          "function": [u[i] for u in KRIPP_C]}, dtype=object) for i in range(4)}
    table = validation.all_coder_agreement(tables, n_boot=10).set_index("coding")
    # unit 12 has one value only: 11 units are pairable
    assert table.loc["primary frame", "krippendorff_alpha"] == 0.743
    assert table.loc["primary frame", "units_coded_twice"] == 11


def test_independent_nominal_alpha_reproduces_the_published_values():
    # guards the helper the interval tests rely on
    assert round(_nominal_alpha([list(u) for u in zip(*KRIPP_B, strict=True)]), 3) == 0.692
    assert round(_nominal_alpha([list(u) for u in KRIPP_C]), 3) == 0.743


# --- keyness ------------------------------------------------------------------------------------------------------


def test_keyness_g2_and_log_ratio_of_a_round_number_example():
    # a = 100 of c = 10,000 against b = 50 of d = 20,000: E1 = 50, E2 = 100,
    # G2 = 2 (100 ln 2 + 50 ln 1/2) = 100 ln 2; log ratio = log2(0.01 / 0.0025) = 2
    table = framing.keyness({"x": 100, "rest": 9900}, {"x": 50, "rest": 19950}).set_index("term")
    assert table.loc["x", "g2"] == pytest.approx(100 * math.log(2))
    assert table.loc["x", "log_ratio"] == pytest.approx(2.0)
    assert table.loc["x", "p_value"] == pytest.approx(math.erfc(math.sqrt(100 * math.log(2) / 2)))


def test_keyness_of_a_term_missing_from_the_target_is_negative_with_half_a_token_in_the_log_ratio():
    # a = 0 of c = 10, b = 10 of d = 20: E2 = 20 x 10 / 30; G2 = 2 x 10 ln(10 / (20/3)) = 20 ln 1.5, signed -
    table = framing.keyness({"y": 10}, {"x": 10, "y": 10}).set_index("term")
    assert table.loc["x", "g2"] == pytest.approx(-20 * math.log(1.5))
    assert table.loc["x", "log_ratio"] == pytest.approx(math.log2((0.5 / 10) / (10 / 20)))
    # y: a = 10, b = 10, E1 = 20/3, E2 = 40/3: G2 = 2 (10 ln 1.5 + 10 ln 0.75), target-heavy so positive
    assert table.loc["y", "g2"] == pytest.approx(20 * (math.log(1.5) + math.log(0.75)))


def test_group_keyness_of_a_tiny_two_group_corpus_by_hand():
    table = framing.group_keyness([["x", "x"], ["y"], ["y", "y"]], ["A", "A", "B"])
    row = table.set_index(["doc_id", "term"]).loc[("A", "x")]
    # A: x 2, y 1 (c = 3); B: y 2 (d = 2). x: E1 = 3 x 2 / 5 = 1.2, G2 = 2 x 2 ln(2 / 1.2)
    assert row["g2"] == pytest.approx(4 * math.log(5 / 3))
    # x sits in A's first unit (2 of its 3 words): DP = 0.5 (|1 - 2/3| + |0 - 1/3|) = 1/3
    assert row["dp"] == pytest.approx(1 / 3)
    a = table[table["doc_id"] == "A"].set_index("term")
    # two terms in A's table: q of the smaller p is p x 2 / 1 (unless the larger p is smaller still)
    p = sorted(a["p_value"])
    assert a["q_value"].min() == pytest.approx(min(p[0] * 2, p[1]))


# --- topic metrics ---------------------------------------------------------------------------------------------------


def test_relevance_of_a_two_by_three_matrix_written_out_by_hand():
    # pyLDAvis (Sievert & Shirley 2014): r = lambda log phi_kw + (1 - lambda) log(phi_kw / p_w)
    phi = np.array([[0.5, 0.3, 0.2], [0.1, 0.3, 0.6]])
    p_w = np.array([0.3, 0.3, 0.4])
    expected = [[0.6 * math.log(0.5) + 0.4 * math.log(0.5 / 0.3), 0.6 * math.log(0.3) + 0.4 * math.log(1.0),
                 0.6 * math.log(0.2) + 0.4 * math.log(0.5)],
                [0.6 * math.log(0.1) + 0.4 * math.log(0.1 / 0.3), 0.6 * math.log(0.3) + 0.4 * math.log(1.0),
                 0.6 * math.log(0.6) + 0.4 * math.log(1.5)]]
    assert topic_metrics.relevance(phi, p_w, lam=0.6) == pytest.approx(np.array(expected))


def test_relevance_at_lambda_zero_is_the_log_lift():
    phi = np.array([[0.5, 0.3, 0.2], [0.1, 0.3, 0.6]])
    rel = topic_metrics.relevance(phi, np.array([0.3, 0.3, 0.4]), lam=0.0)
    assert rel[0].tolist() == pytest.approx([math.log(5 / 3), 0.0, math.log(0.5)])


@pytest.mark.parametrize("lam", [0.0, 0.3, 0.6, 1.0])
def test_relevance_ranks_terms_as_pyldavis_does(lam):
    from pyLDAvis._prepare import _find_relevance

    phi = np.array([[0.45, 0.25, 0.2, 0.1], [0.05, 0.15, 0.3, 0.5], [0.3, 0.4, 0.1, 0.2]])
    p_w = np.array([0.25, 0.3, 0.2, 0.25])
    terms = ["w0", "w1", "w2", "w3"]
    log_ttd = pd.DataFrame(np.log(phi), columns=terms)
    log_lift = pd.DataFrame(np.log(phi / p_w), columns=terms)
    theirs = _find_relevance(log_ttd, log_lift, 4, lam)  # R x topics: term names, most relevant first
    ours = topic_metrics.top_indices(topic_metrics.relevance(phi, p_w, lam), 4)
    assert [[terms[i] for i in row] for row in ours] == [list(theirs[k]) for k in range(3)]


def test_frex_of_a_three_topic_matrix_by_hand():
    # frequency and exclusivity ranks per topic (ties share the mean rank, as stm's calcfrex with frank),
    # over 4 terms; FREX at w = 0.5 is 2 E F / (E + F). Topic 2: F = (.375, .375, .875, .875),
    # exclusivity .1, .2, .615, .471 -> E = (.25, .5, 1, .75)
    phi = np.array([[0.5, 0.3, 0.15, 0.05], [0.1, 0.1, 0.4, 0.4], [0.4, 0.1, 0.1, 0.4]])
    expected = [[6 / 7, 6 / 7, 1 / 2, 1 / 4], [3 / 10, 3 / 7, 14 / 15, 21 / 26], [21 / 26, 3 / 7, 3 / 10, 14 / 15]]
    assert topic_metrics.frex(phi) == pytest.approx(np.array(expected))


def test_exclusivity_sums_frex_with_weight_point_seven_over_the_top_terms():
    phi = np.array([[0.5, 0.3, 0.15, 0.05], [0.1, 0.1, 0.4, 0.4], [0.4, 0.1, 0.1, 0.4]])
    # topic 2's top two terms (0.4 and 0.4, the first listed first): E, F = (1, .875) and (.75, .875);
    # 1 / (.7/E + .3/F) each
    top_two = 1 / (0.7 / 1 + 0.3 / 0.875) + 1 / (0.7 / 0.75 + 0.3 / 0.875)
    assert topic_metrics.exclusivity(phi, top=2)[1] == pytest.approx(top_two)


def test_frex_weights_the_exclusivity_rank_by_w():
    phi = np.array([[0.5, 0.3, 0.15, 0.05], [0.1, 0.1, 0.4, 0.4], [0.4, 0.1, 0.1, 0.4]])
    # topic 2, term 1: E = .25, F = .375; at w = 0.7: 1 / (0.7 / .25 + 0.3 / .375) = 1 / 3.6
    assert topic_metrics.frex(phi, w=0.7)[1, 0] == pytest.approx(1 / 3.6)


def test_average_jaccard_averages_over_depths_up_to_the_given_depth():
    # depth 1: {a} vs {b} = 0; depth 2: {a, b} vs {b, a} = 1; depth 3: identical = 1
    assert topic_metrics.average_jaccard(["a", "b", "c"], ["b", "a", "c"]) == pytest.approx(2 / 3)
    assert topic_metrics.average_jaccard(["a", "b", "c"], ["b", "a", "c"], depth=2) == pytest.approx(1 / 2)


def test_ranking_agreement_of_swapped_partly_matching_topics_by_hand():
    run1 = [["a", "b", "c"], ["x", "y", "z"]]
    run2 = [["x", "y", "w"], ["a", "c", "b"]]
    # matched: abc~acb (1 + 1/3 + 1) / 3 = 7/9; xyz~xyw (1 + 1 + 2/4) / 3 = 5/6
    assert topic_metrics.ranking_agreement(run1, run2) == pytest.approx((7 / 9 + 5 / 6) / 2)


RUN_TOPS = [[["a", "b", "c"], ["x", "y", "z"]],
            [["x", "y", "w"], ["a", "c", "b"]],
            [["a", "b", "c"], ["x", "z", "y"]]]


def _ensemble(**changes: object) -> ensemble.Ensemble:
    fields = {"seeds": [1, 2, 3], "terms": ["a", "b"], "phi": np.array([[0.5, 0.5], [0.5, 0.5]]),
              "theta": np.array([[0.2, 0.8], [0.6, 0.4], [0.5, 0.5]]), "run_theta": np.zeros((3, 3, 2)),
              "run_top": RUN_TOPS, "match_cosine": np.ones((3, 2))} | changes
    return ensemble.Ensemble(**fields)  # type: ignore[arg-type]


def test_ensemble_stability_is_the_mean_ranking_agreement_over_pairs_of_runs():
    # run 1 vs 2: (7/9 + 5/6) / 2 = 29/36; 1 vs 3: (1 + 7/9) / 2 = 32/36;
    # 2 vs 3: acb~abc 7/9, xyw~xzy (1 + 1/3 + 2/4) / 3 = 11/18 -> 25/36; mean 86/108
    assert _ensemble().stability() == pytest.approx(86 / 108)


def test_run_summary_reports_the_hand_computed_stability_of_its_runs():
    from gensim.corpora import Dictionary

    terms = ["a", "b", "c", "x", "y", "z", "w"]

    def phi(*tops: list[str]) -> np.ndarray:  # probabilities 0.5, 0.3, 0.2 in ranking order
        out = np.full((len(tops), len(terms)), 1e-6)
        for k, top in enumerate(tops):
            out[k, [terms.index(t) for t in top]] = [0.5, 0.3, 0.2]
        return out

    runs = [(phi(*top), np.array([[0.9, 0.1], [0.2, 0.8]])) for top in RUN_TOPS]
    reference = [["a", "b", "c"], ["x", "y", "z", "w"], ["a", "c", "x"]]
    summary = ensemble.run_summary(runs, terms, 3, reference, Dictionary(reference))
    assert summary["stability"] == pytest.approx(86 / 108)


def test_recurrence_counts_runs_at_or_above_the_threshold():
    cosines = np.array([[0.9, 0.5], [0.85, 0.79], [0.7, 0.95], [0.8, 0.2]])
    assert _ensemble(match_cosine=cosines).recurrence(0.8).tolist() == [0.75, 0.25]


def test_dominant_topic_is_numbered_from_one():
    assert _ensemble().dominant().tolist()[:2] == [2, 1]


def test_run_ari_of_two_runs_by_hand():
    # partitions (0,0,0,1,1,1) and (0,0,1,1,2,2): sum C(n_ij,2) = 2, rows 6, columns 3, C(6,2) = 15;
    # ARI = (2 - 6x3/15) / ((6 + 3)/2 - 6x3/15) = 0.8 / 3.3 = 8/33
    eye = np.eye(3)
    run_theta = np.array([eye[[0, 0, 0, 1, 1, 1]], eye[[0, 0, 1, 1, 2, 2]]])
    assert _ensemble(run_theta=run_theta).run_ari() == pytest.approx(8 / 33)


def test_adjusted_rand_and_nmi_of_two_partitions_by_hand():
    a, b = [0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 2, 2]
    assert topic_metrics.adjusted_rand(a, b) == pytest.approx(8 / 33)
    # MI = 2/6 ln 2 + 2/6 ln 2 (the two cells of 1 add 0); H(a) = ln 2, H(b) = ln 3; NMI = MI / mean(H)
    assert topic_metrics.normalized_mutual_information(a, b) == pytest.approx((2 / 3) * math.log(2) / (
        (math.log(2) + math.log(3)) / 2))


def test_frame_agreement_of_the_published_nominal_example():
    scores = ensemble.frame_agreement(KRIPP_B[1], KRIPP_B[0])
    assert scores["accuracy"] == pytest.approx(0.75) and scores["kappa"] == pytest.approx(13 / 19)


def test_topic_cosines_and_their_mean_off_the_diagonal_by_hand():
    cos = topic_metrics.topic_cosines(np.array([[1.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 2.0]]))
    assert cos[0, 1] == pytest.approx(1 / math.sqrt(2)) and cos[1, 1] == pytest.approx(1.0)
    assert topic_metrics.mean_offdiagonal(cos) == pytest.approx((1 / math.sqrt(2) + 0 + 0) / 3)


def test_choose_k_scores_min_max_scaled_criteria_by_hand():
    sweep = pd.DataFrame({"k": [2, 2, 3, 3, 4, 4], "seed": [1, 2] * 3, "c_v": [0.4, 0.6, 0.6, 0.6, 0.7, 0.5],
                          "stability": [0.9, 0.7, 0.5, 0.5, 0.3, 0.1]})
    # means: c_v .5 .6 .6 -> scaled 0 1 1; stability .8 .5 .2 -> 1 .5 0; scores .5 .75 .5
    choice, table = topics.choose_k(sweep)
    assert choice == {"k": 3} and table["score"].tolist() == pytest.approx([0.5, 0.75, 0.5])


# --- intrusion scores ---------------------------------------------------------------------------------------------


def test_model_precision_and_topic_log_odds_by_hand():
    items = [{"item": "word-01", "kind": "word", "topic": 1, "options": ["a", "b", "c", "z"], "intruder": "z",
              "digest": "w1"},
             {"item": "topic-01", "kind": "topic", "unit": "u", "row": 0, "options": ["1", "2", "3"],
              "intruder": "3", "digest": "t1"}]
    answers = pd.DataFrame({"item": ["word-01"] * 3 + ["topic-01"] * 2, "item_digest": ["w1"] * 3 + ["t1"] * 2,
                            "chosen": ["z", "z", "a", "1", "3"]})
    precision = intrusion.model_precision(items, answers).iloc[0]
    assert (precision["answers"], precision["model_precision"], precision["chance"]) == (3, 0.667, 0.25)
    theta = np.array([[0.5, 0.3, 0.2]])
    odds = intrusion.topic_log_odds(items, answers, theta).iloc[0]
    # (ln .2 - ln .5) for the answer "1", 0 for the answer "3": mean ln(.4) / 2
    assert odds["topic_log_odds"] == round(math.log(0.4) / 2, 3) and odds["found"] == 0.5
