"""Plots: the figures the notebooks draw, each from a tidy table it computes nothing from (``outputs`` saves them).

Figures are built with ``matplotlib.figure.Figure`` (not pyplot), so nothing is shown twice and no global
figure state piles up; a notebook displays a figure by ending a cell with it.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence

import matplotlib as mpl
import matplotlib.patches
import matplotlib.ticker
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .profiling import stage

TYPE_HATCHES = {
    "Central Asian state": "", "external power": "//", "multilateral organisation": "..", "initiative": "xx",
}


def placeholder(reason: str) -> Figure:
    """A small figure that says what is not shown and why (saved like any figure, so the set stays complete)."""
    fig = Figure(figsize=(6.0, 1.6))
    fig.text(0.5, 0.5, textwrap.fill(f"Not drawn for this corpus: {reason}", 70), ha="center", va="center")
    fig.skipped = reason  # type: ignore[attr-defined]
    return fig


@stage("figures")
def plot_section_lengths(sections: pd.DataFrame, labels: Mapping[str, str],
                         groups: Mapping[str, str] | None = None) -> Figure:
    """Words per section: bars in reading order, one panel per article; with many documents per group
    (a large corpus), a histogram of section lengths per group instead."""
    keys = sections["doc_id"].map(groups) if groups else sections["doc_id"]
    panels = list(dict.fromkeys(keys))
    many = len(panels) < sections["doc_id"].nunique()
    fig = Figure(figsize=(7, 1.6 * len(panels) + 0.6))
    axes = fig.subplots(len(panels), 1, sharex=True, squeeze=False)
    top = sections["n_words"].max() * 1.15
    for ax, panel in zip(axes[:, 0], panels, strict=True):
        part = sections[keys == panel]
        median = part["n_words"].median()
        title = f"{labels.get(panel, panel)}: "
        if many:
            ax.hist(part["n_words"], bins=30, color="C0")
            ax.axvline(median, color="black", lw=0.8, ls="--")
            ax.set_title(title + f"{part['doc_id'].nunique()} documents, {len(part)} sections "
                         f"(dashed: median {median:.0f} words)", loc="left")
            ax.set_ylabel("sections")
            continue
        ax.bar(part["section"], part["n_words"], color="C0", width=0.75)
        ax.axhline(median, color="black", lw=0.8, ls="--")
        ax.set_title(title + f"{len(part)} sections, {part['n_words'].sum():,} words "
                     f"(dashed: median {median:.0f})", loc="left")
        ax.set_ylim(0, top)
        ax.set_ylabel("words")
        ax.grid(axis="y")
        ax.grid(axis="x", visible=False)
    axes[-1, 0].set_xlabel("words per section" if many else "section number, in reading order (from 0)")
    axes[-1, 0].xaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True))
    fig.tight_layout()
    return fig


@stage("figures")
def plot_actor_mentions(rates: pd.DataFrame, labels: Mapping[str, str]) -> Figure:
    """Actor mentions per 1,000 words (``actors.mention_rates``), one panel per article, bars shaded by type."""
    if rates.empty:
        return placeholder("no actor of the gazetteer is named in any document")
    totals = rates
    order = (
        totals.groupby(["type", "actor"])["mentions"].sum().reset_index()
        .assign(t=lambda d: d["type"].map({t: i for i, t in enumerate(TYPE_HATCHES)}))
        .sort_values(["t", "mentions", "actor"], ascending=[False, True, False])
    )
    actors = order["actor"].tolist()
    kinds = dict(zip(order["actor"], order["type"], strict=True))
    docs = list(dict.fromkeys(rates["doc_id"]))
    fig = Figure(figsize=(3.0 * len(docs) + 2.2, 0.28 * len(actors) + 1.4))
    axes = fig.subplots(1, len(docs), sharey=True, squeeze=False)
    xmax = totals["per_1000"].max() * 1.3
    colours = {t: f"C{i}" for i, t in enumerate(TYPE_HATCHES)}
    for ax, doc in zip(axes[0], docs, strict=True):
        part = totals[totals["doc_id"] == doc].set_index("actor")
        values = [part["per_1000"].get(a, 0.0) for a in actors]
        counts = [int(part["mentions"].get(a, 0)) for a in actors]
        bars = ax.barh(range(len(actors)), values, color=[colours[kinds[a]] for a in actors])
        for bar, actor in zip(bars, actors, strict=True):
            bar.set_hatch(TYPE_HATCHES[kinds[actor]])
        for y, (v, n) in enumerate(zip(values, counts, strict=True)):
            if n:
                ax.text(v + xmax * 0.02, y, str(n), va="center", fontsize=7)
        ax.set_title(labels.get(doc, doc), loc="left")
        ax.set_xlim(0, xmax)
        ax.set_xlabel("mentions per 1,000 words")
    axes[0, 0].set_yticks(range(len(actors)), actors)
    handles = [mpl.patches.Patch(facecolor=colours[t], hatch=h, label=t) for t, h in TYPE_HATCHES.items()]
    fig.legend(handles=handles, loc="lower center", ncol=4, bbox_to_anchor=(0.5, -0.02))
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    return fig


@stage("figures")
def plot_vocabulary_overlap(overlap: pd.DataFrame, labels: Mapping[str, str]) -> Figure:
    """Stacked bars: each article's vocabulary split into terms shared by all, by some, or its own."""
    parts = [("shared_all", "in all articles", ""), ("shared_some", "in some other article", "//"),
             ("own", "in this article only", "..")]
    fig = Figure(figsize=(7, 0.6 * len(overlap) + 1.4))
    ax = fig.subplots()
    left = pd.Series(0, index=overlap.index, dtype=float)
    names = [labels.get(d, d) for d in overlap["doc_id"]]
    for i, (col, label, hatch) in enumerate(parts):
        ax.barh(names, overlap[col], left=left, color=f"C{i}", hatch=hatch, label=label)
        left = left + overlap[col]
    ax.invert_yaxis()
    ax.set_xlabel("distinct content lemmas (types)")
    ax.legend(loc="lower center", ncol=3, bbox_to_anchor=(0.5, 1.0))
    fig.tight_layout()
    return fig


