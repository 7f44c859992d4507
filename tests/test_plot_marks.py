"""Every public ``plot_*`` of ``corpus_utils.plots`` drawn from a tiny table: the marks it draws are counted.

A figure that silently drops a bar, a group or a label, or draws from the wrong column, fails here; how the
figure looks (colours, sizes) is not tested.
"""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import LineCollection, PathCollection

from corpus_utils import actors, plots

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")  # the plots build bare Figures; this also closes any pyplot figure a library opened


def _visible_axes(fig):
    return [ax for ax in fig.axes if ax.get_visible() and ax.axison]


def _bar_widths(ax):
    return [round(p.get_width(), 6) for p in ax.patches]


def _bar_heights(ax):
    return [round(p.get_height(), 6) for p in ax.patches]


# --- descriptive figures ------------------------------------------------------------------------------------------

SECTIONS = pd.DataFrame({"doc_id": ["d1", "d1", "d1", "d2", "d2"], "section": [0, 1, 2, 0, 1],
                         "n_words": [100, 300, 200, 50, 150]})


def test_section_lengths_draw_one_bar_per_section_and_a_median_line_per_article():
    fig = plots.plot_section_lengths(SECTIONS, {"d1": "One"})
    first, second = fig.axes
    assert _bar_heights(first) == [100, 300, 200] and _bar_heights(second) == [50, 150]
    assert [line.get_ydata()[0] for line in first.lines] == [200]  # the median of 100, 300, 200
    assert first.get_title(loc="left").startswith("One: 3 sections, 600 words")


def test_section_lengths_of_groups_of_documents_draw_one_thirty_bin_histogram_per_group():
    fig = plots.plot_section_lengths(SECTIONS, {}, groups={"d1": "g", "d2": "g"})
    (ax,) = fig.axes
    assert len(ax.patches) == 30 and sum(_bar_heights(ax)) == 5  # five sections binned
    assert [line.get_xdata()[0] for line in ax.lines] == [150]


MENTIONS = pd.DataFrame({"doc_id": ["d1", "d1", "d2"], "section": [0, 1, 0],
                         "actor": ["Russia", "Shanghai Cooperation Organization", "Russia"],
                         "type": ["external power", "multilateral organisation", "external power"],
                         "mentions": [2, 1, 1]})


def test_actor_mentions_draw_a_bar_per_actor_per_article_and_label_only_nonzero_counts():
    fig = plots.plot_actor_mentions(actors.mention_rates(MENTIONS, {"d1": 1000, "d2": 500}), {})
    first, second = fig.axes
    # actors sorted by type (organisations first, reversed type order) then by mentions
    assert [t.get_text() for t in first.get_yticklabels()] == ["Shanghai Cooperation Organization", "Russia"]
    assert _bar_widths(first) == [1.0, 2.0] and _bar_widths(second) == [0.0, 2.0]  # per 1,000 words
    assert [t.get_text() for t in first.texts] == ["1", "2"] and [t.get_text() for t in second.texts] == ["1"]
    assert len(fig.legends[0].legend_handles) == 4  # the four actor types


def test_actor_mentions_without_mentions_draw_a_placeholder():
    fig = plots.plot_actor_mentions(actors.mention_rates(MENTIONS.iloc[0:0], {"d1": 1000}), {})
    assert fig.skipped and not fig.axes


def test_vocabulary_overlap_stacks_three_segments_per_article():
    overlap = pd.DataFrame({"doc_id": ["d1", "d2"], "shared_all": [5, 5], "shared_some": [3, 1], "own": [2, 4]})
    (ax,) = plots.plot_vocabulary_overlap(overlap, {}).axes
    assert _bar_widths(ax) == [5, 5, 3, 1, 2, 4]
    assert [round(p.get_x(), 6) for p in ax.patches] == [0, 0, 5, 5, 8, 6]  # each segment starts where one ends


def test_actor_salience_draws_four_type_bars_per_article():
    types = list(plots.TYPE_HATCHES)
    salience = pd.DataFrame({"doc_id": ["d1"] * 4 + ["d2"] * 4, "type": types * 2,
                             "per_1000": [1.0, 2.0, 0.0, 0.5, 3.0, 0.0, 1.5, 0.0]})
    (ax,) = plots.plot_actor_salience(salience, {}).axes
    # drawn type by type, each over the two articles
    assert _bar_heights(ax) == [1.0, 3.0, 2.0, 0.0, 0.0, 1.5, 0.5, 0.0]


