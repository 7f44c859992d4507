"""Caching: keys that name every input and the code that computes from them, atomic writes, entries that
check their own content, and the forked process pool that the expensive steps share."""

from __future__ import annotations

import hashlib
import io
import json
import multiprocessing
import os
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

from .errors import CorpusWarning

T = TypeVar("T")
NO_CACHE_ENV = "CORPUS_UTILS_NO_CACHE"  # set (make figures NO_CACHE=1): recompute everything, read no cache


def reading_cache() -> bool:
    """False when the environment asks for a run that reads no cache entry (``CORPUS_UTILS_NO_CACHE`` set)."""
    return os.environ.get(NO_CACHE_ENV, "") in ("", "0")


SHARED: dict[str, Any] = {}  # inputs of pool workers, inherited through fork rather than pickled per task


def code_version(*modules: str) -> str:
    """Digest of the source of the named ``corpus_utils`` modules (e.g. ``"topics"``): part of every key."""
    here = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for name in sorted(modules):
        digest.update(name.encode())
        digest.update((here / f"{name}.py").read_bytes())
    return digest.hexdigest()[:16]


def cache_key(modules: Sequence[str], packages: Sequence[str] = ("gensim",), **parts: Any) -> str:
    """A short sha256 of the JSON of the inputs, the code of ``modules`` and the versions of ``packages``."""
    text = json.dumps({**parts, "code": code_version(*modules), "versions": {p: version(p) for p in packages}},
                      sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def atomic_write(path: str | Path, data: str | bytes) -> None:
    """Write ``data`` to a temporary file beside ``path`` and rename it into place: never half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        partial.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        handle = os.open(partial, os.O_RDONLY)
        try:
            os.fsync(handle)  # on disk before the rename: a power cut leaves the old file or the new one
        finally:
            os.close(handle)
        partial.replace(path)
    except OSError as exc:  # e.g. a full disk: one message naming the file; the previous file stays
        raise OSError(exc.errno, f"could not write {path}: {exc.strerror or exc}") from None
    finally:
        try:
            partial.unlink(missing_ok=True)
        except OSError:  # e.g. a read-only file system: there is no partial file to remove
            pass


@contextmanager
def _flocked(handle: int) -> Iterator[None]:
    """Hold an exclusive lock on an open file or folder ``handle``; closing it releases the lock."""
    import fcntl

    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)


@contextmanager
def folder_lock(folder: str | Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` (created if missing) while a shared file in it is read and rewritten:
    writers that run side by side take turns, so none loses another's rows."""
    Path(folder).mkdir(parents=True, exist_ok=True)
    with _flocked(os.open(folder, os.O_RDONLY)):
        yield


@contextmanager
def entry_lock(path: str | Path) -> Iterator[None]:
    """Hold an exclusive lock on the cache entry ``path`` (through ``<path>.lock``) while it is computed and
    written: a notebook running side by side that needs the same entry waits and then reads it, rather than
    computing it again at the same time. Without a writable folder, no lock (the caller still computes)."""
    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        handle = os.open(f"{path}.lock", os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        yield
        return
    with _flocked(handle):
        yield


def kept(path: str | Path, read: Callable[[], T | None], compute: Callable[[], T], write: Callable[[T], None],
         unwritten: str) -> T:
    """``read()`` the entry at ``path``, or ``compute()`` and ``write`` it, holding the entry's lock: a notebook
    side by side that needs the same entry waits, then reads it. A folder that cannot be written slows the next
    run down, it does not stop this one: a CorpusWarning says so (``unwritten``, e.g. "the tokens are not
    cached")."""
    with entry_lock(path):
        found = read()
        if found is not None:
            return found
        result = compute()
        try:  # atomic, with a digest of its content: a cut or altered entry is found and recomputed
            write(result)
        except OSError as exc:  # e.g. a full or read-only cache folder
            warnings.warn(f"{exc.strerror}; {unwritten}, the run goes on", CorpusWarning, stacklevel=3)
    return result


def _content_digest(data: Any) -> str:
    """sha256 of the canonical JSON of ``data``."""
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode("utf-8")).hexdigest()


def read_entry(path: str | Path, key: str) -> Any | None:
    """The data of a JSON cache entry if its key is ``key`` and its content digest checks; else None
    (an unreadable or altered entry is reported once, as a CorpusWarning naming the file)."""
    path = Path(path)
    if not path.exists() or not reading_cache():
        return None
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
        if entry.get("key") != key:
            return None
        if entry.get("content") != _content_digest(entry["data"]):
            raise ValueError("content does not match its digest")
    except (OSError, ValueError, KeyError, AttributeError, TypeError) as exc:
        warnings.warn(f"{path}: cache entry ignored and recomputed ({exc})", CorpusWarning, stacklevel=2)
        return None
    return entry["data"]


def read_checked(path: str | Path) -> Any:
    """The data of a JSON cache entry whatever its key (for a reader of a result, not its maker), if its
    content digest checks; ValueError naming the file and the reason otherwise."""
    path = Path(path)
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
        if entry.get("content") != _content_digest(entry["data"]):
            raise ValueError("content does not match its digest")
    except (OSError, ValueError, KeyError, AttributeError, TypeError) as exc:
        raise ValueError(f"{path}: cannot be used ({exc}); run make figures to write it again") from None
    return entry["data"]


def write_entry(path: str | Path, key: str, data: Any) -> None:
    """Write a JSON cache entry (key, content digest, data) atomically; stable bytes for the same data."""
    entry = {"key": key, "content": _content_digest(data), "data": data}
    atomic_write(path, json.dumps(entry, sort_keys=True, indent=None, separators=(",", ":")) + "\n")


def read_pickled(path: str | Path, key: str) -> Any | None:
    """The object of a binary cache entry (a JSON header line with its key and the payload's digest, then the
    pickled payload) if its key is ``key`` and its payload checks; else None (a cut or altered entry is
    reported once, as a CorpusWarning naming the file). For the suite's own cache folder only: unpickling
    runs code, so an entry is read only after its digest matches."""
    import pickle

    path = Path(path)
    if not path.exists() or not reading_cache():
        return None
    try:
        with path.open("rb") as handle:
            header = json.loads(handle.readline())
            if header.get("key") != key:
                return None
            payload = handle.read()
        if header.get("content") != hashlib.sha256(payload).hexdigest():
            raise ValueError("content does not match its digest")
        return pickle.loads(payload)
    except (OSError, ValueError, KeyError, AttributeError, TypeError, EOFError, pickle.UnpicklingError) as exc:
        warnings.warn(f"{path}: cache entry ignored and recomputed ({exc})", CorpusWarning, stacklevel=2)
        return None


def write_pickled(path: str | Path, key: str, data: Any) -> None:
    """Write a binary cache entry (header line with key and payload digest, then the pickle) atomically."""
    import pickle

    payload = pickle.dumps(data, protocol=5)
    header = json.dumps({"key": key, "content": hashlib.sha256(payload).hexdigest()}, sort_keys=True)
    atomic_write(path, header.encode("utf-8") + b"\n" + payload)


def cached_json(path: str | Path | None, key: str, compute: Callable[[], Any], reuse: bool = True) -> Any:
    """The JSON-able result of ``compute()``, read from ``path`` when its entry has ``key`` (and ``reuse``),
    else computed and written there."""
    if path is not None and reuse:
        found = read_entry(path, key)
        if found is not None:
            return found
    data = compute()
    if path is not None:
        write_entry(path, key, data)
    return data


@contextmanager
def shared(**inputs: Any) -> Iterator[None]:
    """Make ``inputs`` visible to forked pool workers (``SHARED``) for the duration of the block."""
    SHARED.update(inputs)
    try:
        yield
    finally:
        for name in inputs:
            SHARED.pop(name, None)


def pool_map(worker: Callable[[Any], Any], tasks: Sequence[Any], n_jobs: int,
             cost: Callable[[Any], float] | None = None, start: str = "fork") -> list[Any]:
    """``worker`` over ``tasks`` in ``n_jobs`` processes (serially for one), results in task order.

    With ``cost``, the most expensive tasks start first, so no worker is left alone with a long one at the end.
    Workers are forked (they see ``SHARED``), or with ``start="spawn"`` fresh interpreters that import only what
    ``worker`` needs: for tasks that carry all their inputs, so a worker does not hold a copy of a large kernel.
    With ENGINE=dask, each task is one Dask task instead (``engine.map_tasks``), with ``SHARED`` sent along.
    """
    from . import engine

    if engine.on_dask() and len(tasks) > 1:
        return engine.map_tasks(worker, list(tasks), dict(SHARED))
    if n_jobs <= 1 or len(tasks) <= 1:
        return [worker(t) for t in tasks]
    order = sorted(range(len(tasks)), key=lambda i: (-cost(tasks[i]), i)) if cost else list(range(len(tasks)))
    with ProcessPoolExecutor(n_jobs, mp_context=multiprocessing.get_context(start)) as pool:
        done = list(pool.map(worker, [tasks[i] for i in order]))
    results: list[Any] = [None] * len(tasks)
    for i, result in zip(order, done, strict=True):
        results[i] = result
    return results


def jsonable(table: Mapping[str, Any]) -> dict[str, Any]:
    """A mapping with numpy arrays turned into nested lists (for a JSON cache entry)."""
    return {k: (v.tolist() if hasattr(v, "tolist") else v) for k, v in table.items()}


def frame_text(frame: pd.DataFrame) -> str:
    """The CSV of a cached table with a last column ``content``: the digest of the CSV without it."""
    body = frame.to_csv(index=False, lineterminator="\n")
    digest = hashlib.sha256(body.encode("utf-8")).hexdigest()[:16]
    return frame.assign(content=digest).to_csv(index=False, lineterminator="\n")


def frame_problem(text: str) -> str:
    """Why the text of a cached table does not check (no digest, rows cut or altered), or "" if it does."""
    lines = text.split("\n")
    if not text.endswith("\n") or len(lines) < 3 or not lines[0].endswith(",content"):
        return "no content digest, or the file is cut off"
    digest = lines[-2].rsplit(",", 1)[-1]
    stripped = [lines[0][: -len(",content")]] + [
        line[: -len(digest) - 1] if line.endswith(f",{digest}") else line for line in lines[1:]]
    if hashlib.sha256("\n".join(stripped).encode("utf-8")).hexdigest()[:16] != digest:
        return "content does not match its digest (rows cut or altered)"
    return ""


def cached_frame(path: str | Path | None, key: str, compute: Callable[[], pd.DataFrame],
                 reuse: bool = True) -> pd.DataFrame:
    """The table for ``key``: from the CSV at ``path`` if it exists, its ``inputs`` column is ``key``, its
    ``content`` digest checks (an altered or cut table is reported once and recomputed) and ``reuse``; else
    computed and written there atomically."""
    if path is not None and reuse and reading_cache() and Path(path).exists():
        try:
            text = Path(path).read_text(encoding="utf-8")
            table = pd.read_csv(io.StringIO(text), dtype={"inputs": str, "content": str})
        except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            text, table = "", pd.DataFrame()
            warnings.warn(f"{path}: cached table ignored and recomputed ({exc})", CorpusWarning, stacklevel=2)
        keys = set(table["inputs"].dropna().astype(str)) if "inputs" in table else set()
        if text and not (keys and key not in keys):  # silent only when the table is for other inputs
            problem = frame_problem(text) or ("" if keys == {key} and table["inputs"].notna().all()
                                              else "rows for other inputs, or a row cut off")
            if not problem:
                return table.drop(columns="content")
            warnings.warn(f"{path}: cached table ignored and recomputed ({problem})", CorpusWarning, stacklevel=2)
    frame = compute()
    if path is not None:
        atomic_write(path, frame_text(frame))
    return frame
