"""Execute the numbered notebooks in order, headless, and store them with outputs but no volatile metadata.

The paired jupytext scripts (``notebooks/NN-name.py``) hold the code and prose; this builds each
``.ipynb`` from its script, executes it in a fresh kernel with the notebook folder as working directory,
and writes it back with deterministic cell ids and no timings, so a rerun gives the same bytes.

With --outdir, the executed notebooks go to DIR/notebooks and their figures and results to DIR/figures
and DIR/results (the OUTDIR parameter), leaving the committed ones untouched; --corpus sets the CORPUS
parameter. Both become absolute paths. An OUTDIR that is the repository or inside one of its committed
folders is refused.

Before anything runs, the corpus and its metadata.csv are checked (a corpus that cannot be analysed, e.g. in
another language, is refused with the reason); the console ends with the corpus's warnings and where the report
is. On a corpus other than the seeds, markdown cells tagged ``seed-prose`` are replaced by a one-line note.
Notebooks 01 and 02, and 04 and 05, run side by side (``TOGETHER``); 03 starts when 01 ends and runs beside
02 until its first cell tagged ``after-02``, which waits for 02 to end (the cells before it read nothing 02
writes). A notebook's kernel starts, and imports the suite's libraries silently, ahead of its turn. A full
run into an OUTDIR first clears an earlier run's outputs there.

All or nothing: before running, the runner copies the files it may rewrite (figures/, results/ and the
executed notebooks) into a snapshot folder; every write in the suite is itself atomic (a temporary file
renamed into place). If a notebook fails, or the run is interrupted (Ctrl-C, SIGTERM, or the parent ``make``
dies), the kernel is shut down and the snapshot restored, so the previous complete set stays; a failed
notebook is saved with its error as ``<name>.failed.ipynb`` beside the others. A run killed outright
(SIGKILL, power loss) leaves the snapshot behind, and the next run restores it before it starts.

Usage: python tools/run_notebooks.py [--only 01] [--corpus DIR] [--outdir DIR] [--param NAME=VALUE ...]
"""

from __future__ import annotations

import argparse
import ast
import asyncio
import atexit
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

# nbformat validates with jsonschema, which builds the grammar of the optional rfc3987_syntax package when it
# is imported (0.8 s of every run); notebook schemas use no IRI format, so the runner does without it
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[assignment]

import jupytext  # noqa: E402
import nbformat  # noqa: E402
from nbclient import NotebookClient  # noqa: E402
from nbclient.exceptions import CellExecutionError  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
SNAPSHOT = ".run-snapshot"  # folder (inside the output folder) holding the previous set during a run
TOGETHER = (("01", "02"), ("04", "05"))  # notebooks that read nothing the other writes: side by side, one kernel each
AFTER = "after-"  # a cell tagged after-NN waits until notebook NN has ended; its notebook may start before that
# parameters that change how a result is reached, never the result
NEUTRAL = {"N_JOBS", "CACHE_DIR", "REUSE", "BOW_MAX_CELLS"}
KEYED = {"k_selection.csv", "topic_ensemble.json", "topic_models.csv"}  # caches that carry their inputs' key
SEED_PROSE = "seed-prose"  # tag of markdown cells whose interpretation was written for the seed corpus
SEEDS = ROOT / "seeds"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
if str(ROOT) not in sys.path:  # corpus_utils, when the runner is started as a script outside make
    sys.path.insert(0, str(ROOT))
COMMITTED = ("seeds", "notebooks", "corpus_utils", "tests", "figures", "results", "validation", "tools",
             "benchmarks", ".ci", ".git")


class Interrupted(Exception):
    """The run was stopped by a signal (SIGINT, SIGTERM, or the parent process going away)."""


WARM_UP = "import corpus_utils, corpus_utils.notebook, corpus_utils.plots, corpus_utils.stats, gensim, scipy.stats"
_RUNNING: list[str] = []  # the notebooks running now (named when a run is stopped)
_STOPPED: list[str] = []  # names of the stop signals received (the kernel client may swallow the exception)


def _stop(signum: int, _frame: object) -> None:
    """Signal handler: turn SIGINT/SIGTERM into an exception, so cleanup and restore run."""
    _STOPPED.append(signal.Signals(signum).name)
    if len(_STOPPED) == 1:  # a second signal must not cut the cleanup of the first short
        raise Interrupted(_STOPPED[-1])


