"""Formats: a corpus from Markdown, saved web pages and table files (CSV/TSV, JSON Lines, Parquet), with awkward
real-world cases; every bad row is reported by number and skipped, nothing else is lost."""

from __future__ import annotations

import json
import re
import warnings

import pandas as pd
import pytest

import corpus_utils as cu
from corpus_utils import formats
from tests.conftest import ARTICLE

BODY = ("Border agencies of Kazakhstan and Uzbekistan share information on smuggling routes and hold joint "
        "patrols every spring, while ministers meet to discuss water, energy and the security of the region.")

PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Water and Security | Example News</title>
<meta property="article:published_time" content="2024-03-05T10:00:00+06:00">
<script>var tracking = "do not read me";</script><style>body {{ color: red }}</style></head>
<body><nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li><li><a href="/subscribe">Subscribe
</a></li></ul></nav>
<div id="cookie-banner" class="cookie-consent">We use cookies to improve your experience. Accept all cookies or
manage your preferences.</div>
<main><article><h1>Water and Security</h1>
<p>{body}</p>
<h2>Regional cooperation</h2>
<p>Second paragraph: the states of Central Asia coordinate on counter-terrorism and drug trafficking through
regular meetings of their security councils and shared databases of incidents along the borders.</p>
</article></main>
<footer><p>Copyright 2024 Example News. All rights reserved.</p><a href="/privacy">Privacy policy</a></footer>
</body></html>
"""


def _loaded(path) -> pd.DataFrame:
    """Sections of a corpus, its warnings kept quiet (the tests check the report)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cu.CorpusWarning)
        return cu.load_corpus(path)


def _report(path) -> dict[str, str]:
    """file or row -> 'status: reason' for every entry of the corpus report that is not plainly loaded."""
    report = cu.corpus_report(path)
    return {r.file: f"{r.status}: {r.reason}" for r in report.itertuples() if r.status != "loaded"}


def test_markdown_headings_links_and_front_matter_become_plain_sections(make_corpus):
    text = (f"---\ntitle: \"Border Cooperation\"\ndate: 2023-05-01\n---\n# Border Cooperation\n\n## Joint patrols\n\n"
            f"{BODY} See [the report](https://example.org/r.pdf) and **the annex**.\n\n---\n\n## Future steps\n\n"
            "![map](map.png)\nStates should build trust through regular dialogue.\n")
    folder = make_corpus({"a.md": text})
    sections = _loaded(folder)
    assert sections["heading"].tolist() == ["Joint patrols", "Future steps"]
    assert "See the report and the annex." in sections["text"].iloc[0]
    assert not sections["text"].str.contains(r"\]\(|\*\*|#|map\.png", regex=True).any()
    assert sections["title"].iloc[0] == "Border Cooperation"
    assert cu.load_metadata(folder).set_index("doc_id").loc["a", "date"] == "2023-05-01"


def test_a_saved_web_page_keeps_its_article_without_navigation_cookie_banner_or_footer(make_corpus):
    folder = make_corpus({"page.html": PAGE.format(body=BODY)})
    sections = _loaded(folder)
    text = " ".join(sections["heading"]) + " " + " ".join(sections["text"])
    assert BODY in text and "counter-terrorism" in text
    for leftover in ("cookies", "Subscribe", "Copyright", "Privacy", "tracking", "color"):
        assert leftover not in text
    assert sections["heading"].tolist()[-1] == "Regional cooperation"
    assert sections["title"].iloc[0] == "Water and Security"


def test_the_extraction_of_a_web_page_is_recorded_in_the_cleaning_audit(make_corpus):
    folder = make_corpus({"page.html": PAGE.format(body=BODY), "a.txt": ARTICLE})
    audit = cu.cleaning_audit(folder)
    record = audit[audit["rule"] == "html_extraction"]
    assert record["file"].tolist() == ["page.html"] and record["line"].tolist() == [0]
    found = re.findall(r"kept (\d+) of the page's (\d+) visible", record["text"].iloc[0])
    kept, visible = map(int, found[0])
    assert 0 < kept < visible
    assert "trafilatura" in record["text"].iloc[0]


def test_a_web_page_gives_its_publication_date_as_metadata(make_corpus):
    folder = make_corpus({"page.html": PAGE.format(body=BODY)})
    assert cu.load_metadata(folder).set_index("doc_id").loc["page", "date"] == "2024-03-05"


