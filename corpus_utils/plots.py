"""Plots: one style, one deterministic save helper, and the figures the notebooks draw.

Figures are built with ``matplotlib.figure.Figure`` (not pyplot), so nothing is shown twice and no global
figure state piles up; a notebook displays a figure by ending a cell with it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

FORMATS = ("png", "svg")
TYPE_HATCHES = {
    "Central Asian state": "", "external power": "//", "multilateral organisation": "..", "initiative": "xx",
}


def use_style() -> None:
    """Apply the suite's matplotlib style (``corpus_utils/data/corpus.mplstyle``)."""
    with resources.as_file(resources.files("corpus_utils.data").joinpath("corpus.mplstyle")) as style:
        plt.style.use(str(style))
    mpl.rcParams["svg.hashsalt"] = "corpus-utils"


def save_figure(fig: Figure, name: str, outdir: str | Path, formats: Sequence[str] = FORMATS) -> list[Path]:
    """Write ``fig`` as ``outdir/name.<fmt>`` with no dates or versions inside, so reruns give the same bytes."""
    folder = Path(outdir)
    folder.mkdir(parents=True, exist_ok=True)
    metadata = {
        "png": {"Software": None},
        "svg": {"Date": None, "Creator": None},
        "pdf": {"Creator": None, "Producer": None, "CreationDate": None},
    }
    written = []
    with mpl.rc_context({"svg.hashsalt": "corpus-utils"}):
        for fmt in formats:
            target = folder / f"{name}.{fmt}"
            fig.savefig(target, format=fmt, metadata=metadata.get(fmt))
            written.append(target)
    return written


def plot_section_lengths(sections: pd.DataFrame, labels: Mapping[str, str]) -> Figure:
    """Words per section in reading order, one panel per article."""
    docs = list(dict.fromkeys(sections["doc_id"]))
    fig = Figure(figsize=(7, 1.6 * len(docs) + 0.6))
    axes = fig.subplots(len(docs), 1, sharex=True, squeeze=False)
    top = sections["n_words"].max() * 1.15
    for ax, doc in zip(axes[:, 0], docs, strict=True):
        part = sections[sections["doc_id"] == doc]
        ax.bar(part["section"] + 1, part["n_words"], color="C0", width=0.75)
        median = part["n_words"].median()
        ax.axhline(median, color="black", lw=0.8, ls="--")
        ax.set_title(f"{labels.get(doc, doc)}: {len(part)} sections, {part['n_words'].sum():,} words "
                     f"(dashed: median {median:.0f})", loc="left")
        ax.set_ylim(0, top)
        ax.set_ylabel("words")
        ax.grid(axis="y")
        ax.grid(axis="x", visible=False)
    axes[-1, 0].set_xlabel("section in reading order")
    axes[-1, 0].xaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True))
    fig.tight_layout()
    return fig


def plot_actor_mentions(mentions: pd.DataFrame, labels: Mapping[str, str], words: Mapping[str, int]) -> Figure:
    """Actor mentions per 1,000 words, one panel per article, bars shaded by actor type."""
    totals = mentions.groupby(["doc_id", "actor", "type"], as_index=False)["mentions"].sum()
    totals["per_1000"] = totals["mentions"] / totals["doc_id"].map(words) * 1000
    order = (
        totals.groupby(["type", "actor"])["mentions"].sum().reset_index()
        .assign(t=lambda d: d["type"].map({t: i for i, t in enumerate(TYPE_HATCHES)}))
        .sort_values(["t", "mentions", "actor"], ascending=[False, True, False])
    )
    actors = order["actor"].tolist()
    kinds = dict(zip(order["actor"], order["type"], strict=True))
    docs = list(dict.fromkeys(mentions["doc_id"]))
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