def test_function_mix_stacks_a_segment_per_function_and_labels_shares_of_at_least_eight_percent():
    mix = pd.DataFrame({"problem": [0.5, 0.05], "cause": [0.3, 0.9], "remedy": [0.2, 0.05]}, index=["d1", "d2"])
    (ax,) = plots.plot_function_mix(mix, {}).axes
    assert _bar_widths(ax) == [0.5, 0.05, 0.3, 0.9, 0.2, 0.05]
    assert [t.get_text() for t in ax.texts] == ["50%", "30%", "90%", "20%"]


def test_formula_share_draws_two_segments_and_one_label_per_article():
    share = pd.DataFrame({"doc_id": ["d1", "d2"], "words": [100, 200], "formula_words": [25, 20],
                          "formula_share": [0.25, 0.1]})
    (ax,) = plots.plot_formula_share(share, {}).axes
    assert _bar_widths(ax) == [0.25, 0.1, 0.75, 0.9]
    assert [t.get_text() for t in ax.texts] == ["25%", "10%"]


def test_keyness_draws_the_top_positive_terms_per_article_and_hatches_those_failing_the_fdr():
    table = pd.DataFrame({"doc_id": ["A"] * 4 + ["B"] * 2, "term": ["x", "y", "z", "w", "u", "v"],
                          "g2": [9.0, 5.0, 1.0, -2.0, 4.0, -1.0], "q_value": [0.01, 0.2, 0.5, 0.5, 0.03, 0.9]})
    fig = plots.plot_keyness(table, {}, n=2)
    first, second = fig.axes
    assert _bar_widths(first) == [5.0, 9.0] and _bar_widths(second) == [4.0]  # largest at the top
    assert [p.get_hatch() for p in first.patches] == ["//", None]  # y has q = 0.2


def test_heatmap_writes_a_value_in_every_cell_that_has_one_and_stars_the_marked():
    matrix = pd.DataFrame([[0.1, -0.5, np.nan], [0.25, 0.0, 1.0]], index=["r1", "r2"], columns=["a", "b", "c"])
    marks = pd.DataFrame([[False, True, False], [False, False, False]], index=matrix.index, columns=matrix.columns)
    fig = plots.plot_heatmap(matrix, "x", "y", "value", marks=marks)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.texts] == ["0.10", "-0.50*", "0.25", "0.00", "1.00"]
    assert len(ax.images) == 1 and len(fig.axes) == 2  # the map and its colour bar


# --- topic model figures -----------------------------------------------------------------------------------------


def test_k_selection_draws_a_line_and_band_per_unit_type_and_rings_the_chosen_run():
    summary = pd.DataFrame({"unit": ["section"] * 2 + ["paragraph"] * 2, "k": [2, 3, 2, 3],
                            "c_v_mean": [0.5, 0.4, 0.45, 0.35], "c_v_min": [0.4, 0.3, 0.4, 0.3],
                            "c_v_max": [0.6, 0.5, 0.5, 0.4]})
    picks = pd.DataFrame({"unit": ["section"] * 2 + ["paragraph"] * 2, "k": [2, 3, 2, 3],
                          "share": [0.7, 0.1, 0.2, 0.0]})
    fig = plots.plot_k_selection(summary, {"unit": "section", "k": 2}, picks=picks)
    criterion, wins = _visible_axes(fig)
    assert [list(line.get_ydata()) for line in criterion.lines] == [[0.5, 0.4], [0.45, 0.35]]
    rings = [c for c in criterion.collections if isinstance(c, PathCollection)]
    assert len(rings) == 1 and rings[0].get_offsets().tolist() == [[2.0, 0.5]]
    assert len(criterion.collections) == 3  # two min-max bands and the ring
    assert _bar_heights(wins) == [0.7, 0.1, 0.2, 0.0]


def test_topic_terms_draw_the_top_n_terms_of_each_topic_in_its_own_panel():
    terms = pd.DataFrame({"topic": [1, 1, 1, 2, 2, 2], "rank": [1, 2, 3, 1, 2, 3],
                          "term": ["a", "b", "c", "x", "y", "z"], "probability": [0.5, 0.3, 0.2, 0.6, 0.3, 0.1],
                          "label": ["trade"] * 3 + [""] * 3})
    fig = plots.plot_topic_terms(terms, n=2)
    first, second = _visible_axes(fig)
    assert _bar_widths(first) == [0.3, 0.5] and _bar_widths(second) == [0.3, 0.6]  # rank 1 at the top
    assert first.get_title(loc="left") == "Topic 1: trade" and second.get_title(loc="left") == "Topic 2"


