"""Notebook: the setup every numbered notebook shares (output folders, plot style, table display)."""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any

import matplotlib as mpl
import pandas as pd

from . import plots
from .caching import atomic_write


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


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(table: pd.DataFrame) -> pd.DataFrame:
    """Text cells a spreadsheet would run as a formula (starting with = + - @ tab or CR) prefixed with a single
    quote, as OWASP advises for CSV exports; numbers are left alone."""
    out = table.copy()
    for column in [c for c in out.columns if pd.api.types.is_string_dtype(out[c]) or out[c].dtype == object]:
        out[column] = out[column].map(lambda v: f"'{v}" if isinstance(v, str) and v.startswith(FORMULA_START) else v)
    return out


def save_table(table: pd.DataFrame, name: str, results: str | Path) -> Path:
    """Write a tidy table as ``results/name.csv`` (no index, LF line ends, ``csv_safe``) atomically: a temporary
    file renamed into place, so an interrupted run leaves the previous table, never half of one."""
    target = Path(results) / f"{name}.csv"
    atomic_write(target, csv_safe(table).to_csv(index=False, lineterminator="\n"))
    return target


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
