"""Outputs: the suite's figure style, the one deterministic save helper for figures and text figures, and the
manifest of every file a notebook wrote (file, sha256, notebook, caption)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

import matplotlib as mpl
import matplotlib.style
import pandas as pd
from matplotlib.figure import Figure

from .caching import atomic_write, folder_lock
from .profiling import stage

FORMATS = ("png", "svg")


def use_style() -> None:
    """Apply the suite's matplotlib style (``corpus_utils/data/corpus.mplstyle``)."""
    with resources.as_file(resources.files("corpus_utils.data").joinpath("corpus.mplstyle")) as style:
        matplotlib.style.use(str(style))
    mpl.rcParams["svg.hashsalt"] = "corpus-utils"


_WRITTEN: dict[Path, str] = {}  # files written in this session (absolute path -> caption), for the manifest


@stage("figures")
def save_figure(fig: Figure, name: str, outdir: str | Path, caption: str,
                formats: Sequence[str] = FORMATS) -> list[Path]:
    """Write ``fig`` as ``outdir/name.<fmt>`` with no dates or versions inside, so reruns give the same bytes;
    each file is rendered in memory and renamed into place (an interrupted run never leaves half a figure).

    The caption goes into ``figures/MANIFEST.csv`` when the notebook calls ``write_manifest``.
    """
    folder = Path(outdir)
    folder.mkdir(parents=True, exist_ok=True)
    if hasattr(fig, "skipped"):  # a placeholder: the manifest says what is not shown and why
        caption = f"Not drawn for this corpus: {fig.skipped}"
    metadata = {
        "png": {"Software": None},
        "svg": {"Date": None, "Creator": None},
        "pdf": {"Creator": None, "Producer": None, "CreationDate": None},
    }
    written = []
    with mpl.rc_context({"svg.hashsalt": "corpus-utils"}):
        for fmt in formats:
            target = folder / f"{name}.{fmt}"
            buffer = io.BytesIO()
            fig.savefig(buffer, format=fmt, metadata=metadata.get(fmt))
            atomic_write(target, buffer.getvalue())
            _WRITTEN[target.resolve()] = caption
            written.append(target)
            if fmt == "png":  # a notebook shows these very bytes instead of rendering the figure again
                fig.saved_png = buffer.getvalue()  # type: ignore[attr-defined]
    return written


@stage("figures")
def save_text(text: str, filename: str, outdir: str | Path, caption: str) -> Path:
    """Write a text figure (such as a self-contained HTML page) and register it for the manifest."""
    target = Path(outdir) / filename
    atomic_write(target, text)
    _WRITTEN[target.resolve()] = caption
    return target


def register(path: str | Path, caption: str) -> None:
    """Register a file written by other means (e.g. a screenshot) for the manifest, with its caption."""
    _WRITTEN[Path(path).resolve()] = caption


def write_manifest(outdir: str | Path, notebook: str) -> pd.DataFrame:
    """Update ``outdir/MANIFEST.csv`` with the files this notebook wrote: file, sha256, notebook, caption.

    Rows of other notebooks are kept (each notebook can run alone); rows of files that no longer exist are
    dropped. The folder is locked while the manifest is read and rewritten, so notebooks that run side by
    side never lose each other's rows. Returns this notebook's rows.
    """
    import hashlib

    folder = Path(outdir)
    path = folder / "MANIFEST.csv"
    columns = ["file", "sha256", "notebook", "caption"]
    mine = sorted(p for p in _WRITTEN if folder.resolve() in p.parents)  # files in subfolders as sub/name
    new = pd.DataFrame([{"file": p.relative_to(folder.resolve()).as_posix(),
                         "sha256": hashlib.sha256(p.read_bytes()).hexdigest(),
                         "notebook": notebook, "caption": _WRITTEN.pop(p)} for p in mine], columns=columns)
    with folder_lock(folder):
        old = pd.read_csv(path, dtype=str) if path.exists() else pd.DataFrame(columns=columns)
        old = old[(old["notebook"] != notebook) & old["file"].map(lambda f: (folder / f).exists())]
        table = pd.concat([old, new], ignore_index=True).sort_values("file", ignore_index=True)
        atomic_write(path, table.to_csv(index=False, lineterminator="\n"))
    return new[["file", "caption"]]