def test_intertopic_map_draws_a_circle_and_a_number_per_topic_and_one_legend_text():
    coords = pd.DataFrame({"x": [0.1, -0.2, 0.05], "y": [0.0, 0.1, -0.1], "topics": [1, 2, 3],
                           "Freq": [50.0, 30.0, 20.0]})
    (ax,) = plots.plot_intertopic_map(coords, {1: "trade"}).axes
    circles = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert [c.get_sizes()[0] for c in circles] == [50 * 60, 30 * 60, 20 * 60]  # area follows the share
    assert [t.get_text() for t in ax.texts[:3]] == ["1", "2", "3"] and len(ax.texts) == 4
    assert ax.texts[3].get_text().splitlines()[0] == "1: trade (50% of tokens)"


def test_flow_draws_one_heatmap_per_document_with_a_column_per_unit():
    values = np.array([[0.1, 0.9], [0.5, 0.5], [0.8, 0.2], [0.3, 0.7], [0.6, 0.4]])
    fig = plots.plot_unit_heatmap(values, ["d1", "d1", "d1", "d2", "d2"], {}, ["t1", "t2"])
    panels = fig.axes[:-1]  # the last axes holds the colour bar
    assert [ax.images[0].get_array().shape for ax in panels] == [(2, 3), (2, 2)]
    assert panels[1].images[0].get_array()[0].tolist() == [0.3, 0.6]  # topic 1 over d2's units


def test_flow_shows_at_most_max_docs_documents():
    values = np.ones((4, 2)) / 2
    fig = plots.plot_unit_heatmap(values, ["a", "b", "c", "d"], {}, ["t1", "t2"], max_docs=2)
    assert len(fig.axes) == 3  # two documents and the colour bar


# --- groups, effects and trends ----------------------------------------------------------------------------------


def test_group_profiles_draw_a_dot_and_whisker_per_item_for_each_group():
    table = pd.DataFrame({"group": ["a"] * 3 + ["b"] * 3, "column": [1, 2, 3] * 2,
                          "mean": [0.2, 0.5, 0.3, 0.4, 0.1, 0.5], "ci_low": [0.1, 0.4, 0.35, 0.3, 0.0, 0.4],
                          "ci_high": [0.3, 0.6, 0.4, 0.5, 0.2, 0.6]})
    (ax,) = plots.plot_group_profiles(table, {}, {1: "one"}, "share").axes
    assert len(ax.containers) == 2  # one errorbar container per group
    dots = ax.containers[0].lines[0]
    assert list(dots.get_xdata()) == [0.2, 0.5, 0.3]
    whiskers = ax.containers[0].lines[2][0].get_segments()
    # item 3's interval (0.35, 0.4) lies above its mean 0.3: no whisker below, whisker up to 0.4
    assert [(round(s[0][0], 6), round(s[1][0], 6)) for s in whiskers] == [(0.1, 0.3), (0.4, 0.6), (0.3, 0.4)]


EFFECTS = pd.DataFrame({
    "outcome": ["t1", "t2", "t3"] * 2, "contrast": ["B vs A"] * 3 + ["C vs A"] * 3,
    "group": ["B"] * 3 + ["C"] * 3, "reference": ["A"] * 6,
    "estimate": [0.1, -0.2, 0.0, 0.3, 0.05, -0.1], "ci_low": [0.05, -0.3, -0.1, 0.2, -0.05, -0.2],
    "ci_high": [0.15, -0.1, 0.1, 0.4, 0.15, 0.0], "p_value": [0.001, 0.002, 0.9, 0.001, 0.4, 0.04],
    "p_holm": [0.006, 0.01, 1.0, 0.006, 1.0, 0.2]})


def test_effects_draw_a_panel_per_contrast_with_filled_markers_only_where_holm_holds():
    fig = plots.plot_effects(EFFECTS, {}, {"B": "Bee"}, "difference")
    first, second = [ax for ax in fig.axes if ax.get_visible()]
    held, not_held = [c for c in first.collections if isinstance(c, PathCollection)]
    assert held.get_offsets().tolist() == [[0.1, 0.0], [-0.2, 1.0]] and len(not_held.get_offsets()) == 1
    held, not_held = [c for c in second.collections if isinstance(c, PathCollection)]
    assert len(held.get_offsets()) == 1 and len(not_held.get_offsets()) == 2
    bars = next(c for c in first.collections if isinstance(c, LineCollection)).get_segments()
    assert len(bars) == 3 and [round(x, 6) for x in bars[1][:, 0]] == [-0.3, -0.1]
    assert first.get_title() == "Bee vs A"


