"""load_corpus and load_paragraphs: sections in reading order, headings from the text's own shape."""

from __future__ import annotations

import pandas as pd

import corpus_utils as cu
from corpus_utils.loading import is_heading_shaped

from .conftest import ARTICLE


def test_load_corpus_has_the_documented_columns(seeds):
    assert list(cu.load_corpus(seeds).columns) == ["doc_id", "title", "section", "heading", "text", "n_words"]


def test_one_row_per_section_in_reading_order(seeds):
    df = cu.load_corpus(seeds)
    for _, part in df.groupby("doc_id"):
        assert part["section"].tolist() == list(range(len(part)))
    assert df["doc_id"].tolist() == sorted(df["doc_id"])


def test_doc_id_is_the_file_stem(seeds):
    assert set(cu.load_corpus(seeds)["doc_id"]) == {p.stem for p in seeds.glob("*.txt")}


def test_each_seed_heading_is_a_section(seeds):
    # Every short unpunctuated line followed by body text in the raw files is a heading.
    df = cu.load_corpus(seeds)
    assert df.groupby("doc_id").size().to_dict() == {
        "000_639297d9269f9f42": 19, "001_1851a3015308c7e1": 20, "003_703126a52ef93417": 14,
    }
    assert "Role of the Shanghai Cooperation Organization" in set(df["heading"])


def test_title_line_is_not_a_section(seeds):
    df = cu.load_corpus(seeds)
    part = df[df["doc_id"] == "001_1851a3015308c7e1"]
    assert part["title"].iloc[0] == "Building Resilience through Strategic Security Partnerships in Central Asia"
    assert part["heading"].iloc[0] == "Evolution of Central Asian Security Frameworks"


def test_document_without_title_line_uses_first_heading_as_title(seeds):
    part = cu.load_corpus(seeds).query("doc_id == '000_639297d9269f9f42'")
    assert part["title"].iloc[0] == part["heading"].iloc[0]


def test_lead_in_and_list_items_stay_in_their_section(make_corpus):
    df = cu.load_corpus(make_corpus({"a.txt": ARTICLE}))
    assert df["heading"].tolist() == ["Border Cooperation in the Region", "Future Steps"]
    body = df["text"].iloc[0]
    assert "Key aspects include:" in body
    assert "1. Joint patrols along the border." in body and "2. Shared databases of incidents." in body


def test_lead_in_line_is_not_heading_shaped():
    assert not is_heading_shaped("Key aspects include:")
    assert not is_heading_shaped("1. Joint patrols along the border")
    assert is_heading_shaped("Role of Russia and Eurasian Union")


def test_document_without_headings_is_one_section(make_corpus):
    text = "The minister spoke on Monday. She said the border would reopen.\nTrade is expected to resume soon.\n"
    df = cu.load_corpus(make_corpus({"news.txt": text}))
    assert len(df) == 1
    assert df["heading"].iloc[0] == ""
    assert df["n_words"].iloc[0] == 17


def test_hard_wrapped_paragraphs_are_unwrapped_not_taken_for_headings(make_corpus):
    text = "Headline About Water\n\nThe dispute over the river\nhas lasted for years and\nshows no sign of ending.\n"
    df = cu.load_corpus(make_corpus({"w.txt": text}))
    assert df["heading"].tolist() == ["Headline About Water"]
    assert df["text"].iloc[0] == "The dispute over the river has lasted for years and shows no sign of ending."


def test_see_also_inside_a_section_does_not_split_it(seeds):
    df = cu.load_corpus(seeds)
    row = df[df["heading"] == "Political stability and regional integration as security catalysts"].iloc[0]
    assert "See also" not in row["text"]
    assert row["text"].count("\n\n") == 3  # four paragraphs around the removed cross-link


def test_n_words_counts_the_body(seeds):
    df = cu.load_corpus(seeds)
    assert df["n_words"].tolist() == [cu.tokens.count_words(t) for t in df["text"]]


def test_paragraphs_carry_their_section(seeds):
    paras = cu.load_paragraphs(seeds)
    sections = cu.load_corpus(seeds)
    joined = paras.groupby(["doc_id", "section"])["text"].apply("\n\n".join).reset_index()
    merged = joined.merge(sections, on=["doc_id", "section"], suffixes=("_p", ""))
    assert len(merged) == len(sections)
    assert (merged["text_p"] == merged["text"]).all()


def test_paragraph_numbers_run_through_each_document(seeds):
    paras = cu.load_paragraphs(seeds)
    for _, part in paras.groupby("doc_id"):
        assert part["paragraph"].tolist() == list(range(len(part)))


