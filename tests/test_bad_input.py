"""Bad input: a clear error or warning naming the path and the reason; the rest of the corpus still loads."""

from __future__ import annotations

import warnings

import pytest

import corpus_utils as cu

from .conftest import ARTICLE


def _load_silently(folder):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return cu.load_corpus(folder)


def test_missing_folder_raises_corpus_error_naming_the_path(tmp_path):
    missing = tmp_path / "nowhere"
    with pytest.raises(cu.CorpusError, match="nowhere"):
        cu.load_corpus(missing)


def test_empty_folder_raises_corpus_error_naming_the_path(tmp_path):
    with pytest.raises(cu.CorpusError, match=str(tmp_path.name)):
        cu.load_corpus(tmp_path)


def test_folder_without_text_or_html_files_raises_corpus_error(make_corpus):
    folder = make_corpus({"notes.docx": b"PK\x03\x04 word document"})
    with pytest.raises(cu.CorpusError, match=r"no \.txt, \.md or \.html files"):
        cu.load_corpus(folder)


def test_corpus_error_is_not_chained_to_a_deep_exception(tmp_path):
    with pytest.raises(cu.CorpusError) as info:
        cu.load_corpus(tmp_path / "nowhere")
    assert info.value.__cause__ is None and info.value.__context__ is None


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"  \n\n \r\n", "empty file"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary"),
        ("mangled.txt", b"Border \x81\x8d\x8f\x90\x9d talks", "not decodable"),
        ("boiler.txt", "See also  Another page\n\nScroll to Top\n", "no text left after removing boilerplate"),
    ],
)
def test_bad_file_is_skipped_with_a_warning_naming_it_and_the_rest_loads(make_corpus, name, content, reason):
    folder = make_corpus({"good.txt": ARTICLE, name: content})
    with pytest.warns(cu.CorpusWarning, match=rf"{name}.*{reason}"):
        df = cu.load_corpus(folder)
    assert set(df["doc_id"]) == {"good"}


def test_skipped_files_are_recorded_in_the_corpus_report(make_corpus):
    folder = make_corpus({"good.txt": ARTICLE, "empty.txt": b""})
    report = cu.corpus_report(folder)
    assert report.set_index("file").loc["empty.txt", "status"] == "skipped"
    assert report.set_index("file").loc["good.txt", "status"] == "loaded"


def test_utf8_with_bom_and_crlf_loads_silently_and_like_plain_utf8(make_corpus):
    plain = _load_silently(make_corpus({"a.txt": ARTICLE}))
    variant = _load_silently(make_corpus({"a.txt": b"\xef\xbb\xbf" + ARTICLE.replace("\n", "\r\n").encode()}))
    assert variant.equals(plain)


def test_windows_1252_file_is_decoded_with_a_warning_naming_it(make_corpus):
    text = "Caf\u00e9 diplomacy\n\nThe minister\u2019s visit \u2013 a \u201cbreakthrough\u201d \u2013 was brief.\n"
    folder = make_corpus({"legacy.txt": text.encode("cp1252"), "good.txt": ARTICLE})
    with pytest.warns(cu.CorpusWarning, match="legacy.txt.*Windows-1252"):
        df = cu.load_corpus(folder)
    body = df.set_index("doc_id").loc["legacy", "text"]
    assert "minister's visit" in body and "breakthrough" in body
    assert df.set_index("doc_id").loc["legacy", "heading"] == "Café diplomacy"


def test_all_files_unreadable_raises_corpus_error_after_warning_for_each(make_corpus):
    folder = make_corpus({"a.txt": b"", "b.txt": b"\x00\x01"})
    with pytest.warns(cu.CorpusWarning) as record, pytest.raises(cu.CorpusError, match="no readable documents"):
        cu.load_corpus(folder)
    assert {"a.txt", "b.txt"} <= {str(w.message).split(":")[0] for w in record}


def test_cleaning_audit_reads_the_same_files_as_load_corpus(make_corpus):
    folder = make_corpus({"good.txt": "Scroll to Top\n" + ARTICLE, "empty.txt": b""})
    with pytest.warns(cu.CorpusWarning, match="empty.txt"):
        audit = cu.cleaning_audit(folder)
    assert audit[["file", "line", "rule"]].values.tolist() == [["good.txt", 1, "scroll_to_top"]]


def test_corpus_error_traceback_stops_at_the_public_function(tmp_path):
    with pytest.raises(cu.CorpusError) as info:
        cu.load_corpus(tmp_path / "nowhere")
    package_frames = [e for e in info.traceback if "corpus_utils" in str(e.path)]
    assert len(package_frames) == 1


def test_corpus_warning_is_formatted_as_one_plain_line_without_a_source_path():
    text = warnings.formatwarning("empty.txt: skipped: empty file", cu.CorpusWarning, "/deep/loading.py", 42)
    assert text == "CorpusWarning: empty.txt: skipped: empty file\n"


def test_other_warnings_keep_the_python_format():
    assert "/deep/x.py:7" in warnings.formatwarning("careful", UserWarning, "/deep/x.py", 7)


def test_malformed_metadata_raises_corpus_error_naming_the_file_and_line(make_corpus):
    folder = make_corpus({"a.txt": ARTICLE, "metadata.csv": 'doc_id,label\na,"one\nb,two,extra,more\n'})
    with pytest.raises(cu.CorpusError, match=r"metadata\.csv"):
        cu.doc_labels(folder)