def _watch_parent(parent: int) -> None:
    """Stop this process if its parent (e.g. ``make``) dies: a killed make must not leave the runner going."""
    while os.getppid() == parent:
        time.sleep(0.5)
    os.kill(os.getpid(), signal.SIGTERM)


def output_folders(outdir: Path | None) -> tuple[Path, list[Path]]:
    """The folder that receives the run's outputs and the folders a run may rewrite under it."""
    base = outdir if outdir else ROOT
    return base, [base / "figures", base / "results", (base / "notebooks") if outdir else NOTEBOOKS]


def _output(path: Path) -> bool:
    """A file the run writes: anything in figures/ and results/, only executed notebooks among the scripts."""
    if not path.is_file() or path.name.startswith(".") or path.name.endswith(".failed.ipynb"):
        return False
    return path.parent.name != "notebooks" or path.suffix == ".ipynb"


def snapshot(base: Path, folders: list[Path]) -> Path:
    """Copy every output file of ``folders`` into ``base/.run-snapshot``; return the snapshot folder."""
    keep = base / SNAPSHOT
    keep.mkdir(parents=True, exist_ok=True)
    for folder in folders:
        for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
            if not _output(path):
                continue
            copy = keep / path.relative_to(base)
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, copy)  # a copy, not a hard link: a write in place must not change it
    (keep / "COMPLETE").write_text("\n".join(str(f.relative_to(base)) for f in folders), encoding="utf-8")
    return keep


def clear_outputs(folders: list[Path]) -> None:
    """Remove the outputs of an earlier run from an OUTDIR before a full run, so that no figure or table of
    another corpus is left beside this run's (the keyed caches stay: they check their own inputs)."""
    for folder in folders:
        for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
            if _output(path) and path.name not in KEYED:
                path.unlink()


def restore(base: Path) -> bool:
    """Put back the snapshot of an interrupted or failed run (files it added are removed); True if one was found."""
    keep = base / SNAPSHOT
    marker = keep / "COMPLETE"
    if not marker.exists():  # no snapshot, or one cut off while it was taken: the outputs were never touched
        shutil.rmtree(keep, ignore_errors=True)
        return False
    for name in marker.read_text(encoding="utf-8").splitlines():
        folder, saved = base / name, keep / name
        for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
            if _output(path) and not (saved / path.relative_to(folder)).exists():
                path.unlink()
        for path in sorted(saved.rglob("*")) if saved.is_dir() else []:
            if path.is_file():
                target = folder / path.relative_to(saved)
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(path, target)
    shutil.rmtree(keep, ignore_errors=True)
    return True


def refuse_outdir(outdir: Path) -> str | None:
    """Why ``outdir`` may not receive a run's outputs (the repository or a committed folder, a file, a folder
    that cannot be created or written), or None."""
    if outdir == ROOT:
        return f"OUTDIR {outdir} is the repository itself: its committed figures/ and results/ would be overwritten"
    if outdir.is_relative_to(ROOT) and outdir.relative_to(ROOT).parts[0] in COMMITTED:
        return f"OUTDIR {outdir} is inside the committed folder {outdir.relative_to(ROOT).parts[0]}/"
    existing = next(p for p in (outdir, *outdir.parents) if p.exists())
    if not existing.is_dir():
        return f"OUTDIR {outdir} is {'a file' if existing == outdir else f'under the file {existing}'}, not a folder"
    if not os.access(existing, os.W_OK):
        return f"OUTDIR {outdir} cannot be written ({existing} is not writable)"
    return None


def is_seeds(params: dict[str, object]) -> bool:
    """True when the run analyses the committed seed corpus (no CORPUS given, or CORPUS is seeds/ or a copy of
    it), as the notebooks themselves decide (``corpus_utils.loading.is_seed_corpus``)."""
    from corpus_utils.loading import is_seed_corpus

    corpus = params.get("CORPUS")
    return corpus is None or Path(str(corpus)).resolve() == SEEDS.resolve() or is_seed_corpus(str(corpus))