@stage("figures")
def plot_k_selection(summary: pd.DataFrame, choice: Mapping[str, object], by: str = "unit",
                     picks: pd.DataFrame | None = None) -> Figure:
    """Each K-rule criterion against K (mean over seeds, min-max band) and, given ``picks``
    (``topics.rule_stability`` shares), how often each candidate wins when the seeds are resampled."""
    names = {"c_v": "coherence c_v", "c_npmi": "coherence c_npmi", "stability": "stability (avg. Jaccard)",
             "exclusivity": "exclusivity (FREX, top 10)"}
    metrics = [(m, t) for m, t in names.items() if f"{m}_mean" in summary]
    shares = [c for c in (picks.columns if picks is not None else []) if c.startswith("share")]
    n_panels = len(metrics) + len(shares)
    cols = min(3, n_panels)
    rows = -(-n_panels // cols)
    fig = Figure(figsize=(3.4 * cols, 3.0 * rows))
    axes = list(fig.subplots(rows, cols, squeeze=False).flat)
    groups = list(dict.fromkeys(summary[by])) if by in summary else [None]
    markers = ["o", "s", "^", "D"]
    for ax, (metric, title) in zip(axes, metrics, strict=False):
        for i, group in enumerate(groups):
            part = summary if group is None else summary[summary[by] == group]
            ax.fill_between(part["k"], part[f"{metric}_min"], part[f"{metric}_max"], color=f"C{i}", alpha=0.2, lw=0)
            ax.plot(part["k"], part[f"{metric}_mean"], marker=markers[i % 4], ms=4, color=f"C{i}",
                    label=group if group is not None else "mean over seeds")
            if group is None or group == choice.get(by):
                row = part[part["k"] == choice["k"]]
                ax.scatter(row["k"], row[f"{metric}_mean"], s=120, facecolor="none", edgecolor="black", lw=1.5,
                           zorder=5, label="chosen" if ax is axes[0] else None)
        ax.set_title(title, loc="left")
    for ax, column in zip(axes[len(metrics):], shares, strict=False):
        width = 0.8 / len(groups)
        for i, group in enumerate(groups):
            part = picks if group is None else picks[picks[by] == group]
            ax.bar(part["k"] + (i - (len(groups) - 1) / 2) * width, part[column], width=width, color=f"C{i}",
                   label=group)
        n = column.removeprefix("share").removeprefix("_of_") or "all"
        ax.set_title(f"rule wins, resampling {n} seeds", loc="left")
        ax.set_ylim(0, 1)
        ax.yaxis.set_major_formatter(mpl.ticker.PercentFormatter(1.0))
    for ax in axes[:n_panels]:
        ax.set_xlabel("number of topics K")
        ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True))
        ax.grid(axis="y")
    for ax in axes[n_panels:]:
        ax.set_axis_off()
    axes[0].legend(loc="best")
    fig.tight_layout()
    return fig


