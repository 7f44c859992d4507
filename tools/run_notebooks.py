"""Execute the numbered notebooks in order, headless, and store them with outputs but no volatile metadata.

The paired jupytext scripts (``notebooks/NN-name.py``) hold the code and prose; this builds each
``.ipynb`` from its script, executes it in a fresh kernel with the notebook folder as working directory,
and writes it back with deterministic cell ids and no timings, so a rerun gives the same bytes.

With --outdir, the executed notebooks go to DIR/notebooks and their figures and results to DIR/figures
and DIR/results (the OUTDIR parameter), leaving the committed ones untouched; --corpus sets the CORPUS
parameter. Both become absolute paths.

Usage: python tools/run_notebooks.py [--only 01] [--corpus DIR] [--outdir DIR] [--param NAME=VALUE ...]
"""

from __future__ import annotations

import argparse
import ast
import os
import sys
import time
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"


def build(script: Path, params: dict[str, object]) -> nbformat.NotebookNode:
    """Notebook from its jupytext script, with a papermill-style injected-parameters cell if params given."""
    nb = jupytext.read(script)
    if params:
        index = next((i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])), -1)
        source = "# Parameters injected by tools/run_notebooks.py\n" + "".join(
            f"{k} = {v!r}\n" for k, v in params.items()
        )
        cell = nbformat.v4.new_code_cell(source, metadata={"tags": ["injected-parameters"]})
        nb.cells.insert(index + 1, cell)
    return nb


def normalise(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Deterministic cell ids and metadata: nothing that changes from one run to the next."""
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:02d}"
        if cell.get("outputs"):  # the kernel may flush one print in several chunks: store one stream per run
            merged: list = []
            for out in cell.outputs:
                if merged and out.get("output_type") == "stream" and merged[-1].get("output_type") == "stream" \
                        and merged[-1].get("name") == out.get("name"):
                    merged[-1]["text"] += out["text"]
                else:
                    merged.append(out)
            cell.outputs = merged
        cell.metadata.pop("execution", None)
        cell.metadata.pop("papermill", None)
    nb.metadata.pop("papermill", None)
    nb.metadata.pop("widgets", None)
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    return nb


def run(script: Path, target: Path, params: dict[str, object], timeout: int) -> float:
    """Execute one notebook into ``target``; return the seconds it took."""
    nb = build(script, params)
    start = time.perf_counter()
    client = NotebookClient(
        nb, timeout=timeout, kernel_name="python3", record_timing=False,
        resources={"metadata": {"path": str(script.parent)}},
    )
    client.execute()
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")  # an interrupted write never replaces a good notebook
    nbformat.write(normalise(nb), partial)
    os.replace(partial, target)
    return time.perf_counter() - start


def parse_param(text: str) -> tuple[str, object]:
    """NAME=VALUE with VALUE a Python literal (strings may be given bare)."""
    name, _, value = text.partition("=")
    try:
        return name, ast.literal_eval(value)
    except (ValueError, SyntaxError):
        return name, value


def main(argv: list[str] | None = None) -> int:
    """Run the notebooks; print progress and a short error (not a traceback) on failure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", default=[], help="notebook number prefixes to run, e.g. 01 02")
    parser.add_argument("--param", action="append", default=[], help="NAME=VALUE parameter override")
    parser.add_argument("--outdir", default="", help="write notebooks, figures and results under this folder")
    parser.add_argument("--corpus", default="", help="folder of .txt files to analyse instead of seeds/")
    parser.add_argument("--timeout", type=int, default=600, help="seconds allowed per cell")
    args = parser.parse_args(argv)
    params = dict(parse_param(p) for p in args.param)
    if args.corpus:
        if not Path(args.corpus).is_dir():
            print(f"corpus folder not found: {args.corpus}", file=sys.stderr)
            return 2
        params["CORPUS"] = str(Path(args.corpus).resolve())
    if args.outdir:
        params["OUTDIR"] = str(Path(args.outdir).resolve())
    scripts = sorted(NOTEBOOKS.glob("[0-9][0-9]-*.py"))
    if args.only:
        scripts = [s for s in scripts if s.name[:2] in args.only]
    total = time.perf_counter()
    for script in scripts:
        target = (Path(args.outdir) / "notebooks" if args.outdir else NOTEBOOKS) / f"{script.stem}.ipynb"
        print(f"running {script.stem} ...", flush=True)
        try:
            seconds = run(script, target, params, args.timeout)
        except CellExecutionError as exc:
            lines = [ln for ln in str(exc).splitlines() if ln.strip()]
            print(f"FAILED {script.stem}: {lines[-1] if lines else exc}", file=sys.stderr)
            return 1
        print(f"  done in {seconds:.1f} s -> {target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}")
    print(f"all notebooks done in {time.perf_counter() - total:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
