"""Formats: read a corpus, one document at a time, from a folder of .txt, .md and saved .html pages or from one
table file (CSV/TSV, JSON Lines, Parquet), with a status for every file or row that is not read (like R's
readtext). A table corpus names its columns after a ``?``: ``export.csv?text=body&date=published``."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from .cleaning import clean_lines
from .errors import CorpusError
from .language import non_english

TEXT_SUFFIXES = (".txt", ".md")
HTML_SUFFIXES = (".html", ".htm")
FOLDER_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES
TABLE_SUFFIXES = (".csv", ".tsv", ".jsonl", ".ndjson", ".parquet")
METADATA = "metadata.csv"
# options of a table corpus: the column that holds each field (doc_id, title, date, group are optional) and
# the CSV separator ("" = detected among , ; tab |)
OPTIONS = {"text": "text", "doc_id": "doc_id", "title": "title", "date": "date", "group": "group", "sep": ""}
MIN_PAGE_WORDS = 25  # a saved page whose main text is shorter is an index, menu or error page, not an article
BATCH_ROWS = 2000  # Parquet record batch size: a table is never read whole
_SEPARATORS = ",;\t|"
_BINARY_CONTROL_SHARE = 0.05


@dataclass(frozen=True)
class RawDocument:
    """One document as read: where it came from, its id, its text, the encoding used; a title and metadata
    when the source gives them (table columns, a web page's metadata); lines removed before its text."""

    file: str
    doc_id: str
    raw_text: str
    encoding: str
    title: str = ""
    meta: Mapping[str, str] = field(default_factory=dict)
    removed: tuple[tuple[int, str, str], ...] = ()  # (line, rule, text): e.g. what HTML extraction left out
    parsed: Any = None  # (title, sections, removed lines) when parsed where it was read (on a Dask worker)


@dataclass(frozen=True)
class FileStatus:
    """What happened to one file of the corpus folder or one row of the corpus table."""

    file: str
    status: str
    reason: str
    encoding: str = ""
    language: str = ""  # set when the file was skipped for not being English


@dataclass(frozen=True)
class Source:
    """A corpus: a folder, or a table file with the names of its columns."""

    path: Path
    options: Mapping[str, str]

    @property
    def is_table(self) -> bool:
        """True for a table file (CSV/TSV, JSON Lines, Parquet)."""
        return self.path.suffix.lower() in TABLE_SUFFIXES


def source(corpus: str | Path) -> Source:
    """The corpus a CORPUS string names: a folder, or a table file with options after ``?``
    (``text``, ``doc_id``, ``title``, ``date``, ``group``: column names; ``sep``: the CSV separator).

    Parameters
    ----------
    corpus : str or Path
        A folder, or a table file optionally followed by ``?option=value&...``.

    Returns
    -------
    Source
        The path and the options (defaults filled in); CorpusError for an unknown option.
    """
    text = str(corpus)
    path, query = text, ""
    if "?" in text and not Path(text).exists():
        path, _, query = text.partition("?")
    options = dict(OPTIONS)
    for key, value in parse_qsl(query, keep_blank_values=True):
        if key not in OPTIONS:
            raise CorpusError(f"{path}: unknown option {key!r} after '?' (known: {', '.join(OPTIONS)})")
        options[key] = value
    if query and Path(path).suffix.lower() not in TABLE_SUFFIXES:
        raise CorpusError(f"{path}: options after '?' are for table files ({', '.join(TABLE_SUFFIXES)})")
    return Source(Path(path), options)


def resolved(corpus: str | Path) -> str:
    """The CORPUS string with its path made absolute and its options (after ``?``) kept."""
    text = str(corpus)
    src = source(text)
    query = text.partition("?")[2] if "?" in text and not Path(text).exists() else ""
    return str(src.path.resolve()) + (f"?{query}" if query else "")


def _legacy(data: bytes, utf8_error: str) -> tuple[str, str, str]:
    """Decode bytes that are not UTF-8 with the encoding charset-normalizer detects; name any doubt.

    Windows-1252 is preferred (the texts are English) unless a reading that matches a language is clearly
    better; when another plausible reading matches a language and differs, the note says so; bytes that
    neither Windows-1252 nor any language-like reading fits are left out as undecodable.
    """
    import charset_normalizer

    results = list(charset_normalizer.from_bytes(data))
    if not results:
        raise ValueError(f"not decodable: {utf8_error}, and no other encoding fits")
    best = results[0]
    plausible = [r for r in results if r.chaos <= best.chaos + 0.05 and r.coherence >= best.coherence - 0.1]
    try:
        western: str | None = data.decode("cp1252")
    except UnicodeDecodeError:
        western = None
    # the suite reads English: Windows-1252 (the commonest Western encoding) is used unless a reading that
    # matches a language (e.g. Russian in cp1251) is clearly better
    if western is not None and (best.coherence == 0 or western in {str(r) for r in plausible}):
        text, encoding = western, "cp1252"
    elif best.coherence > 0:
        text, encoding = str(best), best.encoding
    else:
        raise ValueError(f"not decodable: {utf8_error}, nor Windows-1252, and no reading matches a language")
    rivals = list(dict.fromkeys(r.encoding for r in plausible if r.coherence > 0 and str(r) != text))
    name = "Windows-1252" if encoding == "cp1252" else encoding
    note = f"{utf8_error}; decoded as {name} (legacy encoding chosen with charset-normalizer), check the characters"
    if rivals:
        note += f"; doubtful: {', '.join(rivals[:3])} would read it differently"
    return text, encoding, note


def decode(data: bytes) -> tuple[str, str, str]:
    """Decode bytes as UTF-8 (BOM optional), UTF-16 with BOM, or a detected legacy encoding; return
    (text, encoding, note), the note naming a guessed or doubtful decoding."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16", "decoded as UTF-16 (byte-order mark found)"
    if b"\x00" in data:
        if max(data[0::2].count(0), data[1::2].count(0)) > 0.4 * len(data) / 2:
            raise ValueError("UTF-16 without a byte-order mark, or binary (NUL at every other byte): save it as "
                             "UTF-8")
        raise ValueError("binary file (contains NUL bytes)")
    try:
        return data.decode("utf-8-sig"), "utf-8", ""
    except UnicodeDecodeError as exc:
        utf8_error = f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})"
    return _legacy(data, utf8_error)


_CONTROLS = [chr(i) for i in range(32) if chr(i) not in "\n\r\t\f"]  # what binary data is full of


def _looks_binary(text: str) -> bool:
    """True when more than a small share of characters are control characters."""
    controls = sum(map(text.count, _CONTROLS))
    return controls > _BINARY_CONTROL_SHARE * max(len(text), 1)


_FRONT_FIELD = re.compile(r"^(title|date)\s*:\s*['\"]?(.*?)['\"]?\s*$", re.IGNORECASE)
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_MD_STRONG = re.compile(r"(\*\*|__)(\S.*?\S|\S)\1")
_MD_RULE = re.compile(r"^\s{0,3}(?:[-*_]\s*){3,}$|^\s*```.*$|^\s*~~~.*$")


def markdown_text(text: str) -> tuple[str, dict[str, str]]:
    """Plain text of a Markdown file, line for line (line numbers kept): heading marks, images, link targets,
    bold marks, rules and code fences removed; a YAML front matter's title and date returned as metadata."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    meta: dict[str, str] = {}
    if lines and lines[0].strip() == "---" and "---" in (line.strip() for line in lines[1:]):
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
        for i in range(end + 1):
            found = _FRONT_FIELD.match(lines[i].strip())
            if found:
                meta[found.group(1).lower()] = found.group(2)
            lines[i] = ""
    out = []
    for line in lines:
        if _MD_RULE.match(line):
            out.append("")
            continue
        heading = _MD_HEADING.match(line)
        line = heading.group(1) if heading else re.sub(r"^\s{0,3}>\s?", "", line)
        out.append(_MD_STRONG.sub(r"\2", _MD_LINK.sub(r"\1", _MD_IMAGE.sub("", line))))
    return "\n".join(out), meta


def _visible_words(html: str) -> int:
    """Words of a page's visible text (scripts, styles and templates left out)."""
    import lxml.html

    try:
        tree = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return 0
    for element in tree.xpath("//script|//style|//noscript|//template|//head"):
        element.drop_tree()
    return len(tree.text_content().split())


def html_text(html: str) -> tuple[str, str, dict[str, str], tuple[tuple[int, str, str], ...]]:
    """Main text of a saved web page by trafilatura (navigation, banners, footers and comments left out):
    (text with one paragraph per block, title, metadata (date if the page's metadata gives one), record of
    the extraction for the cleaning audit); ValueError when no main text is found."""
    import trafilatura

    found = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False, include_tables=False,
                                        date_extraction_params={"extensive_search": False, "original_date": True})
    if found is None or not (found.text or "").strip():
        raise ValueError("no main text found in the page (extracted with trafilatura)")
    title = " ".join((found.title or "").split())
    lines = [line.strip() for line in found.text.split("\n") if line.strip()]
    if lines and title and lines[0] == title:
        lines = lines[1:]  # the page's own heading repeats its title
    text = "\n\n".join(lines)
    if len(text.split()) < MIN_PAGE_WORDS:
        raise ValueError(f"no main text found in the page: the extractor (trafilatura) kept {len(text.split())} "
                         f"words, fewer than {MIN_PAGE_WORDS} (an index, menu or error page?)")
    kept, visible = len(text.split()) + len(title.split()), _visible_words(html)
    record = ((0, "html_extraction", f"trafilatura {trafilatura.__version__} kept {kept} of the page's "
               f"{visible} visible words (title and main text; navigation, banners, footers, comments and "
               "tables left out)"),)
    meta = {"title": title} if title else {}
    if found.date:
        meta["date"] = found.date
    return text, title, meta, record


