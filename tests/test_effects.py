"""Effects of metadata on prevalence (estimateEffect-like): the design, known effects recovered with intervals
that cover them for several data seeds, uncertainty that grows with the model's own, Holm over the table."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from corpus_utils import effects, plots, stats


def _corpus(seed: int, n_docs: int = 240, group_effect: float = 0.1, trend: float = 0.15, dated: bool = True):
    """Units of documents in groups A, B, C over three years: B is higher by ``group_effect``; the outcome
    falls by ``trend`` over the whole period, smoothly; documents add their own noise."""
    rng = np.random.default_rng(seed)
    docs = [f"d{i:03d}" for i in range(n_docs)]
    groups = {d: "ABC"[i % 3] for i, d in enumerate(docs)}
    days = {d: int(rng.integers(0, 3 * 365)) for d in docs}
    dates = {d: (dt.date(2021, 1, 1) + dt.timedelta(days=days[d])).isoformat() for d in docs} if dated else None
    units = [d for d in docs for _ in range(4)]
    noise = {d: rng.normal(0, 0.04) for d in docs}
    share = np.array([days[u] / (3 * 365) for u in units])
    y = (0.4 + group_effect * np.array([groups[u] == "B" for u in units]) - trend * (1 - np.cos(np.pi * share)) / 2
         + np.array([noise[u] for u in units]) + rng.normal(0, 0.05, len(units)))
    return units, groups, dates, np.column_stack([y, 1 - y])


def test_the_design_has_an_intercept_a_column_per_group_but_the_first_and_a_spline_in_time():
    units, groups, dates, _ = _corpus(0)
    d = effects.design(units, groups, dates)
    assert d.terms[:3] == ["(intercept)", "group: B", "group: C"] and d.levels == ["A", "B", "C"]
    assert d.terms[3] == "time (years)" and len(d.terms) == 3 + 1 + 2  # four knots: two spline columns
    assert d.matrix.shape == (len(units), len(d.terms)) and d.note == ""


def test_units_are_clustered_by_document_when_groups_hold_several_documents():
    units, groups, dates, _ = _corpus(0)
    assert len(set(effects.design(units, groups, dates).clusters)) == 240
    one_each = {u: u for u in set(units)}
    assert len(set(effects.design(units[:8], one_each).clusters)) == 8  # each unit its own cluster


def test_time_is_left_out_with_the_reason_when_too_few_units_are_dated():
    units, groups, dates, _ = _corpus(0)
    sparse = {d: (v if i % 4 == 0 else "") for i, (d, v) in enumerate(dates.items())}
    d = effects.design(units, groups, sparse)
    assert "time" not in " ".join(d.terms) and "time not modelled: 25% of units dated" in d.note


def test_undated_units_are_left_out_and_counted_when_time_is_modelled():
    units, groups, dates, _ = _corpus(0)
    dates = dict(dates, d000="", d001="")
    d = effects.design(units, groups, dates)
    assert int(d.used.sum()) == len(units) - 8 and "8 of 960 units left out" in d.note


def test_the_spline_is_straight_beyond_its_outer_knots():
    knots = (1.0, 2.0, 3.0, 4.0)
    x = np.array([5.0, 6.0, 7.0, 8.0])
    basis = effects.spline_basis(x, knots)
    assert np.allclose(np.diff(basis, n=2, axis=0), 0)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_bootstrap_recovers_a_known_group_effect_and_trend(seed):
    units, groups, dates, y = _corpus(seed)
    table, trends = effects.bootstrap_effects(y, effects.design(units, groups, dates), ["up", "down"], n_boot=400,
                                              seed=seed)
    b = table[(table["outcome"] == "up") & (table["group"] == "B")].iloc[0]
    c = table[(table["outcome"] == "up") & (table["group"] == "C")].iloc[0]
    assert b["estimate"] == pytest.approx(0.1, abs=0.03) and b["p_holm"] < 0.05
    assert c["estimate"] == pytest.approx(0.0, abs=0.03)
    time = table[(table["outcome"] == "up") & table["contrast"].str.startswith("time:")].iloc[0]
    assert time["ci_high"] < 0  # the outcome falls over time
    first, last = (trends[(trends["outcome"] == "up") & (trends["group"] == "A")].iloc[i] for i in (0, -1))
    assert first["date"] < last["date"] and first["estimate"] - last["estimate"] == pytest.approx(0.15, abs=0.05)


def test_the_bootstrap_intervals_cover_the_true_effect_about_95_times_in_100():
    covered = 0
    for seed in range(40):
        units, groups, dates, y = _corpus(100 + seed)
        table, _ = effects.bootstrap_effects(y, effects.design(units, groups, dates), ["up", "down"], n_boot=200,
                                             seed=seed)
        b = table[(table["outcome"] == "up") & (table["group"] == "B")].iloc[0]
        covered += b["ci_low"] < 0.1 < b["ci_high"]
    assert covered >= 34  # with 95% coverage, 33 or fewer of 40 has probability 0.003 (binomial)


@pytest.mark.parametrize("seed", [4, 5])
def test_without_an_effect_the_intervals_cover_zero(seed):
    units, groups, dates, y = _corpus(seed, group_effect=0.0, trend=0.0)
    table, _ = effects.bootstrap_effects(y, effects.design(units, groups, dates), ["up", "down"], n_boot=400,
                                         seed=seed)
    assert (table["p_holm"] > 0.05).all()


def test_the_method_of_composition_widens_the_intervals_when_the_model_runs_disagree():
    units, groups, dates, y = _corpus(7)
    d = effects.design(units, groups, dates)
    rng = np.random.default_rng(0)
    agree = np.stack([y] * 10)
    in_b = np.array([[groups[u] == "B"] for u in units], dtype=float)
    disagree = np.stack([y + rng.normal(0, 0.05, size=2) * in_b for _ in range(10)])
    width = {name: (t["ci_high"] - t["ci_low"]).iloc[0]
             for name, runs in (("agree", agree), ("disagree", disagree))
             for t in [effects.composition_effects(runs, d, ["up", "down"], n_sims=600, seed=1)[0]]}
    assert width["disagree"] > 1.5 * width["agree"]


def test_p_values_are_holm_adjusted_over_the_whole_table():
    units, groups, dates, y = _corpus(8)
    table, _ = effects.bootstrap_effects(y, effects.design(units, groups, dates), ["up", "down"], n_boot=200)
    assert np.allclose(table["p_holm"], stats.holm(table["p_value"].tolist()))
    assert table["p_value"].min() >= 1 / 201


def test_without_dates_there_is_no_trend_and_its_figure_says_why():
    units, groups, _, y = _corpus(0, dated=False)
    table, trends = effects.bootstrap_effects(y, effects.design(units, groups, None), ["up", "down"], n_boot=50)
    assert trends.empty and set(table["group"]) == {"B", "C"}
    assert "no dates" in plots.plot_trends(trends, {}, {}, "y").skipped


def test_the_effect_figures_draw_a_panel_per_contrast_and_per_outcome():
    units, groups, dates, y = _corpus(0)
    table, trends = effects.bootstrap_effects(y, effects.design(units, groups, dates), ["up", "down"], n_boot=50)
    assert len([ax for ax in plots.plot_effects(table, {}, {}, "x").axes if ax.get_visible()]) == 3
    assert len([ax for ax in plots.plot_trends(trends, {}, {}, "y").axes if ax.get_visible()]) == 2