def drop_seed_prose(nb: nbformat.NotebookNode, corpus: str) -> int:
    """Replace every markdown cell tagged ``seed-prose`` by a one-line note naming the corpus; return how many."""
    note = (f"*Interpretation written for the seed corpus is left out here: this run analyses `{Path(corpus).name}`"
            ". The outputs above are computed from it; read them directly.*")
    replaced = 0
    for cell in nb.cells:
        if cell.cell_type == "markdown" and SEED_PROSE in cell.metadata.get("tags", []):
            cell.source = note
            replaced += 1
    return replaced


def build(script: Path, params: dict[str, object]) -> nbformat.NotebookNode:
    """Notebook from its jupytext script, with a papermill-style injected-parameters cell if params given, and
    the seed corpus's interpretation replaced by a note when another corpus is analysed."""
    nb = jupytext.read(script)
    if not is_seeds(params):
        drop_seed_prose(nb, str(params["CORPUS"]))
    if params:
        index = next((i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])), -1)
        source = "# Parameters injected by tools/run_notebooks.py\n" + "".join(
            f"{k} = {v!r}\n" for k, v in params.items()
        )
        cell = nbformat.v4.new_code_cell(source, metadata={"tags": ["injected-parameters"]})
        nb.cells.insert(index + 1, cell)
    return nb


