"""Progress: one line of progress for long steps, in place in a notebook and as log lines elsewhere."""

from __future__ import annotations

import sys


def log(message: str) -> None:
    """Timings of long steps on the process's stderr, outside notebooks only: inside a Jupyter kernel they
    would become notebook output that changes from run to run (the notebook shows ``Progress`` instead)."""
    if "ipykernel" not in sys.modules and sys.__stderr__ is not None:
        print(f"[corpus_utils] {message}", file=sys.__stderr__, flush=True)


class Progress:
    """One line of progress in a notebook, updated in place; it ends with the same text whether the work
    was done or read from the cache, so stored notebooks do not depend on the cache."""

    def __init__(self, text: str) -> None:
        self.handle = None
        if "ipykernel" in sys.modules:
            from IPython.display import Pretty, display

            self.handle = display(Pretty(text), display_id=True)

    def update(self, text: str) -> None:
        """Replace the line (in a notebook) or log it (elsewhere)."""
        if self.handle is not None:
            from IPython.display import Pretty

            self.handle.update(Pretty(text))
        else:
            log(text)