def judge(file: str, doc_id: str, text: str, encoding: str, note: str, **extra: object
          ) -> tuple[RawDocument | None, FileStatus]:
    """The document, or None and why it is not analysed: binary, nothing left after boilerplate, not English."""
    if _looks_binary(text):
        return None, FileStatus(file, "skipped", "binary file (many control characters)")
    kept = "\n".join(line for _, line in clean_lines(text)[0])
    if not kept.strip():
        return None, FileStatus(file, "skipped", "no text left after removing boilerplate", encoding)
    language, foreign = non_english(kept)
    if foreign:
        return None, FileStatus(file, "skipped", f"{note}; {foreign}" if note else foreign, encoding, language)
    status = "loaded with warning" if note else "loaded"
    return RawDocument(file, doc_id, text, encoding, **extra), FileStatus(file, status, note, encoding)  # type: ignore[arg-type]


def read_file(file: Path) -> tuple[RawDocument | None, FileStatus]:
    """Read one file of a corpus folder (.txt, .md or .html); return the document (or None) and its status."""
    if file.is_symlink() and not file.exists():
        return None, FileStatus(file.name, "skipped", "broken link (its target does not exist)")
    if not file.is_file():  # a pipe, socket or device would block or never end: never opened
        return None, FileStatus(file.name, "skipped", "not a regular file (a folder, pipe or device)")
    target = file.resolve()
    if file.is_symlink() and target.parent == file.parent.resolve() and target.suffix.lower() in FOLDER_SUFFIXES:
        return None, FileStatus(file.name, "skipped", f"link to {target.name}, which is loaded itself")
    try:
        data = file.read_bytes()
    except OSError as exc:
        return None, FileStatus(file.name, "skipped", f"cannot be read ({exc.strerror})")
    if not data.strip():
        return None, FileStatus(file.name, "skipped", "empty file")
    try:
        text, encoding, note = decode(data)
    except ValueError as exc:
        return None, FileStatus(file.name, "skipped", str(exc))
    suffix = file.suffix.lower()
    extra: dict[str, object] = {}
    if suffix == ".md":
        text, meta = markdown_text(text)
        extra = {"title": meta.get("title", ""), "meta": meta}
    elif suffix in HTML_SUFFIXES:
        if _looks_binary(text):
            return None, FileStatus(file.name, "skipped", "binary file (many control characters)")
        try:
            text, title, meta, record = html_text(text)
        except ValueError as exc:
            return None, FileStatus(file.name, "skipped", str(exc), encoding)
        extra = {"title": title, "meta": meta, "removed": record}
    return judge(file.name, file.stem, text, encoding, note, **extra)


