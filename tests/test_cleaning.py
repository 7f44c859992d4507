"""Cleaning: boilerplate removed with a record, Unicode normalised, every other word kept."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

import corpus_utils as cu
from corpus_utils.cleaning import clean_lines, match_rule
from corpus_utils.tokens import words

BOILERPLATE = [
    "\U0001f4a1 AI-Assisted Content: Parts of this article were generated with the help of AI.",
    "See also  Enhancing Maritime Domain Security in Central Asia: Challenges and Strategies",
    "Scroll to Top",
]


def test_audit_lists_every_removed_line_with_file_line_and_rule(seeds):
    audit = cu.cleaning_audit(seeds)
    assert list(audit.columns) == ["file", "line", "rule", "text"]
    assert audit["rule"].value_counts().to_dict() == {"see_also": 6, "ai_disclaimer": 3, "scroll_to_top": 2}
    row = audit[(audit["file"] == "001_1851a3015308c7e1.txt") & (audit["line"] == 39)].iloc[0]
    assert row["rule"] == "see_also"


def test_audit_line_numbers_point_at_the_removed_lines(seeds):
    for row in cu.cleaning_audit(seeds).itertuples():
        raw = (seeds / row.file).read_text(encoding="utf-8").split("\n")[row.line - 1]
        assert cu.normalize_text(raw).strip() == row.text


def test_cleaned_seeds_contain_no_boilerplate(seeds):
    text = "\n".join(cu.load_corpus(seeds)["text"])
    assert "AI-Assisted" not in text and "See also" not in text and "Scroll to Top" not in text


def test_each_boilerplate_rule_matches_its_example():
    assert [match_rule(line) for line in BOILERPLATE] == ["ai_disclaimer", "see_also", "scroll_to_top"]


def test_a_sentence_mentioning_see_also_in_the_middle_is_kept():
    assert match_rule("Readers may see also the annex.") is None


def test_normalisation_maps_quotes_spaces_and_line_ends():
    raw = "\ufeffChina\u2019s \u201cpivot\u201d\u00a0now\r\nnext\rline"
    assert cu.normalize_text(raw) == "China's \"pivot\" now\nnext\nline"


def test_normalisation_keeps_the_words():
    raw = "Kazakhstan\u2019s\u00a0policy \u2014 a \u201cmulti-vector\u201d approach"
    assert [w.replace("\u2019", "'") for w in words(raw)] == words(cu.normalize_text(raw))


@given(st.text())
def test_cleaning_is_idempotent(text):
    once = cu.clean_text(text)
    assert cu.clean_text(once) == once


_word = st.text(alphabet="abcdefghijklmnopqrstuvwxyzÁéüçKZ\u2019'-", min_size=1, max_size=12)
_line = st.lists(_word, min_size=0, max_size=12).map(lambda ws: " ".join(ws))
_sep = st.sampled_from(["\n", "\r\n"])


@given(st.lists(st.one_of(_line, st.sampled_from(BOILERPLATE)), max_size=30), _sep)
def test_cleaning_keeps_every_word_that_is_not_boilerplate(lines, sep):
    text = sep.join(lines)
    expected = [w for line in lines if match_rule(cu.normalize_text(line)) is None
                for w in words(cu.normalize_text(line))]
    assert words(cu.clean_text(text)) == expected


@given(st.lists(st.one_of(_line, st.sampled_from(BOILERPLATE)), max_size=30))
def test_kept_and_removed_lines_partition_the_text(lines):
    kept, removed = clean_lines("\n".join(lines))
    numbers = sorted([n for n, _ in kept] + [n for n, _, _ in removed])
    assert numbers == list(range(1, len(lines) + 1)) or (not lines and numbers == [1])
