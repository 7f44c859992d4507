"""The pip and conda routes pin the same versions; the seeds are the shared corpus, byte for byte."""

from __future__ import annotations

import filecmp
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


def _requirements() -> dict[str, str]:
    lines = (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()
    pins = [ln.split("==") for ln in lines if ln and not ln.startswith("#")]
    return {name.lower(): version for name, version in pins}


def _conda_pins() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    return {name.lower(): version for name, version in (p.split("==") for p in pip_section)}


def test_every_requirement_is_pinned_exactly():
    lines = [ln for ln in (ROOT / "requirements.txt").read_text().splitlines() if ln and not ln.startswith("#")]
    assert all(re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[^=<>~ ]+", ln) for ln in lines)


def test_environment_yml_pins_the_same_versions_as_requirements_txt():
    assert _conda_pins() == _requirements()


def test_environment_yml_asks_for_python_311():
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    assert "python=3.11" in env["dependencies"]


def test_every_direct_dependency_is_in_the_lock():
    direct = [ln.strip().lower() for ln in (ROOT / "requirements.in").read_text().splitlines()
              if ln.strip() and not ln.startswith("#")]
    assert set(direct) <= set(_requirements())


def test_seeds_are_byte_identical_to_the_shared_corpus():
    shared = ROOT.parent / "shared" / "seeds"
    if not shared.is_dir():
        pytest.skip("../shared/seeds is not beside this clone")
    names = sorted(p.name for p in shared.glob("*.txt"))
    assert names == sorted(p.name for p in (ROOT / "seeds").glob("*.txt"))
    assert all(filecmp.cmp(shared / n, ROOT / "seeds" / n, shallow=False) for n in names)
