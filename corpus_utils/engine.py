"""Engine: where the parallel work runs. ``ENGINE=local`` (the default): this process and pools of worker
processes on this machine. ``ENGINE=dask``: Dask, on a ``LocalCluster`` of this machine started on first
use, or on the cluster whose scheduler ``DASK_SCHEDULER`` names (``tcp://host:8786``). Results are the same
either way."""

from __future__ import annotations

import itertools
import logging
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import partial
from typing import Any

ENGINES = ("local", "dask")
PARTITION = 500  # items per Dask bag partition
WINDOW = 20_000  # items sent to the cluster at a time: the driver never holds more than this many results ahead
LOCAL_MIN_ITEMS = 5_000  # below this many items, a per-item stage runs in this process (a pool costs ~2 s to start)
JOBS_ENV = "CORPUS_UTILS_JOBS"  # processes for the per-document stages here (default: 2, or 1 on one core)
_CLIENT: Any = None
_LOCAL: list[bool] = []  # set inside ``here()``


def current() -> str:
    """The engine named by the ENGINE environment variable ('local' when unset or inside ``here()``);
    ValueError for another name."""
    name = os.environ.get("ENGINE", "").strip().lower() or "local"
    if _LOCAL:
        return "local"
    if name not in ENGINES:
        raise ValueError(f"ENGINE={name!r} is not an engine of the suite (choose one of: {', '.join(ENGINES)})")
    return name


@contextmanager
def here() -> Iterator[None]:
    """Run the block on this machine whatever ENGINE says (e.g. the runner's quick check of the corpus)."""
    _LOCAL.append(True)
    try:
        yield
    finally:
        _LOCAL.pop()


def on_dask() -> bool:
    """True when the work goes to Dask."""
    return current() == "dask"


def client() -> Any:
    """The Dask client, created on first use: connected to DASK_SCHEDULER if set, else to a LocalCluster of
    DASK_WORKERS (default 2) worker processes, one thread each, without a dashboard."""
    global _CLIENT
    if _CLIENT is None:
        from dask.distributed import Client

        address = os.environ.get("DASK_SCHEDULER", "").strip()
        if address:
            try:
                _CLIENT = Client(address, timeout="30s")
            except OSError as exc:
                raise RuntimeError(f"cannot reach the Dask scheduler at DASK_SCHEDULER={address} ({exc})") from None
        else:
            _CLIENT = Client(local_cluster())
    return _CLIENT


def local_cluster() -> Any:
    """A LocalCluster of DASK_WORKERS (default 2) worker processes, one thread each, without a dashboard."""
    from dask.distributed import LocalCluster

    workers = int(os.environ.get("DASK_WORKERS", "2"))
    return LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                        silence_logs=logging.ERROR)


def close() -> None:
    """Close the client (and a LocalCluster it started)."""
    global _CLIENT
    if _CLIENT is not None:
        cluster = _CLIENT.cluster
        _CLIENT.close()
        if cluster is not None:
            cluster.close()
        _CLIENT = None


def _with_shared(worker: Callable[[Any], Any], shared: Mapping[str, Any], task: Any) -> Any:
    """Run ``worker`` on a Dask worker with the inputs a forked pool would have inherited (caching.SHARED)."""
    from . import caching

    caching.SHARED.update(shared)
    return worker(task)


def map_tasks(worker: Callable[[Any], Any], tasks: Sequence[Any], shared: Mapping[str, Any] | None = None
              ) -> list[Any]:
    """``worker`` over ``tasks`` as one Dask task each (e.g. one LDA fit), results in task order; ``shared``
    inputs are sent to every worker once."""
    c = client()
    inputs = c.scatter(dict(shared or {}), broadcast=True, hash=False)
    futures = [c.submit(partial(_with_shared, worker), inputs, task, pure=False) for task in tasks]
    return c.gather(futures)


def _apply(part: Iterable[Any], func: Callable[..., Any], *consts: Any) -> list[Any]:
    """``func(*consts, item)`` over one partition (a Dask bag's, or a part of a window in a local worker)."""
    return [func(*consts, item) for item in part]


