"""Notebook: the setup every numbered notebook shares (output folders, plot style, table display)."""

from __future__ import annotations

import struct
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib as mpl
import pandas as pd

from . import loading, outputs
from .caching import atomic_write
from .loading import is_seed_corpus  # the notebooks call notebook.is_seed_corpus


def setup(outdir: str | Path, corpus: str | Path | None = None, cache_dir: str | Path | None = None
          ) -> tuple[Path, Path]:
    """Create ``outdir/figures`` and ``outdir/results``, apply the plot style and display options; return both.
    With ``corpus`` other than the seeds, say that the seed corpus's interpretation does not apply; with
    ``cache_dir``, the parsed corpus is kept there for the next notebook (``loading.keep_parsed_in``)."""
    loading.keep_parsed_in(cache_dir)
    if corpus is not None and not is_seed_corpus(corpus):
        print(f"This run analyses the corpus '{Path(corpus).name}', not the seeds: the interpretation written for "
              "the seed corpus (cells tagged seed-prose) does not apply to it; make figures replaces it by a note.")
    figures, results = Path(outdir) / "figures", Path(outdir) / "results"
    figures.mkdir(parents=True, exist_ok=True)
    results.mkdir(parents=True, exist_ok=True)
    pd.set_option("display.max_colwidth", 110)
    pd.set_option("display.precision", 3)
    outputs.use_style()
    _show_figures_inline()
    return figures, results


def answers_folder(codings: str | Path, corpus: str | Path, outdir: str | Path) -> Path:
    """Where people's codings and intrusion answers are read and saved: ``codings`` when given; else
    ``validation/`` beside the notebooks for the seed corpus and ``OUTDIR/validation`` for another corpus."""
    if str(codings):
        return Path(codings)
    return Path("../validation") if is_seed_corpus(corpus) else Path(outdir) / "validation"


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
        """The PNG that ``outputs.save_figure`` wrote (shown at screen size), else a fresh rendering."""
        saved = getattr(fig, "saved_png", None)
        if saved is None:
            return render(fig)
        width, height = struct.unpack(">II", saved[16:24])  # the PNG header's IHDR chunk
        return saved, {"width": round(width * scale), "height": round(height * scale)}

    formatter.for_type(Figure, png)


_SKIP: dict[str, str] = {}  # the reason the following cells are skipped ("reason" key), while a skip is active
RESUME = "notebook.resume()"


def _skip_cells(lines: list[str]) -> list[str]:
    """IPython input transformer: while a skip is active, a cell runs as a print of the reason instead, up to a
    cell that calls ``notebook.resume()``."""
    if "reason" not in _SKIP:
        return lines
    if any(line.strip().startswith(RESUME) for line in lines):
        _SKIP.clear()
        return lines
    return [f"print({('Skipped: ' + _SKIP['reason'])!r})\n"]


def skip_from_here(reason: str, remove: Sequence[str | Path] = ()) -> None:
    """With a ``reason``, skip every following cell (each prints the reason) until a cell that calls
    ``notebook.resume()``, and delete ``remove`` (outputs of an earlier run that the skipped cells would have
    replaced, so that no later notebook reads them); with an empty reason, do nothing."""
    if not reason:
        _SKIP.clear()
        return
    print(f"Skipped from here to the next section that does not need it: {reason}")
    for path in remove:
        Path(path).unlink(missing_ok=True)
    _SKIP["reason"] = reason
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None and _skip_cells not in shell.input_transformers_post:
        shell.input_transformers_post.append(_skip_cells)


def resume() -> None:
    """End a skip begun by ``skip_from_here`` (the input transformer acts on the call; this marks the cell)."""
    _SKIP.clear()