@stage("figures")
def plot_topic_terms(terms: pd.DataFrame, n: int = 10) -> Figure:
    """Top terms of each topic by probability, one panel per topic, titled with the topic's label."""
    topics = list(dict.fromkeys(terms["topic"]))
    cols = min(3, len(topics))
    rows = -(-len(topics) // cols)
    fig = Figure(figsize=(3.6 * cols, 0.26 * n * rows + 0.9 * rows))
    axes = fig.subplots(rows, cols, squeeze=False)
    for ax, topic in zip(axes.flat, topics, strict=False):
        part = terms[(terms["topic"] == topic) & (terms["rank"] <= n)].iloc[::-1]
        ax.barh(part["term"], part["probability"], color=f"C{(topic - 1) % 8}")
        label = part["label"].iloc[0]
        ax.set_title(f"Topic {topic}" + (f": {label}" if label else ""), loc="left", fontsize=10)
        ax.set_xlabel("P(term | topic)")
    for ax in list(axes.flat)[len(topics):]:
        ax.set_visible(False)
    fig.tight_layout()
    return fig


@stage("figures")
def plot_intertopic_map(coords: pd.DataFrame, labels: Mapping[int, str]) -> Figure:
    """Static intertopic distance map (pyLDAvis PCoA coordinates): circle area = topic's share of tokens."""
    fig = Figure(figsize=(5.5, 5))
    ax = fig.subplots()
    span = max(coords["x"].abs().max(), coords["y"].abs().max(), 1e-9) * 1.6
    for i, row in enumerate(coords.itertuples()):
        ax.scatter(row.x, row.y, s=row.Freq * 60, color=f"C{i % 8}", alpha=0.55, edgecolor="black", lw=0.8)
        ax.annotate(f"{row.topics}", (row.x, row.y), ha="center", va="center", fontsize=12, fontweight="bold")
    ax.set_xlim(-span, span)
    ax.set_ylim(-span, span)
    ax.axhline(0, color="grey", lw=0.5)
    ax.axvline(0, color="grey", lw=0.5)
    ax.set_xlabel("PC1 (Jensen-Shannon PCoA)")
    ax.set_ylabel("PC2")
    ax.grid(False)
    legend = "\n".join(f"{t}: {labels.get(int(t), '')} ({f:.0f}% of tokens)"
                       for t, f in zip(coords["topics"], coords["Freq"], strict=True))
    ax.set_title("Intertopic distance map", loc="left")
    ax.text(0.02, 0.02, legend, transform=ax.transAxes, fontsize=8, va="bottom")
    fig.tight_layout()
    return fig


@stage("figures")
def plot_group_profiles(table: pd.DataFrame, group_labels: Mapping[str, str], item_labels: Mapping[int, str],
                        xlabel: str, group: str = "group", item: str = "column") -> Figure:
    """Dot-and-whisker: mean and 95% interval of each item (topic or frame; column ``item``, a number) per group
    (article; column ``group``)."""
    table = table.rename(columns={group: "group", item: "column"})
    items = list(dict.fromkeys(table["column"]))
    groups = list(dict.fromkeys(table["group"]))
    fig = Figure(figsize=(7, 0.55 * len(items) * len(groups) / 2 + 1.6))
    ax = fig.subplots()
    markers = ["o", "s", "^", "D", "v", "P"]
    step = 0.8 / max(len(groups), 1)
    for g, name in enumerate(groups):
        part = table[table["group"] == name].set_index("column").loc[items]
        y = np.arange(len(items)) + (g - (len(groups) - 1) / 2) * step
        # the consensus mean can fall outside an interval drawn from the single runs: no bar on that side
        below, above = (part["mean"] - part["ci_low"]).clip(lower=0), (part["ci_high"] - part["mean"]).clip(lower=0)
        ax.errorbar(part["mean"], y, xerr=[below, above],
                    fmt=markers[g % len(markers)], color=f"C{g}", capsize=3, ms=6,
                    label=group_labels.get(name, name))
    ax.set_yticks(range(len(items)), [f"{i}: {item_labels.get(i, '')}" for i in items])
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=len(groups))
    fig.tight_layout()
    return fig


