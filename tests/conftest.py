"""Shared fixtures: the seed corpus and a factory for small corpora written to a temporary folder."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"

ARTICLE = """A Short Article on Border Security

Border Cooperation in the Region
Border agencies of Kazakhstan and Uzbekistan share information on smuggling routes.
They also hold joint patrols every spring.

Key aspects include:
  1. Joint patrols along the border.
  2. Shared databases of incidents.

Future Steps
States should build trust through regular dialogue.
"""


def committed_topic_count() -> int:
    """Number of topics of the committed final model (results/topic_terms.csv)."""
    lines = (ROOT / "results" / "topic_terms.csv").read_text(encoding="utf-8").splitlines()[1:]
    return len({line.split(",")[0] for line in lines})


@pytest.fixture
def seeds() -> Path:
    """The committed seed corpus."""
    return SEEDS


@pytest.fixture
def make_corpus(tmp_path: Path) -> Callable[[dict[str, bytes | str]], Path]:
    """Write files (name -> text or bytes) into a fresh folder and return it."""

    def _make(files: dict[str, bytes | str]) -> Path:
        folder = tmp_path / "corpus"
        folder.mkdir(exist_ok=True)
        for name, content in files.items():
            data = content.encode("utf-8") if isinstance(content, str) else content
            (folder / name).write_bytes(data)
        return folder

    return _make


@pytest.fixture()
def repo_copy(tmp_path: Path) -> Path:
    """The repository's tracked files (as they are in the working tree) in a temporary folder."""
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    copy = tmp_path / "repo"
    for name in files.decode().split("\0"):
        if name and (ROOT / name).is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, copy / name)
    return copy
