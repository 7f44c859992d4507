"""Benchmark harness (`make bench`): wall time and peak memory of the floor, of each notebook, of the whole
`make figures` and of the pipeline's stages on the seeds (several repetitions, medians), then the same
pipeline on corpora of 1,000 to 100,000 documents built from text that ships in installed packages,
with per-stage time and memory and the fitted growth exponent.

Timings vary between machines, so they go to tables in the terminal and CSVs under bench-out/ (ignored by
git), not into results/.

* Memory is the peak of the summed proportional set size (PSS) of the whole process tree (runner, kernel,
  pool workers), sampled every 50 ms: the memory the run holds, each page shared between forked processes
  counted once (summed resident sizes count it once per process); stage memory is the kernel's own peak
  resident size during the stage.
* CPU is the user + system time of the whole process tree. Steal is the CPU time the hypervisor gave to
  other guests while the run went on (Linux /proc/stat): on a shared virtual machine, wall times with a
  large steal are slow for reasons outside the suite, which is why medians are reported.
* Stages are measured inside the real notebooks: corpus_utils records each staged call when the
  environment variable CORPUS_UTILS_PROFILE names a file (see corpus_utils/profiling.py). Time outside
  every stage ("kernels, imports, glue") is the notebook total minus the staged time.
* "cold" runs start with an empty cache and REUSE=False (every model refitted); "fresh clone" runs
  `make figures` in a `git clone` of the committed repository, where the committed K sweep table is
  reused because its inputs key matches.
* A fixed reference workload (benchmarks/reference.py: gensim's LDA and pure-Python word counting on inputs
  that never change) is timed at the start, and before and after every scale run (``ref_before_s``,
  ``ref_s``), so runs of different days can be compared: this virtual machine's speed has varied about
  twofold between days, and within one run.

Usage: python benchmarks/bench.py [--reps 3] [--scale 1000 3000 10000] [--scale-reps 1] [--out bench-out]
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
import scale_corpus  # noqa: E402
from reference import reference_seconds  # noqa: E402

RUNNER = ROOT / "tools" / "run_notebooks.py"
NOTEBOOKS = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]-*.py"))
COLD = ["--param", "REUSE=False"]
SAMPLE_EVERY = 0.05  # seconds between memory samples of the process tree, when a sample is cheap


@dataclass
class Measured:
    """One measured run: wall seconds, peak MB of the process tree, CPU seconds of the tree, CPU seconds the
    machine's hypervisor took away meanwhile (steal: on a shared virtual machine, a sign of a noisy run)."""

    seconds: float
    peak_mb: float
    cpu_s: float
    steal_s: float
    stdout: str

    def row(self, what: str, kind: str, rep: int) -> tuple:
        """A row of the runs table."""
        return (what, kind, rep, self.seconds, self.peak_mb, self.cpu_s, self.steal_s)


def _steal_seconds() -> float:
    """CPU time stolen from this machine so far, all cores (Linux /proc/stat; 0 elsewhere)."""
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()
        return int(fields[8]) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def _resident(proc: psutil.Process) -> int:
    """Bytes of memory a process holds: its proportional set size (PSS: a page shared with n processes counts
    1/n, so forked workers' shared pages are not counted again for each), its resident size where PSS is not
    available."""
    try:
        return proc.memory_full_info().pss
    except (AttributeError, psutil.AccessDenied):
        return proc.memory_info().rss


