"""Profiling: wall time and memory of the pipeline's stages, written only when CORPUS_UTILS_PROFILE names a file."""

from __future__ import annotations

import functools
import json
import multiprocessing
import os
import re
import resource
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

ENV = "CORPUS_UTILS_PROFILE"
STAGES = ("load+clean", "tokens", "dictionary", "K sweep", "final fit", "model comparison", "pyLDAvis", "framing",
          "actors", "validation", "stats", "figures")
F = TypeVar("F", bound=Callable[..., Any])
_active: list[str] = []


def _reset_peak() -> bool:
    """Reset this process's peak resident memory (Linux ``clear_refs``); False where that is not possible."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _own_peak_mb(reset: bool) -> float:
    """Peak resident memory of this process (MB): since the last reset if there was one, else since it started."""
    if reset:
        found = re.search(r"VmHWM:\s+(\d+) kB", Path("/proc/self/status").read_text())
        if found:
            return int(found.group(1)) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _children_peak_mb() -> float:
    """Peak resident memory (MB) of the largest child process waited for so far (pool workers)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def stage(name: str) -> Callable[[F], F]:
    """Decorator: record the call's wall time and peak memory under ``name`` (outermost call, notebook process only)."""
    if name not in STAGES:
        raise ValueError(f"unknown stage {name!r}; stages are {', '.join(STAGES)}")

    def wrap(func: F) -> F:
        @functools.wraps(func)
        def inner(*args: Any, **kwargs: Any) -> Any:
            path = os.environ.get(ENV)
            if not path or _active or multiprocessing.parent_process() is not None:
                return func(*args, **kwargs)  # a worker's calls are timed by the staged call that sent them
            _active.append(name)
            reset, children = _reset_peak(), _children_peak_mb()
            start = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                _active.pop()
                workers = _children_peak_mb()
                record = {"stage": name, "function": f"{func.__module__}.{func.__qualname__}",
                          "seconds": round(time.perf_counter() - start, 4),
                          "peak_mb": round(_own_peak_mb(reset), 1),
                          "worker_peak_mb": round(workers, 1) if workers > children else 0.0, "pid": os.getpid()}
                with open(path, "a", encoding="utf-8") as out:
                    out.write(json.dumps(record) + "\n")

        return inner  # type: ignore[return-value]

    return wrap
