"""Coding by people: each answer saved at once and atomically to the coder's own file, resumable, blind, and
read back by notebook 03 without losing or mixing anything."""

from __future__ import annotations

import os
import subprocess
import sys

import nbformat
import pandas as pd
import pytest

import corpus_utils as cu
from corpus_utils import coding, validation, widgets
from corpus_utils.framing import frame_names

from .conftest import SEEDS


@pytest.fixture(scope="module")
def sections():
    return cu.load_corpus(SEEDS)


def _answer(frame: str = "regional_cooperation", function: str = "background") -> dict[str, object]:
    return {"primary_frame": frame, "function": function, **{c: 1 for c in validation.salience_columns()}}


def test_each_answer_is_one_row_of_the_coders_file(tmp_path, sections):
    for i in range(3):
        coding.save_coding(tmp_path, "ab", sections.iloc[i].to_dict(), _answer(), order=i + 1)
    table = pd.read_csv(tmp_path / "coding_ab.csv")
    assert len(table) == 3 and list(table.columns) == coding.CODING_COLUMNS


def test_answering_a_section_again_replaces_its_row(tmp_path, sections):
    unit = sections.iloc[0].to_dict()
    coding.save_coding(tmp_path, "ab", unit, _answer("external_powers"), order=1)
    coding.save_coding(tmp_path, "ab", unit, _answer("military_defense"), order=1)
    assert pd.read_csv(tmp_path / "coding_ab.csv")["primary_frame"].tolist() == ["military_defense"]


def test_a_save_leaves_no_temporary_file(tmp_path, sections):
    coding.save_coding(tmp_path, "ab", sections.iloc[0].to_dict(), _answer(), order=1)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["coding_ab.csv"]


def test_an_unreadable_coder_file_is_never_overwritten(tmp_path, sections):
    path = tmp_path / "coding_ab.csv"
    path.write_bytes(b"not,a\ncoder file\x00\n")
    with pytest.raises(coding.CodingFileError, match=r"coding_ab\.csv"):
        coding.save_coding(tmp_path, "ab", sections.iloc[0].to_dict(), _answer(), order=1)
    assert path.read_bytes() == b"not,a\ncoder file\x00\n"


def test_an_answer_outside_the_codebook_is_refused_and_not_saved(tmp_path, sections):
    with pytest.raises(ValueError, match="primary_frame"):
        coding.save_coding(tmp_path, "ab", sections.iloc[0].to_dict(), _answer("peace"), order=1)
    assert not (tmp_path / "coding_ab.csv").exists()


@pytest.mark.parametrize("coder", ["", "a b", "../x", "x" * 41, "é"])
def test_a_coder_id_that_cannot_name_a_file_is_refused(coder):
    with pytest.raises(ValueError, match="coder id"):
        coding.check_coder(coder)


def test_each_coder_has_an_order_of_their_own_and_the_same_one_on_return():
    first = coding.coder_order(53, "ab", 42)
    assert (first == coding.coder_order(53, "AB ", 42)).all()
    assert not (first == coding.coder_order(53, "cd", 42)).all()
    assert sorted(first) == list(range(53))


def test_a_coding_of_edited_text_is_set_aside_and_counted(tmp_path, sections):
    coding.save_coding(tmp_path, "ab", sections.iloc[0].to_dict(), _answer(), order=1)
    edited = sections.iloc[1].to_dict() | {"text": "changed text"}
    coding.save_coding(tmp_path, "ab", edited, _answer(), order=2)
    people, record = coding.people_codings(tmp_path, sections)
    assert people["ab"]["primary_frame"].notna().sum() == 1
    assert record.iloc[0][["rows", "used", "set_aside"]].tolist() == [2, 1, 1]


def test_an_unreadable_coder_file_is_recorded_not_dropped_silently(tmp_path, sections):
    (tmp_path / "coding_zz.csv").write_text("a,b\n1,2\n")
    people, record = coding.people_codings(tmp_path, sections)
    assert people == {} and "coding_zz.csv" in record.iloc[0]["problem"]


def test_the_coding_form_resumes_at_the_first_unanswered_section(tmp_path, sections):
    form = widgets.CodingForm(sections, tmp_path, seed=42)
    form.coder_box.value = "ab"
    form._begin()
    for _ in range(2):
        form.frame.value, form.function.value = frame_names()[0], "remedy"
        form._save()
    again = widgets.CodingForm(sections, tmp_path, seed=42)
    again.coder_box.value = "ab"
    again._begin()
    assert again.position == 2 and "2 of 53 answered already" in again.message.value


def test_the_coding_form_shows_no_article_title_or_score(sections):
    form = widgets.CodingForm(sections, "unused", seed=42)
    form.coder = "ab"
    form.order = coding.coder_order(len(sections), "ab", 42)
    for position in range(len(sections)):
        form.show(position)
        row = sections.iloc[int(form.order[position])]
        assert row["doc_id"] not in form.text.value and row["title"] not in form.text.value