def run_measured(cmd: list[str], env: dict[str, str] | None = None, cwd: Path = ROOT) -> Measured:
    """Run a command; measure wall time, peak summed RSS of its process tree, its CPU time and the steal."""
    cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    steal0, start = _steal_seconds(), time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=cwd,
                            env={**os.environ, **(env or {})})
    peak, root = 0.0, psutil.Process(proc.pid)

    def sample() -> None:
        nonlocal peak
        while proc.poll() is None:
            took = time.perf_counter()
            try:
                tree = [root, *root.children(recursive=True)]
                peak = max(peak, sum(_resident(p) for p in tree if p.is_running()) / 2**20)
            except psutil.Error:
                pass
            # the kernel walks every page of a process for its PSS (36-61 ms for a 1 GB kernel): sampling every
            # 50 ms took 0.4 of this machine's two cores at 100,000 documents; now at most a tenth of one
            time.sleep(max(SAMPLE_EVERY, 9 * (time.perf_counter() - took)))

    watcher = threading.Thread(target=sample, daemon=True)
    watcher.start()
    out, err = proc.communicate()
    seconds = time.perf_counter() - start
    watcher.join()
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark command failed: {' '.join(cmd)}\n{err[-2000:]}")
    cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (cpu1.ru_utime + cpu1.ru_stime) - (cpu0.ru_utime + cpu0.ru_stime)
    return Measured(seconds, peak, cpu, _steal_seconds() - steal0, out)


def floor_notebook(folder: Path, name: str, source: str) -> Path:
    """A one-cell notebook: the cost of starting a kernel (and importing the libraries)."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


def notebook_cmd(path: Path) -> list[str]:
    """Command that executes one notebook file with nbclient, as the runner does."""
    code = ("import nbformat, sys; from nbclient import NotebookClient; nb = nbformat.read(sys.argv[1], 4); "
            "NotebookClient(nb, kernel_name='python3').execute()")
    return [sys.executable, "-c", code, str(path)]


def runner_cmd(corpus: Path, outdir: Path, *extra: str) -> list[str]:
    """The command `make figures CORPUS=... OUTDIR=...` runs, with an empty cache of its own."""
    return [sys.executable, str(RUNNER), "--corpus", str(corpus), "--outdir", str(outdir),
            "--param", f"CACHE_DIR={outdir / 'cache'}", *extra]


def notebook_seconds(stdout: str) -> dict[str, float]:
    """Per-notebook seconds from the runner's output."""
    return {name: float(s) for name, s in re.findall(r"^  done (\S+) in ([\d.]+) s ->", stdout, flags=re.M)}


def stage_table(profile: Path, total: float) -> pd.DataFrame:
    """Seconds and kernel peak memory per stage from a profile file, plus the unstaged rest of ``total``."""
    records = pd.read_json(profile, lines=True)
    table = records.groupby("stage", sort=False).agg(seconds=("seconds", "sum"), peak_mb=("peak_mb", "max"),
                                                     worker_peak_mb=("worker_peak_mb", "max"), calls=("stage", "size"))
    table.loc["kernels, imports, glue"] = [total - table["seconds"].sum(), np.nan, np.nan, np.nan]
    return table.reset_index(names="stage")


def profiled_run(cmd: list[str], folder: Path, cwd: Path = ROOT) -> tuple[Measured, dict[str, float], pd.DataFrame]:
    """Run the pipeline with stage profiling: the measurement, per-notebook seconds, stage table."""
    profile = folder / "profile.jsonl"
    profile.unlink(missing_ok=True)
    run = run_measured(cmd, env={"CORPUS_UTILS_PROFILE": str(profile)}, cwd=cwd)
    return run, notebook_seconds(run.stdout), stage_table(profile, run.seconds)


def fresh_clone_run(tmp: Path) -> tuple[Measured, dict[str, float]]:
    """`make figures` in a fresh clone of the committed repository (with this environment activated)."""
    clone = tmp / "clone"
    shutil.rmtree(clone, ignore_errors=True)
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    venv = Path(sys.executable).parent.parent
    env = {"VIRTUAL_ENV": str(venv), "PATH": f"{venv / 'bin'}:{os.environ['PATH']}"}
    run = run_measured(["make", "figures"], env=env, cwd=clone)
    shutil.rmtree(clone, ignore_errors=True)
    return run, notebook_seconds(run.stdout)