def test_a_page_without_main_text_is_skipped_with_the_reason(make_corpus):
    empty = "<html><body><nav><a href='/'>Home</a></nav><footer>Copyright</footer></body></html>"
    folder = make_corpus({"menu.html": empty, "a.txt": ARTICLE})
    assert "no main text" in _report(folder)["menu.html"]
    assert set(_loaded(folder)["doc_id"]) == {"a"}


def _csv(rows: list[list[str]], sep: str = ",", bom: bool = False) -> bytes:
    """A CSV export: cells with a separator, quote or line break quoted, CRLF line ends as spreadsheets write."""
    def cell(value: str) -> str:
        return f'"{value.replace(chr(34), chr(34) * 2)}"' if any(c in value for c in f'{sep}"\n') else value
    text = "".join(sep.join(cell(v) for v in row) + "\r\n" for row in rows)
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


HEADER = ["doc_id", "title", "date", "outlet", "text"]


def test_a_semicolon_csv_with_bom_and_quoted_line_breaks_loads_every_good_row(tmp_path):
    rows = [HEADER,
            ["n1", "First; with a semicolon", "2024-01-15", "Daily", ARTICLE],
            ["n2", "Second", "15 March 2024", "Weekly", f'He said "no".\n\n{BODY}'],
            ["n3", "Third", "2024-04-01T08:30:00Z", "Daily", BODY]]
    path = tmp_path / "export.csv"
    path.write_bytes(_csv(rows, sep=";", bom=True))
    sections = _loaded(path)
    assert sorted(set(sections["doc_id"])) == ["n1", "n2", "n3"]
    assert _report(path) == {}
    meta = cu.load_metadata(path).set_index("doc_id")
    assert meta.loc[["n1", "n2", "n3"], "date"].tolist() == ["2024-01-15", "2024-03-15", "2024-04-01"]
    assert meta.loc["n1", "title"] == "First; with a semicolon" and meta.loc["n2", "outlet"] == "Weekly"
    assert sections.loc[sections["doc_id"] == "n1", "title"].iloc[0] == "First; with a semicolon"


def test_bad_rows_are_reported_by_row_number_and_skipped(tmp_path):
    rows = [HEADER,
            ["a", "Good", "2024-01-01", "Daily", f"Line one.\n\n{BODY}"],  # row 2, spread over three lines
            ["b", "No text", "2024-01-02", "Daily", "   "],  # row 3
            ["c", "Bad date", "someday soon", "Daily", BODY],  # row 4
            ["a", "Same id", "2024-01-03", "Daily", BODY],  # row 5
            ["", "No id", "2024-01-04", "Daily", BODY],  # row 6
            ["d", "Good too", "", "Weekly", BODY]]  # row 7: no date is not an error
    path = tmp_path / "export.csv"
    path.write_bytes(_csv(rows) + b"e,Too many,2024-01-05,Daily,text,extra\r\n")  # row 8
    report = _report(path)
    assert report == {
        "export.csv, row 3": "skipped: empty text",
        "export.csv, row 4": "skipped: date 'someday soon' cannot be read as a date",
        "export.csv, row 5": "skipped: doc_id 'a' already used by row 2",
        "export.csv, row 6": "skipped: empty doc_id",
        "export.csv, row 8": "skipped: malformed: 6 fields, the header has 5 (a separator inside an unquoted cell?)",
    }
    with pytest.warns(cu.CorpusWarning) as record:
        sections = cu.load_corpus(path)
    assert {str(w.message).split(":")[0] for w in record} == set(report)
    assert sorted(set(sections["doc_id"])) == ["a", "d"]
    assert cu.load_metadata(path).set_index("doc_id").loc["d", "date"] == ""


def test_column_names_are_options_after_a_question_mark(tmp_path):
    path = tmp_path / "scrape.tsv"
    path.write_bytes(_csv([["id", "body", "published", "source"], ["x1", BODY, "2024-02-02", "A"],
                           ["x2", ARTICLE, "2024-02-03", "B"]], sep="\t"))
    corpus = f"{path}?text=body&doc_id=id&date=published&group=source"
    assert sorted(set(_loaded(corpus)["doc_id"])) == ["x1", "x2"]
    meta = cu.load_metadata(corpus).set_index("doc_id")
    assert meta.loc["x2", ["date", "group", "source"]].tolist() == ["2024-02-03", "B", "B"]