@stage("figures")
def plot_unit_heatmap(values: np.ndarray, doc_ids: Sequence[str], group_labels: Mapping[str, str],
                      row_names: Sequence[str], unit_name: str = "section", value_label: str = "topic proportion",
                      vmax: float | None = 1.0, max_docs: int = 8) -> Figure:
    """Heatmap per article: one row per topic or frame, one column per unit in reading order (the first
    ``max_docs`` documents only, on a large corpus)."""
    docs = list(dict.fromkeys(doc_ids))[:max_docs]
    ids = np.asarray(doc_ids)
    k = values.shape[1]
    top = float(np.nanmax(values)) if vmax is None else vmax
    fig = Figure(figsize=(9, (0.32 * k + 0.7) * len(docs) + 0.8))
    axes = fig.subplots(len(docs), 1, squeeze=False)
    image = None
    for ax, doc in zip(axes[:, 0], docs, strict=True):
        block = values[ids == doc].T
        image = ax.imshow(block, aspect="auto", vmin=0, vmax=top, cmap="cividis", interpolation="nearest")
        ax.set_yticks(range(k), list(row_names), fontsize=8)
        ax.set_title(group_labels.get(doc, doc), loc="left")
        ax.grid(False)
        ax.set_xticks(range(0, block.shape[1], 2))
    axes[-1, 0].set_xlabel(f"{unit_name} number, in reading order (from 0, as in the tables)")
    fig.tight_layout(rect=(0, 0, 0.9, 1))
    cax = fig.add_axes((0.92, 0.15, 0.015, 0.7))
    fig.colorbar(image, cax=cax, label=value_label)
    return fig


@stage("figures")
def plot_actor_salience(salience: pd.DataFrame, labels: Mapping[str, str]) -> Figure:
    """Grouped bars: mentions per 1,000 words of each actor type, per article."""
    types = list(TYPE_HATCHES)
    docs = list(dict.fromkeys(salience["doc_id"]))
    fig = Figure(figsize=(7.5, 3.6))
    ax = fig.subplots()
    width = 0.8 / len(types)
    for i, kind in enumerate(types):
        part = salience[salience["type"] == kind].set_index("doc_id").loc[docs]
        x = np.arange(len(docs)) + (i - (len(types) - 1) / 2) * width
        ax.bar(x, part["per_1000"], width, color=f"C{i}", hatch=TYPE_HATCHES[kind], label=kind, edgecolor="white")
    ax.set_xticks(range(len(docs)), [labels.get(d, d) for d in docs])
    ax.set_ylabel("mentions per 1,000 words")
    ax.grid(axis="y")
    ax.grid(axis="x", visible=False)
    ax.legend(loc="upper left", ncol=2)
    fig.tight_layout()
    return fig