def test_the_coding_form_refuses_to_save_without_a_frame_and_a_function(tmp_path, sections):
    form = widgets.CodingForm(sections, tmp_path, seed=42)
    form.coder_box.value = "ab"
    form._begin()
    form._save()
    assert "choose a primary frame" in form.message.value and not (tmp_path / "coding_ab.csv").exists()


def test_alpha_among_all_coders_allows_coders_who_coded_some_sections(sections):
    full = sections[["doc_id", "section"]].assign(primary_frame=["a", "b"] * 26 + ["a"], function="x")
    part = full.copy()
    part.loc[3:, ["primary_frame", "function"]] = None
    table = validation.all_coder_agreement({"one": full, "two": full, "three": part}, n_boot=50)
    frame = table.set_index("coding").loc["primary frame"]
    assert frame["coders"] == 3 and frame["units_coded_twice"] == 53 and frame["krippendorff_alpha"] == 1.0


def test_the_dictionary_is_compared_with_each_coder_on_what_they_coded(sections):
    coder = sections[["doc_id", "section"]].assign(primary_frame=None, function=None)
    coder.loc[:4, ["primary_frame", "function"]] = ["a", "x"]
    predicted = pd.DataFrame({"primary_frame": ["a"] * 53, "function": ["y"] * 53})
    table = validation.against_each(predicted, {"p": coder}, n_boot=50).set_index("field")
    assert table.loc["primary_frame", "n"] == 5 and table.loc["primary_frame", "accuracy"] == 1.0
    assert table.loc["function", "accuracy"] == 0.0


@pytest.mark.slow
def test_notebook_03_reports_every_coder_file_it_finds(repo_copy, sections):
    for i in range(5):
        coding.save_coding(repo_copy / "validation", "p1", sections.iloc[i].to_dict(), _answer(), order=i + 1)
    env = {**os.environ, "PYTHONPATH": str(repo_copy)}
    run = subprocess.run([sys.executable, "tools/run_notebooks.py", "--only", "03"], cwd=repo_copy, env=env,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    nb = nbformat.read(repo_copy / "notebooks" / "03-framing.ipynb", as_version=4)
    shown = "".join(str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", ""))
                    for c in nb.cells for o in c.get("outputs", []))
    assert "coders: 3; coding files: p1: 5 sections, 0 rows set aside" in shown
    assert "p1 (person (coding widget))" in shown


def test_the_readme_says_no_person_has_answered_only_while_no_answer_file_exists():
    root = SEEDS.parent
    says_none = "No person has answered yet" in (root / "README.md").read_text(encoding="utf-8")
    assert says_none == (not coding.coder_files(root / "validation", "intrusion"))
    says_none = "None yet." in (root / "validation" / "README.md").read_text(encoding="utf-8")
    assert says_none == (not coding.coder_files(root / "validation"))


def test_a_digest_of_digits_only_keeps_its_leading_zero_and_its_row(tmp_path, sections, monkeypatch):
    monkeypatch.setattr(coding, "text_digest", lambda heading, text: "0123456789012345")
    unit = sections.iloc[0].to_dict()
    coding.save_coding(tmp_path, "ab", unit, _answer("external_powers"), order=1)
    coding.save_coding(tmp_path, "ab", unit, _answer("military_defense"), order=1)
    people, _ = coding.people_codings(tmp_path, sections)
    assert pd.read_csv(tmp_path / "coding_ab.csv", dtype=str)["text_digest"].tolist() == ["0123456789012345"]
    assert people["ab"]["primary_frame"].notna().sum() == 1


def test_an_answer_that_reads_like_missing_stays_a_word(tmp_path):
    item = {"item": "word-01", "kind": "word", "options": ["null", "b"], "digest": "x1"}
    coding.save_intrusion(tmp_path, "ab", item, "null")
    answers, _ = coding.intrusion_answers(tmp_path)
    assert answers["chosen"].tolist() == ["null"]


def test_codes_outside_the_codebook_are_set_aside_and_recorded(tmp_path, sections):
    coding.save_coding(tmp_path, "ab", sections.iloc[0].to_dict(), _answer(), order=1)
    coding.save_coding(tmp_path, "ab", sections.iloc[1].to_dict(), _answer(), order=2)
    path = tmp_path / "coding_ab.csv"
    path.write_text(path.read_text().replace(",regional_cooperation,", ",peace,", 1))
    people, record = coding.people_codings(tmp_path, sections)
    assert people["ab"]["primary_frame"].notna().sum() == 1
    assert record.iloc[0]["problem"] == "1 rows with a code outside the codebook set aside"


def test_a_coder_file_with_a_name_that_is_no_coder_id_is_recorded_not_skipped(tmp_path, sections):
    (tmp_path / "coding_ab (1).csv").write_text("x\n")
    _, record = coding.people_codings(tmp_path, sections)
    assert "rename it" in record.iloc[0]["problem"]