def entries(folder: Path) -> list[Path]:
    """Every visible entry of a corpus folder in name order; CorpusError if it is missing or unreadable."""
    if not folder.exists():
        raise CorpusError(f"corpus folder not found: {folder}")
    if not folder.is_dir():
        raise CorpusError(f"corpus path is not a folder or a table file ({', '.join(TABLE_SUFFIXES)}): {folder}")
    try:
        return sorted(p for p in folder.iterdir() if not p.name.startswith("."))
    except PermissionError:
        raise CorpusError(f"corpus folder cannot be read (permission denied): {folder}") from None


def corpus_files(folder: Path) -> list[Path]:
    """The .txt, .md and .html files of a corpus folder in name order; CorpusError if there are none."""
    found = entries(folder)
    files = [p for p in found if p.suffix.lower() in FOLDER_SUFFIXES]
    if not files:
        others = [p.name + ("/" if p.is_dir() else "") for p in found][:5]
        seen = f" (found {', '.join(others)}; the files directly in it are read)" if others else ""
        raise CorpusError(f"corpus folder has no .txt, .md or .html files: {folder}{seen}")
    return files


def ignored_entries(folder: Path) -> list[FileStatus]:
    """What the loader does not read in a corpus folder (subfolders, other file types; not metadata.csv)."""
    rows = []
    found = entries(folder)  # a CorpusError for a folder that cannot be read
    hidden = sorted(p for p in folder.iterdir() if p.name.startswith(".") and p.suffix.lower() in FOLDER_SUFFIXES)
    for entry in hidden:
        rows.append(FileStatus(entry.name, "ignored", "hidden file (its name starts with a dot): not read"))
    kinds = "/".join(FOLDER_SUFFIXES)
    for entry in found:
        if entry.suffix.lower() in FOLDER_SUFFIXES or entry.name == METADATA:
            continue
        if entry.name.lower() == METADATA:
            rows.append(FileStatus(entry.name, "ignored", f"not read as metadata: the file must be called {METADATA}"))
        elif entry.is_dir():
            rows.append(FileStatus(f"{entry.name}/", "ignored", f"subfolder: only {kinds} files directly in the "
                                   "corpus folder are read (move or link its files up to include them)"))
        elif entry.suffix.lower() in TABLE_SUFFIXES:
            rows.append(FileStatus(entry.name, "ignored", "a table file inside a corpus folder: name the file itself "
                                   "as the corpus to read its rows (CORPUS=folder/file)"))
        else:
            suffix = entry.suffix if entry.suffix.strip() == entry.suffix else repr(entry.suffix)
            kind = f"{suffix} file" if entry.suffix else "file without extension"
            rows.append(FileStatus(entry.name, "ignored", f"{kind}: only {kinds} files are read"))
    return rows