@stage("figures")
def plot_group_networks(nodes: pd.DataFrame, ties: pd.DataFrame, labels: Mapping[str, str], q: float = 0.05,
                        seed: int = 1) -> Figure:
    """Actor co-mention network per group (``actors.group_nodes``, ``actors.group_ties``), one panel each, actors
    in the same place in every panel: node size = sections naming the actor, edge width = Jaccard weight;
    dashed edges rest on a single section, dark edges beat the permutation null (q below ``q``)."""
    import networkx as nx

    if nodes.empty:
        return placeholder("no actor of the gazetteer is named in any document")

    from .actors import short_name

    pooled = nx.Graph()
    pooled.add_nodes_from(sorted(set(nodes["actor"])))
    for row in ties.itertuples():
        old = pooled.get_edge_data(row.actor_a, row.actor_b, {"weight": 0.0})["weight"]
        pooled.add_edge(row.actor_a, row.actor_b, weight=old + float(row.jaccard))
    pos = nx.spring_layout(pooled, seed=seed, weight="weight", k=2.5 / max(np.sqrt(len(pooled)), 1))
    groups = list(dict.fromkeys(nodes["group"]))
    fig = Figure(figsize=(5.2 * len(groups), 5.6))
    axes = fig.subplots(1, len(groups), squeeze=False)[0]
    colours = {t: f"C{i}" for i, t in enumerate(TYPE_HATCHES)}
    for ax, group in zip(axes, groups, strict=True):
        part_nodes = nodes[nodes["group"] == group]
        part_ties = ties[ties["group"] == group]
        graph = nx.Graph()
        graph.add_nodes_from(part_nodes["actor"])
        for row in part_ties.itertuples():
            graph.add_edge(row.actor_a, row.actor_b, jaccard=float(row.jaccard), single=bool(row.single_section),
                           beats=bool(row.q_value < q))
        for single, style in ((True, "dashed"), (False, "solid")):
            edges = [(a, b) for a, b, d in graph.edges(data=True) if d["single"] == single]
            nx.draw_networkx_edges(graph, pos, edgelist=edges, ax=ax, style=style, alpha=0.7,
                                   width=[0.5 + 3 * graph.edges[e]["jaccard"] for e in edges],
                                   edge_color=["#222222" if graph.edges[e]["beats"] else "#999999" for e in edges])
        for kind, marker in zip(TYPE_HATCHES, ["o", "s", "D", "^"], strict=True):
            sub = part_nodes[part_nodes["type"] == kind]
            nx.draw_networkx_nodes(graph, pos, nodelist=list(sub["actor"]), node_size=list(60 + 40 * sub["sections"]),
                                   node_color=colours[kind], node_shape=marker, edgecolors="black", linewidths=0.6,
                                   ax=ax, label=kind)
        nx.draw_networkx_labels(graph, {n: (x, y - 0.08) for n, (x, y) in pos.items() if n in graph}, ax=ax,
                                font_size=7, labels={n: textwrap.fill(short_name(n), 16) for n in graph.nodes},
                                bbox={"facecolor": "white", "alpha": 0.75, "lw": 0, "pad": 0.4})
        beats = int((part_ties["q_value"] < q).sum())
        ax.set_title(f"{labels.get(group, group)}\n{len(part_ties)} ties, {int(part_ties['single_section'].sum())} "
                     f"from one section, {beats} beat the null", loc="left", fontsize=9)
        ax.margins(0.16)
        ax.set_axis_off()
    handles, names = axes[0].get_legend_handles_labels()
    fig.legend(handles, names, loc="lower center", ncol=4, markerscale=0.5)
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    return fig


@stage("figures")
def plot_keyness(table: pd.DataFrame, labels: Mapping[str, str], n: int = 10) -> Figure:
    """Most distinctive terms of each article against the other two: signed G2, one panel per article."""
    docs = list(dict.fromkeys(table["doc_id"]))
    fig = Figure(figsize=(3.6 * len(docs), 0.3 * n + 1.2))
    axes = fig.subplots(1, len(docs), squeeze=False)
    for i, (ax, doc) in enumerate(zip(axes[0], docs, strict=True)):
        part = table[(table["doc_id"] == doc) & (table["g2"] > 0)].head(n).iloc[::-1]
        bars = ax.barh(part["term"], part["g2"], color=f"C{i}")
        if "q_value" in part:  # flag terms that do not survive the false-discovery correction
            for bar, q in zip(bars, part["q_value"], strict=True):
                if q >= 0.05:
                    bar.set_alpha(0.35)
                    bar.set_hatch("//")
        ax.set_title(labels.get(doc, doc), loc="left")
        ax.set_xlabel("log-likelihood G2 (vs other two)" + ("\nhatched: BH q >= 0.05" if "q_value" in part else ""))
    fig.tight_layout()
    return fig