def bag_map(func: Callable[..., Any], items: Iterable[Any], *consts: Any) -> Iterator[Any]:
    """``func(*consts, item)`` over ``items`` as a Dask bag of ``PARTITION``-item partitions, ``WINDOW`` items
    at a time; results in the order of the items (a per-document stage: parse, tokenise, score). ``consts``
    (e.g. a dictionary) are sent to every worker once, not with each partition."""
    import dask.bag as db

    c = client()
    sent = [c.scatter([value], broadcast=True, hash=False)[0] for value in consts]
    it = iter(items)
    while window := list(itertools.islice(it, WINDOW)):
        bag = db.from_sequence(window, partition_size=PARTITION).map_partitions(_apply, func, *sent)
        yield from c.compute(bag, sync=True)


def mapper() -> Callable[[Callable[[Any], Any], Iterable[Any]], Iterable[Any]]:
    """The per-item map of the current engine: ``local_map`` (this machine) or ``bag_map`` (Dask)."""
    return bag_map if on_dask() else local_map


def local_jobs() -> int:
    """Processes for a per-document stage on this machine: CORPUS_UTILS_JOBS, else 2 (1 on a one-core machine)."""
    value = os.environ.get(JOBS_ENV, "").strip()
    if value:
        try:
            return max(1, int(value))
        except ValueError:
            raise ValueError(f"{JOBS_ENV}={value!r} is not a number of processes") from None
    return min(2, os.cpu_count() or 1)


def local_map(func: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
    """``func`` over ``items`` on this machine, results in order: lazily in this process for fewer than
    ``LOCAL_MIN_ITEMS`` items (or one job), else ``WINDOW`` items at a time in ``local_jobs()`` fresh worker
    processes, ``PARTITION`` items per task: memory holds one window's results, never the whole corpus's."""
    jobs = local_jobs()
    it = iter(items)
    head = list(itertools.islice(it, LOCAL_MIN_ITEMS))
    if jobs <= 1 or len(head) < LOCAL_MIN_ITEMS:
        yield from map(func, itertools.chain(head, it))
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # spawned, not forked: a fork of a large kernel would hold a copy of it in each worker
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
        window = head + list(itertools.islice(it, WINDOW - len(head)))
        while window:
            parts = [window[i : i + PARTITION] for i in range(0, len(window), PARTITION)]
            for done in pool.map(partial(_apply, func=func), parts):
                yield from done
            window = list(itertools.islice(it, WINDOW))


def _summarise(part: Iterable[Any], summarise: Callable[[list[Any]], Any]) -> list[Any]:
    """The summary of one partition, as a one-item partition."""
    return [summarise(list(part))]


def reduce(summarise: Callable[[list[Any]], Any], combine: Callable[[Any, Any], Any], items: Sequence[Any]) -> Any:
    """``summarise(items)``: on Dask, each partition summarised where it lies and the summaries combined
    (``combine`` must be associative and commutative, e.g. adding counts); here, in one pass."""
    if not on_dask() or not items:
        return summarise(list(items))
    import dask.bag as db

    bag = db.from_sequence(list(items), partition_size=PARTITION).map_partitions(_summarise, summarise)
    return bag.fold(combine).compute(scheduler=client())


def _counts(items: list[Any], func: Callable[[Any], Iterable[str]]) -> Counter[str]:
    """The counts of the keys ``func`` yields over ``items``."""
    total: Counter[str] = Counter()
    for item in items:
        total.update(func(item))
    return total


def count(func: Callable[[Any], Iterable[str]], items: Sequence[Any]) -> Counter[str]:
    """Sum over ``items`` of the counts of ``func(item)`` (the keys it yields): on Dask, counted per partition
    and reduced by addition; here, in one pass."""
    return reduce(partial(_counts, func=func), add, items)


def add(a: Any, b: Any) -> Any:
    """a + b (a picklable reducer)."""
    return a + b
