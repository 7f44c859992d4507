"""Notebook: the setup every numbered notebook shares (output folders, plot style, table display)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import plots


def setup(outdir: str | Path) -> tuple[Path, Path]:
    """Create ``outdir/figures`` and ``outdir/results``, apply the plot style and display options; return both."""
    figures, results = Path(outdir) / "figures", Path(outdir) / "results"
    figures.mkdir(parents=True, exist_ok=True)
    results.mkdir(parents=True, exist_ok=True)
    pd.set_option("display.max_colwidth", 110)
    pd.set_option("display.precision", 3)
    plots.use_style()
    _show_figures_inline()
    return figures, results


def _show_figures_inline() -> None:
    """In a Jupyter kernel, display matplotlib Figures as PNG (the package builds figures without pyplot,
    so the inline backend is never loaded by itself)."""
    try:
        from IPython import get_ipython
        from matplotlib_inline.backend_inline import set_matplotlib_formats
    except ImportError:
        return
    if get_ipython() is not None:
        set_matplotlib_formats("png")


def is_seed_corpus(corpus: str | Path) -> bool:
    """True when the notebook runs on the committed seeds (prose and checks describe that corpus)."""
    return Path(corpus).resolve() == (Path(__file__).resolve().parent.parent / "seeds").resolve()