def test_every_word_of_each_file_is_accounted_for(seeds):
    accounting = cu.reports.word_accounting(seeds)
    assert accounting["balanced"].all()


def test_metadata_labels_default_to_doc_id(make_corpus):
    folder = make_corpus({"a.txt": ARTICLE, "b.txt": ARTICLE, "metadata.csv": "doc_id,label\na,Alpha\n"})
    assert cu.doc_labels(folder) == {"a": "Alpha", "b": "b"}


def test_seed_metadata_gives_every_article_a_label(seeds):
    labels = cu.doc_labels(seeds)
    assert all(labels[d] != d for d in labels)
    assert isinstance(cu.load_metadata(seeds), pd.DataFrame)


def test_documents_are_their_own_groups_when_few(make_corpus):
    folder = make_corpus({"a.txt": ARTICLE, "b.txt": ARTICLE})
    assert cu.comparison_groups(folder) == {"a": "a", "b": "b"}


def test_many_documents_are_grouped_by_metadata_or_as_one_group(make_corpus):
    files = {f"d{i}.txt": ARTICLE for i in range(10)}
    folder = make_corpus(files)
    assert set(cu.comparison_groups(folder, max_groups=8).values()) == {"all documents"}
    (folder / "metadata.csv").write_text("doc_id,group\n" + "".join(f"d{i},{'x' if i < 5 else 'y'}\n"
                                                                      for i in range(10)))
    assert cu.comparison_groups(folder, max_groups=8)["d7"] == "y"


def test_documents_are_read_one_file_at_a_time(make_corpus, monkeypatch):
    folder = make_corpus({"a.txt": ARTICLE, "b.txt": ARTICLE, "c.txt": ARTICLE})
    reads = []
    real_read = cu.formats.read_file
    monkeypatch.setattr(cu.formats, "read_file", lambda file: reads.append(file.name) or real_read(file))
    documents = cu.loading.iter_documents(folder)
    assert next(documents).file == "a.txt" and reads == ["a.txt"]
    assert [d.file for d in documents] == ["b.txt", "c.txt"]


def test_sections_and_paragraphs_of_an_unchanged_corpus_share_one_read_of_each_file(make_corpus, monkeypatch):
    from corpus_utils import formats

    folder = make_corpus({"a.txt": ARTICLE, "b.txt": ARTICLE})
    read, real = [], formats.read_file
    monkeypatch.setattr(formats, "read_file", lambda file: read.append(file.name) or real(file))
    sections, paragraphs = cu.load_corpus(folder), cu.load_paragraphs(folder)
    assert sorted(read) == ["a.txt", "b.txt"]
    assert set(sections["doc_id"]) == set(paragraphs["doc_id"]) == {"a", "b"}
    (folder / "b.txt").write_text(ARTICLE + "\nA closing paragraph that was not there before.\n", encoding="utf-8")
    again = cu.load_paragraphs(folder)
    assert read.count("b.txt") == 2 and len(again) == len(paragraphs) + 1  # a changed corpus is read again


def test_every_loader_and_report_of_an_unchanged_corpus_shares_one_read_and_one_cleaning(make_corpus, monkeypatch):
    from corpus_utils import cleaning, formats, loading

    folder = make_corpus({"a.txt": ARTICLE, "b.txt": ARTICLE})
    read, cleaned = [], []
    real_read, real_clean = formats.read_file, cleaning.clean_lines
    monkeypatch.setattr(formats, "read_file", lambda file: read.append(file.name) or real_read(file))
    monkeypatch.setattr(loading, "clean_lines", lambda text: cleaned.append(1) or real_clean(text))
    cu.corpus_report(folder), cu.load_corpus(folder), cu.load_paragraphs(folder), cu.load_metadata(folder)
    cu.cleaning_audit(folder), cu.reports.word_accounting(folder), cu.doc_labels(folder), cu.comparison_groups(folder)
    assert sorted(read) == ["a.txt", "b.txt"] and len(cleaned) == 2


def test_the_cleaning_audit_and_word_accounting_come_from_the_same_cleaning(seeds):
    audit, accounting = cu.cleaning_audit(seeds), cu.reports.word_accounting(seeds).set_index("file")
    removed = audit.groupby("file")["text"].agg(lambda lines: sum(cu.tokens.count_words(t) for t in lines))
    assert removed.to_dict() == accounting.loc[removed.index, "boilerplate_words"].to_dict()


def test_a_loaded_table_handed_out_twice_is_two_copies(seeds):
    first = cu.load_corpus(seeds)
    first.loc[0, "text"] = "changed by the caller"
    assert cu.load_corpus(seeds).loc[0, "text"] != "changed by the caller"