def seeds_rep(corpus: Path, tmp: Path, rep: int) -> tuple[list[tuple], pd.DataFrame]:
    """One repetition on the seeds: floor, make figures (cold and fresh clone), each notebook, stages."""
    rows = []
    floors = {"floor: empty notebook": floor_notebook(tmp, "empty", "pass"),
              "floor: imports only": floor_notebook(
                  tmp, "imports", "import pandas, gensim, matplotlib.pyplot, pyLDAvis, pyLDAvis.gensim_models")}
    for what, path in floors.items():
        rows.append(run_measured(notebook_cmd(path)).row(what, "floor", rep))
    full = tmp / f"full-{rep}"
    run, _, stages = profiled_run(runner_cmd(corpus, full, *COLD), tmp)
    rows.append(run.row("make figures, cold (every model refitted)", "total", rep))
    run, per_notebook = fresh_clone_run(tmp)
    rows.append(run.row("make figures, fresh clone (committed sweep reused)", "total", rep))
    for stem, nb_seconds in per_notebook.items():  # as the runner timed them (memory: see the cold runs)
        rows.append((stem, "notebook (fresh clone)", rep, nb_seconds, np.nan, np.nan, np.nan))
    for stem in NOTEBOOKS:  # each notebook alone, cold, on the outputs of the ones before it
        alone = tmp / f"nb-{rep}-{stem[:2]}"
        shutil.copytree(full, alone, ignore=shutil.ignore_patterns("cache"))
        rows.append(run_measured(runner_cmd(corpus, alone, "--only", stem[:2], *COLD)).row(
            stem, "notebook (cold)", rep))
        shutil.rmtree(alone)
    shutil.rmtree(full)
    return rows, stages.assign(rep=rep)


def scale_run(n_docs: int, tmp: Path, rep: int) -> tuple[dict, pd.DataFrame]:
    """`make figures CORPUS=... OUTDIR=...` on a built corpus of ``n_docs`` documents."""
    corpus, out = tmp / f"corpus-{n_docs}", tmp / f"out-{n_docs}-{rep}"
    if not corpus.exists():
        scale_corpus.build(n_docs, corpus)
    words = sum(len(p.read_text(encoding="utf-8").split()) for p in corpus.glob("*.txt"))
    before = reference_seconds()["ref_s"]
    cmd = ["make", "-s", "figures", f"CORPUS={corpus}", f"OUTDIR={out}",
           f"NOTEBOOK_ARGS=--param CACHE_DIR={out / 'cache'}"]
    run, per_nb, stages = profiled_run(cmd, tmp)
    shutil.rmtree(out)
    summary = {"documents": n_docs, "words": words, "rep": rep, "seconds": run.seconds, "peak_mb": run.peak_mb,
               "cpu_s": run.cpu_s, "steal_s": run.steal_s, "ref_before_s": before, **reference_seconds(),
               **{f"{k} (s)": v for k, v in per_nb.items()}}
    return summary, stages.assign(documents=n_docs, rep=rep)


def exponents(stages: pd.DataFrame, summary: pd.DataFrame) -> pd.DataFrame:
    """Fitted b in seconds ~ a * documents^b (least squares on logs) for the total and each stage."""
    rows = []
    totals = summary.groupby("documents")["seconds"].median()
    series = {"make figures (total)": totals}
    for name, part in stages.groupby("stage", sort=False):
        series[name] = part.groupby("documents")["seconds"].median()
    for name, values in series.items():
        values = values[values > 0]
        if len(values) >= 2:
            slope = np.polyfit(np.log(values.index.to_numpy(float)), np.log(values.to_numpy(float)), 1)[0]
            rows.append({"what": name, "exponent": round(float(slope), 2),
                         **{f"{n} docs (s)": round(float(v), 1) for n, v in values.items()}})
    return pd.DataFrame(rows)