@stage("figures")
def plot_heatmap(matrix: pd.DataFrame, xlabel: str, ylabel: str, value_label: str, diverging: bool = True,
                 fmt: str = "{:.2f}", marks: pd.DataFrame | None = None) -> Figure:
    """Annotated heatmap of a small matrix (rows x columns); cells where ``marks`` is True get a star."""
    fig = Figure(figsize=(0.75 * matrix.shape[1] + 3.2, 0.45 * matrix.shape[0] + 1.8))
    ax = fig.subplots()
    values = matrix.to_numpy(dtype=float)
    if diverging:
        limit = max(np.nanmax(np.abs(values)), 1e-9)
        image = ax.imshow(values, cmap="PuOr", vmin=-limit, vmax=limit, aspect="auto")
    else:
        image = ax.imshow(values, cmap="cividis", vmin=0, aspect="auto")
    for (r, c), v in np.ndenumerate(values):
        if not np.isnan(v):
            dark = abs(v) > 0.55 * np.nanmax(np.abs(values)) if diverging else v < 0.5 * np.nanmax(values)
            star = "*" if marks is not None and bool(marks.iat[r, c]) else ""
            ax.text(c, r, fmt.format(v) + star, ha="center", va="center", fontsize=8,
                    color="white" if dark else "black")
    ax.set_xticks(range(matrix.shape[1]), [str(c) for c in matrix.columns], rotation=35, ha="right")
    ax.set_yticks(range(matrix.shape[0]), [str(i) for i in matrix.index])
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(False)
    fig.colorbar(image, ax=ax, label=value_label, shrink=0.8)
    fig.tight_layout()
    return fig


@stage("figures")
def plot_function_mix(mix: pd.DataFrame, labels: Mapping[str, str]) -> Figure:
    """Stacked horizontal bars: share of each article's sections per framing function."""
    fig = Figure(figsize=(7, 0.6 * len(mix) + 1.5))
    ax = fig.subplots()
    left = np.zeros(len(mix))
    hatches = ["", "//", "..", "xx", "\\\\"]
    for i, col in enumerate(mix.columns):
        ax.barh([labels.get(d, d) for d in mix.index], mix[col], left=left, color=f"C{i}", hatch=hatches[i % 5],
                label=col, edgecolor="white")
        for y, (lft, v) in enumerate(zip(left, mix[col], strict=True)):
            if v >= 0.08:
                ax.text(lft + v / 2, y, f"{v:.0%}", ha="center", va="center", fontsize=8,
                        bbox={"facecolor": "white", "alpha": 0.7, "lw": 0, "pad": 1})
        left = left + mix[col].to_numpy()
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of sections")
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=len(mix.columns))
    fig.tight_layout()
    return fig


@stage("figures")
def plot_formula_share(share: pd.DataFrame, labels: Mapping[str, str]) -> Figure:
    """Stacked bars: share of each article's words in n-grams shared with another article versus its own."""
    fig = Figure(figsize=(7, 0.6 * len(share) + 1.4))
    ax = fig.subplots()
    names = [labels.get(d, d) for d in share["doc_id"]]
    own = 1 - share["formula_share"]
    ax.barh(names, share["formula_share"], color="C1", hatch="//", label="shared formula", edgecolor="white")
    ax.barh(names, own, left=share["formula_share"], color="C0", label="own wording", edgecolor="white")
    for y, v in enumerate(share["formula_share"]):
        ax.text(v + 0.01, y, f"{v:.0%}", va="center", fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of the article's words")
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2)
    fig.tight_layout()
    return fig