def without_injected(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The executed notebook without its injected-parameters cell, execution counts renumbered from 1."""
    nb.cells = [c for c in nb.cells if "injected-parameters" not in c.metadata.get("tags", [])]
    count = 0
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.get("execution_count") is not None:
            count += 1
            cell.execution_count = count
            for out in cell.get("outputs", []):
                if "execution_count" in out:
                    out["execution_count"] = count
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
            for out in cell.outputs:  # a stored widget view names a model that no longer exists: keep its static HTML
                out.get("data", {}).pop("application/vnd.jupyter.widget-view+json", None)
        cell.metadata.pop("execution", None)
        cell.metadata.pop("papermill", None)
    nb.metadata.pop("papermill", None)
    nb.metadata.pop("widgets", None)
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    return nb


def stages(scripts: list[Path]) -> list[list[Path]]:
    """The scripts in run order, grouped: the notebooks of one group run side by side (``TOGETHER``)."""
    groups: list[list[Path]] = []
    for script in scripts:
        if groups and any({script.name[:2], groups[-1][0].name[:2]} <= set(pair) for pair in TOGETHER):
            groups[-1].append(script)
        else:
            groups.append([script])
    return groups


def waits_for(script: Path) -> set[str]:
    """The notebooks (number prefixes) that some cells of ``script`` wait for: their tags ``after-NN``."""
    return {tag[len(AFTER):] for cell in jupytext.read(script).cells for tag in cell.metadata.get("tags", [])
            if tag.startswith(AFTER)}


def prerequisites(scripts: list[Path]) -> dict[str, set[str]]:
    """Per notebook (number prefix), the notebooks of this run that must end before it starts: every earlier
    group's, except those whose outputs only its cells tagged ``after-NN`` read (those cells wait instead)."""
    found: dict[str, set[str]] = {}
    done: set[str] = set()
    for group in stages(scripts):
        for script in group:
            waits = waits_for(script)
            if later := sorted(n for n in waits if n >= script.name[:2]):
                raise ValueError(f"{script.name}: a cell tagged {AFTER}{later[0]} would wait for a notebook that "
                                 "runs after it (only earlier notebooks can be waited for)")
            found[script.name[:2]] = done - waits
        done |= {s.name[:2] for s in group}
    return found


def overlapping(scripts: list[Path]) -> dict[str, bool]:
    """Per notebook, whether it may run while another of this run does (neither must end before the other)."""
    before = prerequisites(scripts)
    return {n: any(m != n and m not in before[n] and n not in before[m] for m in before) for n in before}


class GatedClient(NotebookClient):
    """A notebook client whose cells tagged ``after-NN`` wait, before they run, until ``after[NN]`` is set (the
    runner sets it when notebook NN has ended and been written); a tag naming a notebook outside the run is
    ignored (its outputs are there from an earlier run)."""

    after: dict[str, asyncio.Event]

    async def async_execute_cell(self, cell: nbformat.NotebookNode, cell_index: int, execution_count: int | None = None,
                                 store_history: bool = True) -> nbformat.NotebookNode:
        for tag in cell.metadata.get("tags", []):
            event = getattr(self, "after", {}).get(tag[len(AFTER):]) if tag.startswith(AFTER) else None
            if event is not None and not event.is_set():
                print(f"  {getattr(self, 'name', 'a notebook')} waits for {tag[len(AFTER):]} to end", flush=True)
                await event.wait()
        return await super().async_execute_cell(cell, cell_index, execution_count, store_history)


def client_for(script: Path, params: dict[str, object], timeout: int, side_by_side: bool = False) -> NotebookClient:
    """A notebook client for one script (its notebook built with the parameters), kernel not yet started. The
    kernel talks to the runner over Unix sockets in a private temporary folder, not over TCP: no other user of
    the machine can connect, and the kernel does not warn about unencrypted TCP; its temporary files go there
    too (TMPDIR), and are removed with it. A kernel that runs beside
    another does its per-document stages in its own process (``CORPUS_UTILS_JOBS=1``, unless set already):
    the machine's cores are taken by the two kernels, and more processes would only add their overhead."""
    client = GatedClient(
        build(script, params), timeout=timeout, kernel_name="python3", record_timing=False,
        resources={"metadata": {"path": str(script.parent)}},
        shutdown_kernel="immediate",  # every output has arrived when a notebook ends; on a stop, no kernel lingers
    )
    client.without_injected = bool(params) and set(params) <= NEUTRAL  # type: ignore[attr-defined]
    from corpus_utils.engine import JOBS_ENV as jobs

    client.km = client.create_kernel_manager()
    client.km.transport = "ipc"
    client.sockets = Path(tempfile.mkdtemp(prefix="nb-kernel-"))  # type: ignore[attr-defined]
    client.km.ip = str(client.sockets / "ipc")  # type: ignore[attr-defined]
    scratch = client.sockets / "tmp"  # type: ignore[attr-defined]
    scratch.mkdir()
    # the kernel's temporary files (e.g. a bag-of-words on disk) go to the private folder, removed with it: a
    # kernel stopped at once runs no exit hooks, and would leave them behind in the system's folder
    client.kernel_kwargs = {"env": {  # type: ignore[attr-defined]
        **os.environ, "TMPDIR": str(scratch), **({jobs: "1"} if side_by_side and jobs not in os.environ else {})}}
    return client


async def start_kernel(client: NotebookClient) -> NotebookClient:
    """Start the client's kernel ahead of its turn and import the suite's libraries in it, silently (no output,
    no execution count): the notebook then finds them loaded, as a second import in a session would."""
    await client.async_start_new_kernel(**client.kernel_kwargs)  # type: ignore[attr-defined]
    await client.async_start_new_kernel_client()
    msg_id = client.kc.execute(WARM_UP, silent=True, store_history=False)
    await client.async_wait_for_reply(msg_id)
    return client


async def stop_kernel(client: NotebookClient) -> None:
    """Shut the client's kernel down if it is running; never raise (the kernel may be gone already)."""
    atexit.unregister(client._cleanup_kernel)  # nbclient's exit hook, left behind when a start is cancelled
    try:
        if client.kc is not None:
            client.kc.stop_channels()
        if client.km is not None and client.km.has_kernel:
            await client.km.shutdown_kernel(now=True)
    except Exception:  # the kernel is already gone: nothing left to stop
        pass
    shutil.rmtree(client.sockets, ignore_errors=True)  # type: ignore[attr-defined]  # the sockets' private folder


async def run(script: Path, target: Path, client: NotebookClient) -> float:
    """Execute one notebook into ``target`` with ``client`` (its kernel started already or now); return the
    seconds it took."""
    nb = client.nb
    start = time.perf_counter()
    try:
        await client.async_execute(**client.kernel_kwargs)  # type: ignore[attr-defined]
    except CellExecutionError as exc:
        exc.notebook = script.stem  # type: ignore[attr-defined]
        write(nb, target.with_name(f"{target.stem}.failed.ipynb"))  # the error, where the user can open it
        raise
    finally:  # on an interrupt or a failure beside it too: never leave a kernel running
        await stop_kernel(client)
    if client.without_injected:  # type: ignore[attr-defined]  # stored as a run without the overrides would be
        nb = without_injected(nb)
    write(nb, target)
    return time.perf_counter() - start


class _OwnSignals(asyncio.SelectorEventLoop):
    """An event loop that leaves SIGINT and SIGTERM to the runner: nbclient would otherwise install handlers
    that only stop its kernel (and put back the default ones afterwards), so the restore would never run."""

    def add_signal_handler(self, sig: int, callback: object, *args: object) -> None:
        raise RuntimeError("the runner handles signals itself")

    def remove_signal_handler(self, sig: int) -> bool:
        raise RuntimeError("the runner handles signals itself")

    def call_exception_handler(self, context: dict[str, object]) -> None:
        """Stay silent about the notebooks cut off by a stop: the runner reports the stop itself."""
        if not _STOPPED:
            super().call_exception_handler(context)


async def run_all(scripts: list[Path], folder: Path, params: dict[str, object], timeout: int) -> None:
    """Run the notebooks, each as soon as the notebooks it needs have ended (``prerequisites``): 01 and 02 side
    by side, 03 once 01 has ended (its cells tagged ``after-02`` wait for 02), 04 and 05 side by side at the
    end. A notebook's kernel starts, and imports the suite's libraries, when at most one notebook it needs is
    still running, so it is ready when its turn comes. Every client stays listed until its notebook is done,
    so that a failure or an interrupt at any moment (even while a kernel starts) stops every kernel; the
    first failure stops the others."""
    before, beside = prerequisites(scripts), overlapping(scripts)
    ended = {s.name[:2]: asyncio.Event() for s in scripts}
    changed = asyncio.Condition()
    clients: dict[str, NotebookClient] = {}

    async def until(ready: Any) -> None:
        async with changed:
            await changed.wait_for(ready)

    async def one(script: Path) -> None:
        name, target = script.name[:2], folder / f"{script.stem}.ipynb"
        await until(lambda: sum(not ended[m].is_set() for m in before[name]) <= 1)
        after = {m: ended[m] for m in waits_for(script) if m in ended}
        clients[name] = client = client_for(script, params, timeout, side_by_side=beside[name])  # listed at once
        client.after, client.name = after, script.stem  # type: ignore[attr-defined]
        await start_kernel(client)
        await until(lambda: all(ended[m].is_set() for m in before[name]))
        print(f"running {script.stem} ...", flush=True)
        _RUNNING.append(script.stem)
        seconds = await run(script, target, client)
        del clients[name]
        _RUNNING.remove(script.stem)
        target.with_name(f"{target.stem}.failed.ipynb").unlink(missing_ok=True)
        shown = target.relative_to(ROOT) if target.is_relative_to(ROOT) else target
        print(f"  done {script.stem} in {seconds:.1f} s -> {shown}", flush=True)
        async with changed:
            ended[name].set()
            changed.notify_all()

    try:
        async with asyncio.TaskGroup() as group:
            for script in scripts:
                group.create_task(one(script))
    finally:
        for client in list(clients.values()):
            await stop_kernel(client)


def write(nb: nbformat.NotebookNode, target: Path) -> None:
    """Write a normalised notebook atomically: an interrupted write never replaces a good notebook."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    try:
        nbformat.write(normalise(nb), partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def check_corpus(corpus: Path) -> tuple[str, list[str]]:
    """(error, notes) for a corpus folder before anything runs: the error ("" if it can be analysed) and one
    line per file that is skipped, decoded with a guess or ignored."""
    import warnings

    from corpus_utils import engine, loading
    from corpus_utils.errors import CorpusError, CorpusWarning

    try:
        with warnings.catch_warnings(record=True) as caught, engine.here():
            warnings.simplefilter("always")
            rows = [status for _, status in loading.scan_corpus(corpus)]
            caught.clear()  # the files' warnings are in rows; the metadata's are kept
            loading.load_metadata(corpus)
    except CorpusError as exc:
        return str(exc), []
    notes = [f"{r.file}: {r.status}: {r.reason}" for r in rows if r.reason]
    notes += [f"{w.message}".replace(f"{corpus}/", "") for w in caught if issubclass(w.category, CorpusWarning)]
    if not any(r.status.startswith("loaded") for r in rows):
        return loading.nothing_readable(corpus, {r.language for r in rows if r.language}), notes
    return "", notes


def _check_into(corpus: Path, send: Any) -> None:
    """In the checking process: ``check_corpus``'s answer (or what it raised) sent back; Ctrl-C is the runner's."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        send.send((None, check_corpus(corpus)))
    except Exception as exc:  # raised again in the runner, as if checked there
        send.send((exc, None))


def checked_apart(corpus: Path) -> tuple[str, list[str]]:
    """``check_corpus`` in a forked process, so the memory that reading a large corpus takes is given back
    before the notebooks start (about 300 MB at 100,000 documents, held for the whole run otherwise)."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_check_into, args=(corpus, send))  # not a daemon: it may start workers
    child.start()
    send.close()
    try:
        raised, answer = receive.recv()
    except EOFError:  # the process died without an answer (e.g. killed for memory)
        raise RuntimeError(f"checking the corpus {corpus} stopped without an answer") from None
    finally:
        if child.is_alive():
            child.terminate()
        child.join()
    if raised is not None:
        raise raised
    return answer


def summary(corpus: Path, notes: list[str], report: Path) -> str:
    """The closing console lines: the corpus, its warnings (files skipped, decoded with a guess, ignored) and
    where the report is."""
    counts: dict[str, int] = {}
    for line in notes:
        parts = line.split(": ")
        known = len(parts) > 2 and parts[1] in ("loaded with warning", "skipped", "ignored")
        status = parts[1] if known else "metadata warning"
        counts[status] = counts.get(status, 0) + 1
    head = ", ".join(f"{n} {status}{'s' if n > 1 and status == 'metadata warning' else ''}"
                     for status, n in sorted(counts.items())) or "every file loaded, no warning"
    shown = corpus.relative_to(ROOT) if corpus.is_relative_to(ROOT) else corpus
    lines = [f"corpus {shown}: {head}"] + [f"  {line}" for line in notes]
    where = report.relative_to(ROOT) if report.is_relative_to(ROOT) else report
    lines.append(f"report: the executed notebooks in {where}/ (open them in JupyterLab: make lab)")
    return "\n".join(lines)


def parse_param(text: str) -> tuple[str, object]:
    """NAME=VALUE with VALUE a Python literal (strings may be given bare)."""
    name, _, value = text.partition("=")
    try:
        return name, ast.literal_eval(value)
    except (ValueError, SyntaxError):
        return name, value


def main(argv: list[str] | None = None) -> int:
    """Run the notebooks (``_main``), then put back the signal handlers it replaced."""
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        return _main(argv)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def start_engine() -> Any:
    """With ENGINE=dask and no DASK_SCHEDULER, start one LocalCluster (DASK_WORKERS processes, default 2) that
    every notebook's kernel uses (through DASK_SCHEDULER); return it (None otherwise), and say where work runs."""
    from corpus_utils import engine

    if not engine.on_dask():
        return None
    if os.environ.get("DASK_SCHEDULER", "").strip():
        print(f"engine: dask, on the cluster at {os.environ['DASK_SCHEDULER']}")
        return None
    cluster = engine.local_cluster()
    os.environ["DASK_SCHEDULER"] = cluster.scheduler_address  # the kernels inherit it
    print(f"engine: dask, a LocalCluster of {len(cluster.workers)} worker processes on this machine")
    return cluster


def _main(argv: list[str] | None = None) -> int:
    """Run the notebooks; print progress and a short error (not a traceback) on failure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", default=[], help="notebook number prefixes to run, e.g. 01 02")
    parser.add_argument("--param", action="append", default=[], help="NAME=VALUE parameter override")
    parser.add_argument("--outdir", default="", help="write notebooks, figures and results under this folder")
    parser.add_argument("--corpus", default="", help="folder (.txt, .md, .html) or table file (CSV/TSV, JSON Lines, "
                        "Parquet; column options after ?) to analyse instead of seeds/")
    parser.add_argument("--timeout", type=int, default=600, help="seconds allowed per cell")
    parser.add_argument("--from-env", action="store_true",
                        help="take --corpus and --outdir from CORPUS_DIR and OUTPUT_DIR (as make passes them)")
    args = parser.parse_args(argv)
    if args.from_env:
        args.corpus = args.corpus or os.environ.get("CORPUS_DIR", "")
        args.outdir = args.outdir or os.environ.get("OUTPUT_DIR", "")
    params = dict(parse_param(p) for p in args.param)
    # --param CORPUS=... and --param OUTDIR=... obey the same rules as --corpus and --outdir
    args.corpus = args.corpus or str(params.pop("CORPUS", ""))
    args.outdir = args.outdir or str(params.pop("OUTDIR", ""))
    if args.corpus:
        from corpus_utils import formats
        from corpus_utils.errors import CorpusError

        try:
            src = formats.source(args.corpus)
        except CorpusError as exc:
            print(f"cannot analyse this corpus: {exc}", file=sys.stderr)
            return 2
        if not (src.path.is_dir() or (src.is_table and src.path.is_file())):
            kinds = ", ".join(formats.TABLE_SUFFIXES)
            print(f"corpus not found: {args.corpus} (a folder of .txt, .md or .html files, or a table file: {kinds})",
                  file=sys.stderr)
            return 2
        params["CORPUS"] = formats.resolved(args.corpus)
    outdir = Path(args.outdir).resolve() if args.outdir else None
    if outdir is None and not is_seeds(params):
        print("CORPUS=... needs OUTDIR=<folder> too, so that the committed figures/ and results/ stay untouched",
              file=sys.stderr)
        return 2
    if outdir is not None:
        if reason := refuse_outdir(outdir):
            print(f"{reason}; choose another folder", file=sys.stderr)
            return 2
        params["OUTDIR"] = str(outdir)
    try:
        from corpus_utils import engine

        engine.current()
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    corpus = Path(str(params.get("CORPUS", SEEDS)))
    try:
        error, notes = checked_apart(corpus)
    except KeyboardInterrupt:
        print("stopped (SIGINT) while checking the corpus: nothing was written", file=sys.stderr)
        return 130
    if error:
        print(f"cannot analyse this corpus: {error}", file=sys.stderr)
        for line in notes:
            print(f"  {line}", file=sys.stderr)
        return 2
    scripts = sorted(NOTEBOOKS.glob("[0-9][0-9]-*.py"))
    if args.only:
        scripts = [s for s in scripts if s.name[:2] in args.only]
    base, folders = output_folders(outdir)
    if restore(base):
        print(f"restored the outputs of an earlier run that was stopped ({base / SNAPSHOT})", file=sys.stderr)
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, _stop)
    threading.Thread(target=_watch_parent, args=(os.getppid(),), daemon=True).start()
    try:
        snapshot(base, folders)
    except OSError as exc:  # e.g. an OUTDIR under /proc, or a full disk: nothing was changed yet
        shutil.rmtree(base / SNAPSHOT, ignore_errors=True)
        print(f"cannot prepare the output folder {base}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    if outdir is not None and not args.only:
        clear_outputs(folders[:2])
    total = time.perf_counter()
    _RUNNING.clear()
    cluster = None
    try:
        cluster = start_engine()
        with asyncio.Runner(loop_factory=_OwnSignals) as loop:
            loop.run(run_all(scripts, folders[2], params, args.timeout))
        if _STOPPED:  # a stop signal that an event-loop callback swallowed: still a stop, never a success
            raise Interrupted(_STOPPED[0])
    except BaseException as caught:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the restore short
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        restore(base)
        exc = caught
        while isinstance(exc, BaseExceptionGroup):  # a failure inside a group of notebooks run side by side
            exc = exc.exceptions[0]
        name = getattr(exc, "notebook", " and ".join(_RUNNING) or "start")
        if _STOPPED or isinstance(exc, KeyboardInterrupt):
            print(f"stopped ({_STOPPED[0] if _STOPPED else 'SIGINT'}) during {name}: the previous outputs were "
                  "restored", file=sys.stderr)
            return 130
        if notes:
            print(summary(corpus, notes, folders[2]), file=sys.stderr)
        lines = [ln for ln in _ANSI.sub("", str(exc)).splitlines() if ln.strip()]
        message = lines[-1] if lines else type(exc).__name__
        if isinstance(exc, CellExecutionError):
            failed = folders[2] / f"{name}.failed.ipynb"
            print(f"FAILED {name}: {message}\n  the notebook with its error: {failed}\n"
                  "  the previous outputs were restored", file=sys.stderr)
        else:
            print(f"FAILED {name}: {type(exc).__name__}: {message}\n  the previous outputs were restored",
                  file=sys.stderr)
        return 1
    finally:
        if cluster is not None:
            cluster.close()
    shutil.rmtree(base / SNAPSHOT, ignore_errors=True)
    print(f"all notebooks done in {time.perf_counter() - total:.1f} s")
    print(summary(corpus, notes, folders[2]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
