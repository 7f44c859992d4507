"""Notebook: the setup every numbered notebook shares (output folders, plot style, table display)."""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any

import matplotlib as mpl
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
    so the inline backend is never loaded by itself); a saved figure shows the bytes of its saved file."""
    try:
        from IPython import get_ipython
        from matplotlib_inline.backend_inline import set_matplotlib_formats
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return
    set_matplotlib_formats("png")
    from matplotlib.figure import Figure

    formatter = shell.display_formatter.formatters["image/png"]
    render = formatter.lookup_by_type(Figure)
    scale = mpl.rcParams["figure.dpi"] / mpl.rcParams["savefig.dpi"]

    def png(fig: Figure) -> Any:
        """The PNG that ``plots.save_figure`` wrote (shown at screen size), else a fresh rendering."""
        saved = getattr(fig, "saved_png", None)
        if saved is None:
            return render(fig)
        width, height = struct.unpack(">II", saved[16:24])  # the PNG header's IHDR chunk
        return saved, {"width": round(width * scale), "height": round(height * scale)}

    formatter.for_type(Figure, png)


def is_seed_corpus(corpus: str | Path) -> bool:
    """True when the notebook runs on the committed seeds (prose and checks describe that corpus)."""
    return Path(corpus).resolve() == (Path(__file__).resolve().parent.parent / "seeds").resolve()