@stage("figures")
def plot_effects(effects: pd.DataFrame, item_labels: Mapping[str, str], group_labels: Mapping[str, str], xlabel: str,
                 alpha: float = 0.05) -> Figure:
    """Forest plot of ``effects.*_effects``: each contrast (panel) on each outcome (row), estimate and 95%
    interval; a filled marker when the effect holds after Holm's correction over the whole table."""
    if effects.empty:
        return placeholder("one group and no dates: there is no contrast to estimate")
    contrasts = list(dict.fromkeys(effects["contrast"]))
    items = list(dict.fromkeys(effects["outcome"]))
    cols = min(len(contrasts), 3)
    rows = -(-len(contrasts) // cols)
    height = 0.32 * len(items) * rows + 1.2 * rows + 0.9
    fig = Figure(figsize=(3.4 * cols + 2.2, height))
    axes = np.atleast_1d(fig.subplots(rows, cols, sharey=True, squeeze=False)).ravel()
    for ax, contrast in zip(axes, contrasts, strict=False):
        part = effects[effects["contrast"] == contrast].set_index("outcome").loc[items]
        y = np.arange(len(items))
        held = part["p_holm"].to_numpy() < alpha
        ax.axvline(0, color="0.4", lw=0.8)
        below = (part["estimate"] - part["ci_low"]).clip(lower=0)  # a percentile interval may exclude the estimate
        above = (part["ci_high"] - part["estimate"]).clip(lower=0)
        ax.errorbar(part["estimate"], y, xerr=[below, above], fmt="none", ecolor="C0", capsize=2, lw=1)
        ax.scatter(part["estimate"][held], y[held], color="C0", zorder=3, s=22, label=f"Holm p < {alpha}")
        ax.scatter(part["estimate"][~held], y[~held], facecolor="white", edgecolor="C0", zorder=3, s=22,
                   label="not after Holm")
        first = part.iloc[0]
        title = (f"{group_labels.get(first['group'], first['group'])} vs "
                 f"{group_labels.get(first['reference'], first['reference'])}" if first["group"] else contrast)
        ax.set_title(textwrap.shorten(title, 40), fontsize=10)
        ax.set_yticks(y, [textwrap.shorten(f"{i}: {item_labels.get(i, '')}".rstrip(": "), 44) for i in items])
        ax.set_xlabel(xlabel)
    axes[0].invert_yaxis()
    for ax in axes[len(contrasts):]:
        ax.set_visible(False)
    handles, names = axes[0].get_legend_handles_labels()
    fig.legend(handles, names, loc="upper center", ncol=2)
    fig.tight_layout(rect=(0, 0, 1, 1 - 0.45 / height))
    return fig


@stage("figures")
def plot_trends(trends: pd.DataFrame, item_labels: Mapping[str, str], group_labels: Mapping[str, str],
                ylabel: str, max_groups: int = 6) -> Figure:
    """Expected prevalence over time, one panel per outcome, one line per group with its 95% band (the
    ``max_groups`` groups listed first; the rest are in the table)."""
    if trends.empty:
        return placeholder("the documents have no dates (or too few distinct ones) to model time")
    import matplotlib.dates as mdates

    items = list(dict.fromkeys(trends["outcome"]))
    groups = list(dict.fromkeys(trends["group"]))[:max_groups]
    cols = min(len(items), 3)
    rows = -(-len(items) // cols)
    height = 2.3 * rows + 0.7
    fig = Figure(figsize=(3.6 * cols, height))
    axes = np.atleast_1d(fig.subplots(rows, cols, sharex=True, squeeze=False)).ravel()
    locator = mdates.AutoDateLocator(minticks=3, maxticks=7)
    for ax, item in zip(axes, items, strict=False):
        for g, group in enumerate(groups):
            part = trends[(trends["outcome"] == item) & (trends["group"] == group)]
            days = pd.to_datetime(part["date"]).to_numpy()
            ax.fill_between(days, part["ci_low"], part["ci_high"], color=f"C{g}", alpha=0.18, lw=0)
            ax.plot(days, part["estimate"], color=f"C{g}", lw=1.4, label=group_labels.get(group, group))
        ax.set_title(textwrap.shorten(f"{item}: {item_labels.get(item, '')}".rstrip(": "), 38), fontsize=10)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        ax.grid(axis="y")
    for ax in axes[: len(items) : cols]:
        ax.set_ylabel(ylabel)
    for ax in axes[len(items):]:
        ax.set_visible(False)
    handles, names = axes[0].get_legend_handles_labels()
    fig.legend(handles, names, loc="upper center", ncol=min(len(groups), 4))
    fig.tight_layout(rect=(0, 0, 1, 1 - 0.4 / height))
    return fig
