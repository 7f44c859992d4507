"""The README's numbers are the committed results' numbers: a changed result cannot leave a stale sentence."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def readme() -> str:
    return re.sub(r"\s+", " ", (ROOT / "README.md").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def report() -> pd.DataFrame:
    return pd.read_csv(ROOT / "results" / "validation.csv").set_index("method")


def test_readme_dictionary_agreement_is_the_committed_one(readme, report):
    row = report.loc["tuned dictionary (in-sample)"]
    hits = round(row["accuracy"] * row["n"])
    assert f"{hits} of {int(row['n'])} primary frames" in readme
    assert f"kappa {row['kappa']:.2f}, 95% interval {row['kappa_low']:.2f}-{row['kappa_high']:.2f}" in readme


def test_readme_definitions_only_kappa_is_the_committed_one(readme, report):
    assert f"definitions-only dictionary kappa {report.loc['definitions-only dictionary', 'kappa']:.2f}" in readme


def test_readme_function_agreement_is_the_committed_one(readme, report):
    assert f"kappa {report.loc['function cues (in-sample)', 'kappa']:.2f} in-sample" in readme
    assert f"({report.loc['function cues, body only (in-sample)', 'kappa']:.2f} from the body alone)" in readme
    row = report.loc["cue-feature classifier, leave one article out"]
    assert f"kappa {row['kappa']:.2f} (95% interval {row['kappa_low']:.2f}-{row['kappa_high']:.2f})" in readme
    assert ("short of the 0.8 target" in readme) == (row["kappa"] < 0.8)


def test_readme_count_of_corrected_article_differences_is_the_committed_one(readme):
    table = pd.read_csv(ROOT / "results" / "frames_by_article.csv")
    assert f"{int((table['q_value'] < 0.05).sum())} of {len(table)} article x frame differences" in readme


def test_readme_says_no_tie_beats_the_null_only_if_none_does(readme):
    ties = pd.read_csv(ROOT / "results" / "actor_ties.csv")
    assert ("no co-mention tie beats a permutation null" in readme) == bool((ties["q_value"] >= 0.05).all())