def main() -> int:
    """Run the benchmarks, print the tables and write the CSVs."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=3, help="repetitions on the seeds")
    parser.add_argument("--scale", type=int, nargs="*", default=[1000, 3000, 10000, 30000, 100000], help="corpus sizes")
    parser.add_argument("--scale-reps", type=int, default=1, help="repetitions per corpus size")
    parser.add_argument("--corpus", default=str(ROOT / "seeds"))
    parser.add_argument("--out", default=str(ROOT / "bench-out"))
    args = parser.parse_args()
    corpus, out_dir = Path(args.corpus).resolve(), Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    machine = (f"{platform.machine()}, {os.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.0f} GiB, "
               f"Python {platform.python_version()}")
    pd.set_option("display.width", 200)
    reference = reference_seconds()
    print(f"reference workload (benchmarks/reference.py), fastest of 3: {reference}", flush=True)
    rows, seed_stages = [], []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for rep in range(args.reps):
            found, stages = seeds_rep(corpus, tmp, rep)
            rows += found
            seed_stages.append(stages)
            print(f"seeds: repetition {rep + 1}/{args.reps} done", flush=True)
        scale_rows, scale_stages = [], []
        for n_docs in args.scale:
            for rep in range(args.scale_reps):
                summary, stages = scale_run(n_docs, tmp, rep)
                scale_rows.append(summary)
                scale_stages.append(stages)
                print(f"scale: {n_docs} documents, repetition {rep + 1}/{args.scale_reps}: "
                      f"{summary['seconds']:.0f} s, {summary['peak_mb']:.0f} MB; reference workload before and "
                      f"after it {summary['ref_before_s']:.2f} and {summary['ref_s']:.2f} s", flush=True)
    if rows:
        raw = pd.DataFrame(rows, columns=["what", "kind", "rep", "seconds", "peak_mb", "cpu_s", "steal_s"])
        medians = raw.groupby(["kind", "what"], sort=False)[["seconds", "peak_mb", "cpu_s", "steal_s"]].median()
        medians = medians.round(1).reset_index()
        stages = pd.concat(seed_stages, ignore_index=True)
        stage_medians = stages.groupby("stage", sort=False)[["seconds", "peak_mb", "worker_peak_mb"]].median()
        stage_medians = stage_medians.round(1).reset_index()
        raw.to_csv(out_dir / "bench_runs.csv", index=False)
        medians.to_csv(out_dir / "bench_medians.csv", index=False)
        stage_medians.to_csv(out_dir / "bench_stages.csv", index=False)
        print(f"\nSeeds: medians of {args.reps} repetitions on this machine ({machine}); memory = peak of the "
              "process tree; cpu = CPU seconds of the tree; steal = CPU seconds the hypervisor took meanwhile:")
        print(medians.to_string(index=False))
        print("\nSeeds: stages inside the cold `make figures` (medians; memory = the kernel's own peak in the stage):")
        print(stage_medians.to_string(index=False))
    if scale_rows:
        summary = pd.DataFrame(scale_rows)
        stages = pd.concat(scale_stages, ignore_index=True)
        per_size = summary.groupby("documents").median(numeric_only=True).drop(columns="rep").round(1)
        stage_table = stages.groupby(["documents", "stage"], sort=False)[["seconds", "peak_mb"]].median().round(1)
        fitted = exponents(stages, summary)
        summary.to_csv(out_dir / "scale_runs.csv", index=False)
        stages.to_csv(out_dir / "scale_stages.csv", index=False)
        fitted.to_csv(out_dir / "scale_exponents.csv", index=False)
        print(f"\nScale: `make figures CORPUS=... OUTDIR=...` (medians of {args.scale_reps}; memory = peak of the "
              "process tree):")
        print(per_size.reset_index().to_string(index=False))
        print("\nScale: seconds per stage (memory = the kernel's own peak in the stage):")
        print(stage_table["seconds"].unstack("documents").to_string())
        print(stage_table["peak_mb"].unstack("documents").to_string())
        print("\nScale: growth, seconds ~ documents^b:")
        print(fitted.to_string(index=False))
    print(f"\nReference workload at the start (seconds; compare with other days' runs): {reference}")
    pd.DataFrame([reference]).to_csv(out_dir / "reference.csv", index=False)
    print(f"\nwritten to {out_dir}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