def test_metadata_with_too_many_fields_names_the_line(make_corpus):
    folder = make_corpus({"a.txt": ARTICLE, "metadata.csv": "doc_id,label\na,one\nb,two,extra\n"})
    with pytest.raises(cu.CorpusError, match=r"metadata\.csv, line 3"):
        cu.doc_labels(folder)


def test_duplicate_and_unknown_metadata_ids_are_warned_and_the_first_row_kept(make_corpus):
    folder = make_corpus({"a.txt": ARTICLE, "metadata.csv": "doc_id,label\na,first\na,second\nzz,ghost\n"})
    with pytest.warns(cu.CorpusWarning) as record:
        labels = cu.doc_labels(folder)
    messages = " ".join(str(w.message) for w in record)
    assert "more than once" in messages and "a" in messages and "without a file" in messages and "zz" in messages
    assert labels == {"a": "first"}


def test_a_named_pipe_is_skipped_without_hanging(make_corpus):
    import os

    folder = make_corpus({"a.txt": ARTICLE})
    os.mkfifo(folder / "x.txt")
    with pytest.warns(cu.CorpusWarning, match=r"x\.txt: skipped: not a regular file"):
        sections = cu.load_corpus(folder)
    assert set(sections["doc_id"]) == {"a"}


def test_a_link_to_a_file_of_the_corpus_is_not_loaded_twice(make_corpus):
    folder = make_corpus({"a.txt": ARTICLE})
    (folder / "b.txt").symlink_to(folder / "a.txt")
    with pytest.warns(cu.CorpusWarning, match=r"b\.txt: skipped: link to a\.txt"):
        sections = cu.load_corpus(folder)
    assert set(sections["doc_id"]) == {"a"}


def test_a_folder_that_cannot_be_read_is_a_corpus_error(make_corpus, monkeypatch):
    folder = make_corpus({"a.txt": ARTICLE})

    def denied(self):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr("pathlib.Path.iterdir", denied)  # as chmod 000 does for a user who is not root
    with pytest.raises(cu.CorpusError, match="permission denied"):
        cu.load_corpus(folder)


def test_subfolders_and_other_file_types_are_reported_as_ignored_and_warned(make_corpus):
    folder = make_corpus({"a.txt": ARTICLE, "notes.docx": "# notes", "more.text": ARTICLE,
                          "metadata.csv": "doc_id\na\n"})
    (folder / "2024").mkdir()
    report = cu.corpus_report(folder).set_index("file")
    assert report.loc[["2024/", "more.text", "notes.docx"], "status"].tolist() == ["ignored"] * 3
    assert "metadata.csv" not in report.index
    with pytest.warns(cu.CorpusWarning) as record:
        sections = cu.load_corpus(folder)
    assert sorted(str(w.message).split(":")[0] for w in record) == ["2024/", "more.text", "notes.docx"]
    assert set(sections["doc_id"]) == {"a"}


def test_a_folder_with_no_readable_file_names_what_it_found(make_corpus):
    folder = make_corpus({"notes.docx": "# notes"})
    with pytest.raises(cu.CorpusError, match=r"found notes\.docx"):
        cu.load_corpus(folder)


def test_skipped_files_are_not_counted_as_documents_or_groups(make_corpus):
    files = {f"{name}.txt": ARTICLE.replace("Short", name) for name in ("a", "b", "c")}
    files.update({f"empty{i}.txt": b"" for i in range(6)})
    folder = make_corpus(files)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert list(cu.doc_labels(folder)) == ["a", "b", "c"]
        assert cu.comparison_groups(folder) == {"a": "a", "b": "b", "c": "c"}  # three documents compared, not one group


@pytest.mark.parametrize(("content", "match"), [
    ('doc_id,label\na,"one\nb,two\n', r"metadata\.csv, line \d+: malformed CSV"),
    ("doc_id,label\na,one,extra,more\n", r"metadata\.csv, line 2: malformed CSV \(4 fields, the header has 2\)"),
])
def test_metadata_problems_name_the_file_and_the_line(make_corpus, content, match):
    folder = make_corpus({"a.txt": ARTICLE, "metadata.csv": content})
    with pytest.raises(cu.CorpusError, match=match):
        cu.doc_labels(folder)


def test_a_metadata_pipe_or_folder_is_a_corpus_error_without_hanging(make_corpus):
    import os

    folder = make_corpus({"a.txt": ARTICLE})
    os.mkfifo(folder / "metadata.csv")
    with pytest.raises(cu.CorpusError, match="not a regular file"):
        cu.doc_labels(folder)
    (folder / "metadata.csv").unlink()
    (folder / "metadata.csv").mkdir()
    with pytest.raises(cu.CorpusError, match="not a regular file"):
        cu.doc_labels(folder)


def test_hidden_and_misnamed_files_are_reported_with_a_reason(make_corpus):
    folder = make_corpus({"a.txt": ARTICLE, ".draft.txt": ARTICLE, "Metadata.csv": "doc_id,label\na,A\n",
                          "b.txt": ARTICLE.encode("utf-16-le")})
    (folder / "gone.txt").symlink_to(folder / "nowhere.txt")
    report = cu.corpus_report(folder).set_index("file")["reason"]
    assert "hidden file" in report[".draft.txt"]
    assert "must be called metadata.csv" in report["Metadata.csv"]
    assert "UTF-16 without a byte-order mark" in report["b.txt"]
    assert "broken link" in report["gone.txt"]