def _csv_encoding(path: Path) -> tuple[str, str]:
    """(encoding, note) of a CSV file: UTF-8 (BOM optional) when its bytes are UTF-8, else Windows-1252."""
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            try:
                block.decode("utf-8")
            except UnicodeDecodeError as exc:
                if exc.start < len(block) - 3:  # not a character cut at the block's end
                    return "cp1252", f"not valid UTF-8 (byte 0x{block[exc.start]:02x}); read as Windows-1252"
    return "utf-8-sig", ""


def _separator(path: Path, encoding: str, given: str) -> str:
    """The CSV separator: given, tab for .tsv, else the one of , ; tab | found most often in the header."""
    if given:
        return "\t" if given in ("\\t", "tab") else given
    if path.suffix.lower() == ".tsv":
        return "\t"
    with path.open(encoding=encoding, errors="replace", newline="") as fh:
        header = fh.readline()
    return max(_SEPARATORS, key=lambda s: (header.count(s), -_SEPARATORS.index(s)))


def _cell(value: object) -> str:
    """A table cell as text ('' for a missing value)."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return value if isinstance(value, str) else str(value)


Rows = Iterator[tuple[int, "dict[str, str] | str"]]  # (row or line number, the record or why it is malformed)


def _csv_rows(path: Path, options: Mapping[str, str]) -> tuple[list[str], str, Rows]:
    """Header, encoding note and rows of a CSV/TSV file; a row is numbered as a spreadsheet shows it (the
    header is row 1, a cell with line breaks is one row)."""
    encoding, note = _csv_encoding(path)
    sep = _separator(path, encoding, options["sep"])
    csv.field_size_limit(1 << 30)  # an article in one cell is far longer than the default 128 kB limit
    with path.open(encoding=encoding, newline="") as fh:
        try:
            header = [name.strip() for name in next(csv.reader(fh, delimiter=sep))]
        except StopIteration:
            raise CorpusError(f"{path}: empty file (expected a header row naming a text column)") from None

    def rows() -> Rows:
        with path.open(encoding=encoding, newline="") as fh:
            reader = csv.reader(fh, delimiter=sep)
            next(reader)
            number = 1
            try:
                for row in reader:
                    number += 1
                    if not any(cell.strip() for cell in row):
                        continue
                    if len(row) > len(header):
                        yield number, (f"malformed: {len(row)} fields, the header has {len(header)} (a separator "
                                       "inside an unquoted cell?)")
                        continue
                    yield number, dict(zip(header, row + [""] * (len(header) - len(row)), strict=True))
            except csv.Error as exc:
                yield number + 1, f"malformed CSV ({exc}); the rest of the file is not read"

    return header, note, rows()


def _jsonl_rows(path: Path) -> tuple[list[str], str, Rows]:
    """Keys of the first record, no note, and (line number, record) for each non-blank line of JSON Lines."""

    def rows() -> Rows:
        with path.open("rb") as fh:
            for number, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line.decode("utf-8-sig") if number == 1 else line)
                except (ValueError, UnicodeDecodeError) as exc:
                    yield number, f"not valid JSON ({str(exc).split(':')[0]})"
                    continue
                if not isinstance(record, dict):
                    yield number, "not a JSON object (expected one {\"text\": ...} object per line)"
                    continue
                yield number, {str(k): _cell(v) for k, v in record.items()}

    first = next((record for _, record in rows() if isinstance(record, dict)), {})
    return list(first), "", rows()


def _parquet_rows(path: Path) -> tuple[list[str], str, Rows]:
    """Column names, no note, and (row number from 1, record) for each row of a Parquet file, in batches."""
    import pyarrow.parquet as pq

    try:
        table = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises its own error types for a file that is not Parquet
        raise CorpusError(f"{path}: not a readable Parquet file ({exc})") from None

    def rows() -> Rows:
        number = 0
        for batch in table.iter_batches(batch_size=BATCH_ROWS):
            for record in batch.to_pylist():
                number += 1
                yield number, {k: _cell(v) for k, v in record.items()}

    return list(table.schema_arrow.names), "", rows()


def parse_date(value: str) -> str:
    """An ISO date (YYYY-MM-DD) for a date or date-time in ISO or a common written form; ValueError if none."""
    text = value.strip()
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        pass
    import pandas as pd

    try:
        stamp = pd.Timestamp(text)
    except (ValueError, OverflowError, TypeError):
        raise ValueError(text) from None
    if pd.isna(stamp):
        raise ValueError(text)
    return stamp.date().isoformat()


def table_rows(src: Source) -> tuple[str, str, Iterator[tuple[str, int, dict[str, str] | str]]]:
    """(encoding note, 'row' or 'line', rows) of a table corpus: each row as (where, number, the record or why
    it is malformed), read lazily; CorpusError when the file cannot be opened or has no text column."""
    path, options = src.path, src.options
    if not path.is_file():
        raise CorpusError(f"corpus table not found: {path}" if not path.exists() else f"not a regular file: {path}")
    suffix = path.suffix.lower()
    jsonl = suffix in (".jsonl", ".ndjson")
    header, note, rows = (_parquet_rows(path) if suffix == ".parquet" else _jsonl_rows(path) if jsonl
                          else _csv_rows(path, options))
    if options["text"] not in header:
        raise CorpusError(f"{path}: no text column {options['text']!r} (columns: {', '.join(header) or 'none'}; "
                          f"name the text column with {path.name}?text=<column>)")
    unit = "line" if jsonl else "row"
    return note, unit, ((f"{path.name}, {unit} {number}", number, record) for number, record in rows)


Mapper = Callable[[Callable[[Any], Any], Iterable[Any]], Iterable[Any]]


def _row_document(options: Mapping[str, str], prepare: Callable[[RawDocument], RawDocument] | None,
                  entry: tuple[str, int, dict[str, str] | str]) -> tuple[RawDocument | None, FileStatus]:
    """One table row (where, number, record) as a document (prepared), or None and the reason."""
    where, number, record = entry
    if isinstance(record, str):
        return None, FileStatus(where, "skipped", record)
    columns = {key: options[key] for key in ("doc_id", "title", "date", "group")}
    doc, status = _table_document(where, number, record, options, columns)
    return (prepare(doc) if prepare and doc is not None else doc), status


def _file_document(prepare: Callable[[RawDocument], RawDocument] | None, file: Path
                   ) -> tuple[RawDocument | None, FileStatus]:
    """One file of a corpus folder as a document (prepared), or None and the reason."""
    doc, status = read_file(file)
    return (prepare(doc) if prepare and doc is not None else doc), status


def table_documents(src: Source, mapper: Mapper = map, prepare: Callable[[RawDocument], RawDocument] | None = None
                    ) -> Iterator[tuple[RawDocument | None, FileStatus]]:
    """Each row of a table corpus as a document (or None with the reason: empty text, unparseable date,
    duplicate id, malformed row), in order; ``mapper`` applies the per-row work (here, lazily, by default;
    on Dask partitions with the engine's) and ``prepare`` finishes each document there (e.g. parses it)."""
    path = src.path
    try:
        note, unit, rows = table_rows(src)
        if note:
            yield None, FileStatus(path.name, "loaded with warning", note)
        seen: dict[str, int] = {}
        id_column = src.options["doc_id"]
        for doc, status in mapper(partial(_row_document, src.options, prepare), rows):
            number = int(status.file.rsplit(" ", 1)[1])
            if doc is not None and doc.doc_id in seen:
                doc, status = None, FileStatus(status.file, "skipped", f"{id_column} {doc.doc_id!r} already used "
                                               f"by {unit} {seen[doc.doc_id]}")
            elif doc is not None:
                seen[doc.doc_id] = number
            yield doc, status
    except (OSError, UnicodeDecodeError) as exc:
        why = exc.strerror if isinstance(exc, OSError) else f"not {exc.encoding} text"
        raise CorpusError(f"{path}: cannot be read ({why})") from None


def _table_document(where: str, number: int, record: Mapping[str, str], options: Mapping[str, str],
                    columns: Mapping[str, str]) -> tuple[RawDocument | None, FileStatus]:
    """One table row as a document, or None and the reason it is skipped."""
    text = record.get(options["text"], "")
    if not text.strip():
        return None, FileStatus(where, "skipped", "empty text")
    id_column = columns["doc_id"]
    doc_id = record[id_column].strip() if id_column in record else f"row_{number:06d}"
    if not doc_id:
        return None, FileStatus(where, "skipped", f"empty {id_column}")
    meta = {k: v for k, v in record.items() if k and k not in (options["text"], id_column)}
    meta |= {key: record[column].strip() for key, column in columns.items() if column in record and key != "doc_id"}
    if meta.get("date"):
        try:
            meta["date"] = parse_date(meta["date"])
        except ValueError:
            return None, FileStatus(where, "skipped", f"date {meta['date'][:40]!r} cannot be read as a date")
    return judge(where, doc_id, text, "", "", title=meta.get("title", ""), meta=meta)


def scan(corpus: str | Path, mapper: Mapper = map, prepare: Callable[[RawDocument], RawDocument] | None = None
         ) -> Iterator[tuple[RawDocument | None, FileStatus]]:
    """Every file (or row) of a corpus with its status, in order, then, for a folder, the entries it does not
    read; ``mapper`` and ``prepare`` as in ``table_documents``."""
    src = source(corpus)
    if src.is_table:
        yield from table_documents(src, mapper, prepare)
        return
    # absolute paths: a Dask worker does not share this process's working folder
    yield from mapper(partial(_file_document, prepare), [p.absolute() for p in corpus_files(src.path)])
    for status in ignored_entries(src.path):
        yield None, status
