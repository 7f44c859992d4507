"""Benchmark harness (`make bench`): wall time and peak memory of the floor, of each notebook, of the whole
`make figures`, and of the main stages inside the pipeline; several repetitions, medians reported.

Timings vary between machines, so they go to a table in the terminal and a CSV under bench-out/ (ignored
by git), not into results/. Every notebook run uses a fresh, empty cache: the numbers are the cold cost.

Usage: python benchmarks/bench.py [--reps 3] [--corpus seeds] [--out bench-out]
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
RUNNER = ROOT / "tools" / "run_notebooks.py"
MEASURE = """
import resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, code)
"""
STAGES = """
import json, resource, sys, tempfile, time
t0 = time.perf_counter()
import corpus_utils as cu
from corpus_utils import framing, plots, tokens, topics
corpus = sys.argv[1]
out, last = {}, t0
def mark(name):
    global last
    now = time.perf_counter()
    out[name] = (now - last, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    last = now
mark("imports")
sections, paragraphs = cu.load_corpus(corpus), cu.load_paragraphs(corpus)
mark("load+clean")
stok = tokens.tokenize_units(sections["text"])
ptok = tokens.tokenize_units(paragraphs["text"], drop_terms=stok.corpus_stopwords["term"])
mark("tokens")
vocabs = {"sections": topics.build_vocabulary(stok.tokens), "paragraphs": topics.build_vocabulary(ptok.tokens)}
mark("dictionary")
ks = topics.k_range(2, 12, len(sections))
for name, tok in [("sections", stok), ("paragraphs", ptok)]:
    topics.k_sweep(tok.tokens, vocabs[name], ks, [1, 2, 3, 4, 5], reference=ptok.tokens, progress=False)
mark("K sweep")
model = topics.fit_lda(vocabs["sections"], 3, 42)
mark("final fit")
topics.ldavis_page(topics.prepare_ldavis(model, vocabs["sections"]), "bench")
mark("pyLDAvis")
framing.frame_scores(sections); framing.function_scores(sections)
mark("framing")
plots.use_style()
with tempfile.TemporaryDirectory() as tmp:
    plots.save_figure(plots.plot_section_lengths(sections, cu.doc_labels(corpus)), "bench", tmp, "bench")
mark("figures")
print(json.dumps(out))
"""


def measure(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MB, largest process) of a command run in a fresh process."""
    done = subprocess.run([sys.executable, "-c", MEASURE, *cmd], capture_output=True, text=True, check=True)
    seconds, peak, code = done.stdout.split()
    if code != "0":
        raise RuntimeError(f"benchmark command failed: {' '.join(cmd)}")
    return float(seconds), float(peak)


def floor_notebook(folder: Path, name: str, source: str) -> Path:
    """A one-cell notebook: the cost of starting a kernel (and importing the libraries)."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


def run_notebook_cmd(path: Path) -> list[str]:
    """Command that executes one notebook file with nbclient, as the runner does."""
    code = ("import nbformat, sys; from nbclient import NotebookClient; nb = nbformat.read(sys.argv[1], 4); "
            "NotebookClient(nb, kernel_name='python3').execute()")
    return [sys.executable, "-c", code, str(path)]


def main() -> int:
    """Run the benchmarks and print the medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--corpus", default=str(ROOT / "seeds"))
    parser.add_argument("--out", default=str(ROOT / "bench-out"))
    args = parser.parse_args()
    corpus = str(Path(args.corpus).resolve())
    rows = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        floors = {"floor: empty notebook": floor_notebook(tmp, "empty", "pass"),
                  "floor: imports only": floor_notebook(
                      tmp, "imports", "import pandas, gensim, matplotlib.pyplot, pyLDAvis, pyLDAvis.gensim_models")}
        notebooks = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]-*.py"))
        for rep in range(args.reps):
            for what, path in floors.items():
                rows.append((what, "notebook", rep, *measure(run_notebook_cmd(path))))
            for stem in notebooks:
                out = tmp / f"nb-{rep}-{stem[:2]}"
                cmd = [sys.executable, str(RUNNER), "--only", stem[:2], "--corpus", corpus, "--outdir", str(out),
                       "--param", f"CACHE_DIR={out / 'cache'}"]
                if stem[:2] in {"03", "04"}:  # they read tables written by the notebooks before them
                    subprocess.run([sys.executable, str(RUNNER), "--only", *[n[:2] for n in notebooks
                                    if n < stem], "--corpus", corpus, "--outdir", str(out), "--param",
                                    f"CACHE_DIR={out / 'cache'}"], capture_output=True, check=True)
                rows.append((stem, "notebook", rep, *measure(cmd)))
            out = tmp / f"all-{rep}"
            cmd = [sys.executable, str(RUNNER), "--corpus", corpus, "--outdir", str(out),
                   "--param", f"CACHE_DIR={out / 'cache'}"]
            rows.append(("make figures (all notebooks)", "total", rep, *measure(cmd)))
            done = subprocess.run([sys.executable, "-c", STAGES, corpus], capture_output=True, text=True, check=True)
            for stage, (seconds, peak) in json.loads(done.stdout.splitlines()[-1]).items():
                rows.append((f"stage: {stage}", "stage", rep, seconds, peak))
            print(f"repetition {rep + 1}/{args.reps} done", flush=True)
    raw = pd.DataFrame(rows, columns=["what", "kind", "rep", "seconds", "peak_mb"])
    table = raw.groupby(["kind", "what"], sort=False)[["seconds", "peak_mb"]].median().round(1).reset_index()
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    raw.to_csv(out_dir / "bench_runs.csv", index=False)
    table.to_csv(out_dir / "bench_medians.csv", index=False)
    print(f"\nMedians of {args.reps} repetitions on {platform.node() and 'this machine'} "
          f"({platform.machine()}, Python {platform.python_version()}); stage memory is the running peak:")
    print(table.to_string(index=False))
    print(f"\nwritten: {out_dir / 'bench_runs.csv'}, {out_dir / 'bench_medians.csv'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