def test_effects_without_contrasts_draw_a_placeholder():
    assert plots.plot_effects(EFFECTS.iloc[0:0], {}, {}, "difference").skipped


def test_trends_draw_a_line_and_band_per_group_in_a_panel_per_outcome():
    dates = ["2020-01-01", "2020-07-01", "2021-01-01"]
    rows = [{"outcome": o, "group": g, "date": d, "estimate": 0.1 * i, "ci_low": 0.0, "ci_high": 0.5}
            for o in ("t1", "t2") for g in ("A", "B") for i, d in enumerate(dates)]
    fig = plots.plot_trends(pd.DataFrame(rows), {}, {"A": "Alpha"}, "share")
    panels = [ax for ax in fig.axes if ax.get_visible()]
    assert len(panels) == 2
    assert [len(line.get_xdata()) for line in panels[0].lines] == [3, 3]
    assert [line.get_label() for line in panels[0].lines] == ["Alpha", "B"]
    assert len(panels[0].collections) == 2  # the two 95% bands


def test_trends_show_at_most_max_groups_groups():
    rows = [{"outcome": "t1", "group": g, "date": d, "estimate": 0.1, "ci_low": 0.0, "ci_high": 0.2}
            for g in ("A", "B", "C") for d in ("2020-01-01", "2021-01-01")]
    fig = plots.plot_trends(pd.DataFrame(rows), {}, {}, "share", max_groups=2)
    assert len(next(ax for ax in fig.axes if ax.get_visible()).lines) == 2


def test_trends_without_dates_draw_a_placeholder():
    assert plots.plot_trends(pd.DataFrame(columns=["outcome", "group", "date"]), {}, {}, "share").skipped


# --- actor networks -------------------------------------------------------------------------------------------------

NODES = pd.DataFrame({"group": ["g1", "g1", "g1", "g2", "g2"],
                      "actor": ["Russia", "China", "Shanghai Cooperation Organization", "Russia", "China"],
                      "type": ["external power", "external power", "multilateral organisation", "external power",
                               "external power"],
                      "sections": [2, 1, 1, 1, 1]})
TIES = pd.DataFrame({"group": ["g1", "g1", "g2"], "actor_a": ["China", "China", "China"],
                     "actor_b": ["Russia", "Shanghai Cooperation Organization", "Russia"], "sections": [1, 2, 1],
                     "jaccard": [0.5, 1.0, 1.0], "expected": [0.5, 0.5, 1.0], "p_value": [0.5, 0.01, 1.0],
                     "q_value": [0.5, 0.01, 1.0], "single_section": [True, False, True]})


def test_group_networks_draw_each_groups_actors_and_ties_in_its_own_panel():
    fig = plots.plot_group_networks(NODES, TIES, {"g1": "Group one"})
    first, second = fig.axes
    for ax, n_actors, n_ties in ((first, 3, 2), (second, 2, 1)):
        nodes = [c for c in ax.collections if isinstance(c, PathCollection)]
        edges = [c for c in ax.collections if isinstance(c, LineCollection)]
        assert sum(len(c.get_offsets()) for c in nodes) == n_actors
        assert sum(len(c.get_segments()) for c in edges) == n_ties
        assert len(ax.texts) == n_actors  # one label per actor
    assert "SCO" in [t.get_text() for t in first.texts]  # long names shortened to the abbreviation
    assert first.get_title(loc="left").splitlines() == ["Group one",
                                                        "2 ties, 1 from one section, 1 beat the null"]


def test_group_networks_without_actors_draw_a_placeholder():
    assert plots.plot_group_networks(NODES.iloc[0:0], TIES.iloc[0:0], {}).skipped


def test_group_profiles_read_the_group_and_item_columns_they_are_told():
    table = pd.DataFrame({"doc_id": ["d1", "d2"], "topic": [1, 1], "mean": [0.2, 0.6], "ci_low": [0.1, 0.5],
                          "ci_high": [0.3, 0.7]})
    (ax,) = plots.plot_group_profiles(table, {"d1": "One"}, {1: "first"}, "share", group="doc_id", item="topic").axes
    assert [t.get_text() for t in ax.get_yticklabels()] == ["1: first"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["One", "d2"]