def test_a_table_without_its_text_column_names_the_columns_it_has(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(_csv([["id", "body"], ["1", BODY]]))
    with pytest.raises(cu.CorpusError, match=r"no text column 'text' \(columns: id, body; .*\?text=<column>"):
        cu.load_corpus(path)


def test_an_unknown_option_is_an_error_that_lists_the_known_ones(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(_csv([HEADER, ["a", "t", "", "", BODY]]))
    with pytest.raises(cu.CorpusError, match=r"unknown option 'txt'.*known: text, doc_id"):
        cu.load_corpus(f"{path}?txt=body")


def test_a_table_without_a_doc_id_column_numbers_its_rows(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(_csv([["text"], [BODY], [ARTICLE]]))
    assert sorted(set(_loaded(path)["doc_id"])) == ["row_000002", "row_000003"]


def test_a_windows_1252_export_is_read_with_a_warning_naming_the_file(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes(("doc_id,text\r\na,\"Caf\u00e9 talks: " + BODY + "\"\r\n").encode("cp1252"))
    assert "not valid UTF-8" in _report(path)["excel.csv"]
    assert "Caf\u00e9 talks" in _loaded(path)["text"].iloc[0]


def test_an_article_longer_than_the_csv_modules_default_field_limit_loads(tmp_path):
    long_text = "\n\n".join([BODY] * 800)  # about 170 kB in one cell
    path = tmp_path / "long.csv"
    path.write_bytes(_csv([["doc_id", "text"], ["long", long_text]]))
    assert _loaded(path)["n_words"].sum() == 800 * len(BODY.split())


def test_json_lines_report_malformed_lines_by_line_number(tmp_path):
    lines = [json.dumps({"doc_id": "j1", "text": BODY, "date": "2024-05-01", "n": 3}), "",
             '{"doc_id": "j2", "text": "unterminated', json.dumps(["not", "an", "object"]),
             json.dumps({"doc_id": "j3", "text": ARTICLE, "date": None})]
    path = tmp_path / "scrape.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + "\n".join(lines).encode("utf-8"))
    report = _report(path)
    assert set(report) == {"scrape.jsonl, line 3", "scrape.jsonl, line 4"}
    assert "not valid JSON" in report["scrape.jsonl, line 3"] and "not a JSON object" in report["scrape.jsonl, line 4"]
    assert sorted(set(_loaded(path)["doc_id"])) == ["j1", "j3"]
    assert cu.load_metadata(path).set_index("doc_id").loc["j1", "n"] == "3"


def test_parquet_rows_load_with_missing_values_as_empty_metadata(tmp_path):
    path = tmp_path / "corpus.parquet"
    pd.DataFrame({"doc_id": ["p1", "p2", "p3"], "text": [BODY, None, ARTICLE],
                  "date": pd.to_datetime(["2024-01-01", "2024-01-02", None]), "outlet": ["A", "B", None]}
                 ).to_parquet(path, row_group_size=2)
    assert _report(path) == {"corpus.parquet, row 2": "skipped: empty text"}
    meta = cu.load_metadata(path).set_index("doc_id")
    assert meta.loc["p1", "date"] == "2024-01-01" and meta.loc["p3", ["date", "outlet"]].tolist() == ["", ""]


def test_a_file_that_is_not_parquet_is_a_corpus_error_naming_it(tmp_path):
    path = tmp_path / "broken.parquet"
    path.write_bytes(b"not parquet at all")
    with pytest.raises(cu.CorpusError, match=r"broken\.parquet: not a readable Parquet file"):
        cu.load_corpus(path)


def test_a_table_inside_a_corpus_folder_is_ignored_with_how_to_read_it(make_corpus):
    folder = make_corpus({"a.txt": ARTICLE, "more.csv": "doc_id,text\nb,hello\n"})
    assert "name the file itself as the corpus" in _report(folder)["more.csv"]


def test_a_corpus_string_resolves_to_an_absolute_path_keeping_its_options(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "t.csv").write_text("id,body\n")
    assert formats.resolved("./t.csv?text=body&doc_id=id") == f"{tmp_path}/t.csv?text=body&doc_id=id"


def test_a_few_stray_control_characters_do_not_make_a_text_binary():
    text = "Border talks resumed.\x0b " * 20 + "\t\f\r\n" * 50
    assert not formats._looks_binary(text)
    assert formats._looks_binary("Border talks\x00\x01\x02\x1f resumed.")
