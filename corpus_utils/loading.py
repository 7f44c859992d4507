"""Loading: the documents of a corpus (read by ``formats``) split into sections and paragraphs, with their metadata."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from . import caching, engine, formats
from .cleaning import clean_lines
from .errors import CorpusError, CorpusWarning, user_facing
from .formats import METADATA, FileStatus, RawDocument
from .profiling import stage
from .text import count_words

SECTION_COLUMNS = ["doc_id", "title", "section", "heading", "text", "n_words"]
PARAGRAPH_COLUMNS = ["doc_id", "section", "heading", "paragraph", "line", "text", "n_words"]
ACCOUNTING_COLUMNS = ["file", "raw_words", "boilerplate_words", "title_words", "heading_words", "body_words",
                      "balanced"]

_LIST_ITEM = re.compile(r"^\s*(?:\d{1,3}[.)]|[A-Za-z][.)]|[•\u2022\u2023\u25aa\u25e6\u00b7*\-\u2013\u2014])\s+\S")
_CLOSING_PUNCT = tuple(".:;,!?\u2026")
_MAX_HEADING_WORDS = 16
_MAX_HEADING_CHARS = 120
_MAX_WRAPPED_HEADING_CHARS = 60


@dataclass
class Section:
    """A heading and its paragraphs (each paragraph a (line number, text) pair)."""

    heading: str
    paragraphs: list[tuple[int, str]] = field(default_factory=list)


_LOADS: dict[tuple[str, int, int], dict[str, str] | None] = {}  # (file, mtime, size) -> its metadata, None if
# it does not load: each file of a folder is judged once
_TABLES: dict[tuple[str, int, int, str], pd.DataFrame] = {}  # (table, mtime, size, options) -> its documents


def _table_key(src: formats.Source) -> tuple[str, int, int, str]:
    """Key of a table corpus as it is now (path, mtime, size, options); CorpusError if it is missing."""
    try:
        stat = src.path.stat()
    except OSError:
        raise CorpusError(f"corpus table not found: {src.path}") from None
    return str(src.path.absolute()), stat.st_mtime_ns, stat.st_size, repr(sorted(src.options.items()))


def document_metadata(path: str | Path) -> pd.DataFrame:
    """doc_id and the metadata the source itself gives (table columns; a page's or Markdown file's title and
    date) of each document that loads, in corpus order, without warnings (judged once per file or table)."""
    if (parsed := _kept(path, _corpus_state(path))) is not None:  # parsed already: no file is read again
        rows = parsed.metadata
        return pd.DataFrame(rows, columns=list(dict.fromkeys(["doc_id"] + [c for r in rows for c in r])),
                            dtype=str).fillna("")
    src = formats.source(path)
    if src.is_table:
        key = _table_key(src)
        if key not in _TABLES:
            rows = [{"doc_id": doc.doc_id, **doc.meta} for doc, _ in formats.table_documents(src, engine.mapper())
                    if doc is not None]
            _TABLES.clear()  # one table at a time: a 100,000-row table's metadata is not kept twice
            _TABLES[key] = pd.DataFrame(rows, dtype=str).reindex(columns=list(dict.fromkeys(
                ["doc_id"] + [c for r in rows for c in r]))).fillna("")
        return _TABLES[key].copy()
    entries = []
    for file in formats.corpus_files(src.path):
        try:
            stat = file.stat()
            entries.append((file, (str(file.absolute()), stat.st_mtime_ns, stat.st_size)))
        except OSError:
            continue  # a broken link or a file gone meanwhile: it does not load
    unread = [(file, key) for file, key in entries if key not in _LOADS]
    for (_, key), meta in zip(unread, engine.mapper()(_file_metadata, [file.absolute() for file, _ in unread]),
                              strict=True):
        _LOADS[key] = meta
    rows = [{"doc_id": file.stem, **_LOADS[key]} for file, key in entries if _LOADS[key] is not None]
    columns = list(dict.fromkeys(["doc_id"] + [c for r in rows for c in r]))
    return pd.DataFrame(rows, columns=columns, dtype=str).fillna("")


def _file_metadata(file: Path) -> dict[str, str] | None:
    """The metadata one file gives (its title and date, if any), or None if it does not load."""
    doc = formats.read_file(file)[0]
    return None if doc is None else dict(doc.meta)


def loaded_ids(path: str | Path) -> list[str]:
    """The doc_ids of the documents of a corpus that load (not skipped), in corpus order, without warnings."""
    return document_metadata(path)["doc_id"].tolist()


def scan_corpus(path: str | Path = "seeds") -> list[tuple[RawDocument | None, FileStatus]]:
    """Read every file (or table row) of the corpus, returning each document (or None) with its status, then
    the entries of a folder it does not read (None, status "ignored")."""
    return list(formats.scan(path, engine.mapper()))


def _warn(status: FileStatus, stacklevel: int) -> None:
    """A CorpusWarning naming the file or row, its status and the reason, when it was skipped or read with a
    fallback (nothing for a file that loaded cleanly)."""
    if status.reason:
        warnings.warn(f"{status.file}: {status.status}: {status.reason}", CorpusWarning, stacklevel=stacklevel)


def iter_documents(path: str | Path = "seeds") -> Iterator[RawDocument]:
    """Yield the readable documents one file or row at a time (streaming: none is held after it is parsed);
    warn (CorpusWarning naming the file or row) for each skipped or fallback one; fail if none is readable."""
    loaded = False
    languages: set[str] = set()
    # a large corpus is read, judged and parsed in worker processes (or on Dask), a window at a time
    for doc, status in formats.scan(path, engine.mapper(), _prepared):
        _warn(status, stacklevel=4)
        if doc is not None:
            loaded = True
            yield doc
        elif status.language:
            languages.add(status.language)
    if not loaded:
        raise CorpusError(nothing_readable(path, languages))


def nothing_readable(path: str | Path, languages: set[str]) -> str:
    """The message for a corpus folder of which no file can be analysed, naming its languages if foreign."""
    why = (f": the files are written in {', '.join(sorted(languages))}, not English (the suite's lemmas, "
           "stopwords, gazetteer and codebook are English)") if languages else ""
    return f"no readable documents in corpus folder {path}{why}"


def is_list_item(line: str) -> bool:
    """True for a numbered or bulleted list item."""
    return bool(_LIST_ITEM.match(line))


def is_heading_shaped(line: str) -> bool:
    """True for a short line with no closing punctuation that starts like a title (not a list item)."""
    text = line.strip()
    if not text or is_list_item(text) or text.endswith(_CLOSING_PUNCT):
        return False
    if len(text) > _MAX_HEADING_CHARS or len(text.split()) > _MAX_HEADING_WORDS:
        return False
    return text[0].isupper() or text[0].isdigit()


def _short_heading(parts: list[str]) -> bool:
    """True when a block so far is one heading-shaped line too short to be a hard-wrapped line."""
    return len(parts) == 1 and len(parts[0]) < _MAX_WRAPPED_HEADING_CHARS and is_heading_shaped(parts[0])


def _blocks(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Group kept lines into blocks: blank-line separated when the file has blank lines, else one per line.

    Wrapped lines of a block are joined with spaces; list items keep their own lines; a short
    heading-shaped first line followed by a capitalised line stays a block of its own (a heading written
    directly above its text, where a wrapped sentence would go on in lower case).
    """
    has_blank = any(not text.strip() for _, text in lines)
    blocks: list[tuple[int, list[str]]] = []
    open_block = False
    for number, text in lines:
        if not text.strip():
            open_block = False
            continue
        stripped = text.strip()
        if open_block and has_blank and not (_short_heading(blocks[-1][1]) and stripped[0].isupper()):
            _, parts = blocks[-1]
            if is_list_item(stripped) or is_list_item(parts[-1]):
                parts.append(stripped)
            else:
                parts[-1] = parts[-1] + " " + stripped
        else:
            blocks.append((number, [stripped]))
            open_block = True
    return [(start, "\n".join(parts)) for start, parts in blocks]


def split_sections(lines: list[tuple[int, str]]) -> tuple[str, list[Section]]:
    """Split cleaned (line number, text) lines into a title ('' if none) and sections of paragraphs.

    A heading is a heading-shaped single-line block followed by body text; a heading-shaped block that
    opens the document and is followed by another heading is the title; stacked headings further on are
    joined with ': '. A lead-in line ending in ':' and the list items after it form one paragraph.
    """
    blocks = _blocks(lines)
    shaped = [("\n" not in text and is_heading_shaped(text)) for _, text in blocks]
    title = ""
    sections: list[Section] = []
    pending: list[str] = []
    for i, (number, text) in enumerate(blocks):
        nxt = shaped[i + 1] if i + 1 < len(blocks) else None
        if shaped[i] and nxt is not None:
            if nxt:
                if i == 0:
                    title = text
                else:
                    pending.append(text)
                continue
            sections.append(Section(": ".join([*pending, text])))
            pending = []
            continue
        if pending:  # stacked heading-shaped lines followed by nothing: keep them as body text
            text = "\n".join([*pending, text])
            pending = []
        if not sections:
            sections.append(Section(""))
        paragraphs = sections[-1].paragraphs
        starts_with_item = is_list_item(text.split("\n")[0])
        if starts_with_item and paragraphs and (
            paragraphs[-1][1].endswith(":") or is_list_item(paragraphs[-1][1].split("\n")[-1])
        ):
            paragraphs[-1] = (paragraphs[-1][0], paragraphs[-1][1] + "\n" + text)
        else:
            paragraphs.append((number, text))
    if pending and not sections:
        sections.append(Section("", [(0, "\n".join(pending))]))
    return title, [s for s in sections if s.paragraphs]


def parse_document(doc: RawDocument) -> tuple[str, list[Section], list[tuple[int, str, str]]]:
    """Title, sections and removed lines (line, rule, text) of one decoded document, cleaned once (parsed
    already where it was read, in a worker)."""
    if doc.parsed is not None:
        return doc.parsed
    kept, removed = clean_lines(doc.raw_text)
    return (*split_sections(kept), removed)


def _prepared(doc: RawDocument) -> RawDocument:
    """The document with its title and sections parsed (done in the worker that read it)."""
    return replace(doc, parsed=parse_document(doc))


def _titled(doc: RawDocument, title: str, sections: list[Section]) -> str:
    """The document title: the one its source gives, else its own title line, else its first heading, else its
    doc_id."""
    return doc.title or title or next((s.heading for s in sections if s.heading), doc.doc_id)


@dataclass
class Parsed:
    """A corpus read and cleaned once: what every loader and corpus report of it is built from."""

    statuses: list[FileStatus]  # every entry: loaded, loaded with warning, skipped or ignored, and why
    sections: pd.DataFrame  # SECTION_COLUMNS
    paragraphs: pd.DataFrame  # PARAGRAPH_COLUMNS
    removed: pd.DataFrame  # file, line, rule, text of every line cleaning (or page extraction) removed
    accounting: pd.DataFrame  # per file: raw words = boilerplate + title + headings + body
    metadata: list[dict[str, str]]  # per loaded document: doc_id and the metadata its source gives


_PARSED: dict[tuple[object, ...], Parsed] = {}  # the last corpus parsed (one at a time), while its files are unchanged


def _corpus_state(path: str | Path) -> tuple[object, ...] | None:
    """The corpus as it is now: each entry's name, mtime and size (a folder) or the table's key; None when it
    cannot be listed (then nothing is kept and the scan reports why)."""
    src = formats.source(path)
    try:
        if src.is_table:
            return _table_key(src)
        with os.scandir(src.path) as found:
            entries = sorted((e.name, (st := e.stat()).st_mtime_ns, st.st_size) for e in found)
    except (OSError, CorpusError):
        return None
    return str(src.path.absolute()), tuple(entries)


def _accounting(doc: RawDocument, title: str, sections: list[Section],
                removed: list[tuple[int, str, str]]) -> dict[str, object]:
    """Where every word of one file went: raw = boilerplate + title + headings + body (``balanced``)."""
    row: dict[str, object] = {
        "file": doc.file,
        "raw_words": count_words(doc.raw_text),
        "boilerplate_words": sum(count_words(text) for _, _, text in removed),
        "title_words": count_words(title),
        "heading_words": sum(count_words(s.heading) for s in sections),
        "body_words": sum(count_words(p) for s in sections for _, p in s.paragraphs),
    }
    parts = ("boilerplate_words", "title_words", "heading_words", "body_words")
    row["balanced"] = row["raw_words"] == sum(row[k] for k in parts)  # type: ignore[misc]
    return row


_DISK: list[Path] = []  # the folder parsed corpora are kept in (``keep_parsed_in``), if any
PARSED_PACKAGES = ("pandas", "numpy", "charset-normalizer", "lxml", "trafilatura", "justext", "simplemma", "pyarrow")


def keep_parsed_in(folder: str | Path | None) -> None:
    """Keep each corpus parsed in this process in ``folder`` too (one entry per corpus, keyed by its files'
    names, times and sizes, the parsing code and its packages), so the next notebook or session reads it rather
    than parsing every file again; None: in memory only."""
    _DISK[:] = [] if folder is None else [Path(folder)]


def _disk_entry(path: str | Path, state: tuple[object, ...]) -> tuple[Path, str] | None:
    """Where the parsed corpus is kept on disk and the key it must carry, or None when no folder is set."""
    if not _DISK:
        return None
    src = formats.source(path)
    name = hashlib.sha256(f"{src.path.absolute()}?{sorted(src.options.items())}".encode()).hexdigest()[:16]
    key = caching.cache_key(("loading", "formats", "cleaning", "language", "text"), PARSED_PACKAGES, state=state)
    return _DISK[0] / f"parsed-{name}.pkl", key


def _kept(path: str | Path, state: tuple[object, ...] | None) -> Parsed | None:
    """The parsed corpus for ``state`` from memory or, if it is there and checks, from the disk entry."""
    if state is None:
        return None
    if state in _PARSED:
        return _PARSED[state]
    entry = _disk_entry(path, state)
    return _from_disk(state, entry) if entry is not None else None


def _from_disk(state: tuple[object, ...], entry: tuple[Path, str]) -> Parsed | None:
    """The parsed corpus in the disk entry (path, key) if it is there and checks, then also kept in memory."""
    found = caching.read_pickled(*entry)
    if isinstance(found, Parsed):
        _remember(state, found)
        return found
    return None


def _remember(state: tuple[object, ...] | None, found: Parsed) -> None:
    """Keep ``found`` in memory as the one parsed corpus (a 100,000-document corpus is not kept twice)."""
    _PARSED.clear()
    if state is not None:
        _PARSED[state] = found


def parsed_corpus(path: str | Path) -> Parsed:
    """The corpus read, cleaned and parsed once (one scan, each document cleaned once; kept for the last
    corpus while its files are unchanged, and on disk with ``keep_parsed_in``), without warnings: the loaders
    replay those."""
    state = _corpus_state(path)
    if state is not None and state in _PARSED:
        return _PARSED[state]
    if state is None or (entry := _disk_entry(path, state)) is None:
        found = _parse(path)
    else:
        found = caching.kept(entry[0], lambda: _from_disk(state, entry), lambda: _parse(path),
                             lambda parsed: caching.write_pickled(*entry, parsed), "the parsed corpus is not kept")
    _remember(state, found)
    return found


def _parse(path: str | Path) -> Parsed:
    """Read, clean and parse every file or row of the corpus (in worker processes or on Dask for a large one)."""
    statuses: list[FileStatus] = []
    sections, paragraphs, removed, accounting, metadata = [], [], [], [], []
    # a large corpus is read, judged and parsed in worker processes (or on Dask), a window at a time
    for doc, status in formats.scan(path, engine.mapper(), _prepared):
        statuses.append(status)
        if doc is None:
            continue
        title, parts, dropped = parse_document(doc)
        removed.extend([doc.file, number, rule, line] for number, rule, line in [*doc.removed, *dropped])
        accounting.append(_accounting(doc, title, parts, dropped))
        metadata.append({"doc_id": doc.doc_id, **doc.meta})
        title, counter = _titled(doc, title, parts), 0
        for number, sec in enumerate(parts):
            text = "\n\n".join(p for _, p in sec.paragraphs)
            sections.append([doc.doc_id, title, number, sec.heading, text, count_words(text)])
            for line, par in sec.paragraphs:
                paragraphs.append([doc.doc_id, number, sec.heading, counter, line, par, count_words(par)])
                counter += 1
    return Parsed(statuses, pd.DataFrame(sections, columns=SECTION_COLUMNS),
                  pd.DataFrame(paragraphs, columns=PARAGRAPH_COLUMNS),
                  pd.DataFrame(removed, columns=["file", "line", "rule", "text"]),
                  pd.DataFrame(accounting, columns=[*ACCOUNTING_COLUMNS]), metadata)


def replayed(path: str | Path) -> Parsed:
    """The parsed corpus after a CorpusWarning for each skipped or fallback file or row; CorpusError when none
    loads."""
    found = parsed_corpus(path)
    for status in found.statuses:
        _warn(status, stacklevel=4)
    if not any(s.status.startswith("loaded") for s in found.statuses):
        raise CorpusError(nothing_readable(path, {s.language for s in found.statuses if s.language}))
    return found


@user_facing
@stage("load+clean")
def load_corpus(path: str | Path = "seeds") -> pd.DataFrame:
    """One row per section of every document that loads, in reading order.

    Parameters
    ----------
    path : str or Path
        A folder of ``.txt``/``.md``/``.html`` files (with an optional ``metadata.csv``), or a table file
        (CSV/TSV, JSON Lines, Parquet; column options after ``?``, e.g. ``export.csv?text=body&doc_id=id``).

    Returns
    -------
    pandas.DataFrame
        doc_id, title, section (0-based within the document), heading, text (paragraphs joined by a blank
        line), n_words. A fresh copy on every call.

    Raises
    ------
    CorpusError
        When the corpus cannot be found or no document in it can be analysed (the message says why).

    Warns
    -----
    CorpusWarning
        For each file or row skipped (empty, unreadable, not English, duplicate id, ...) or read with a
        fallback, naming it and the reason; ``corpus_report`` lists every entry.
    """
    return replayed(path).sections.copy()


@user_facing
@stage("load+clean")
def load_paragraphs(path: str | Path = "seeds") -> pd.DataFrame:
    """One row per paragraph in reading order: doc_id, section, heading, paragraph, line, text, n_words."""
    return replayed(path).paragraphs.copy()


def _read_metadata(meta_file: Path) -> pd.DataFrame:
    """Read metadata.csv as text; a malformed file is a CorpusError naming the file and the line (a row with
    more fields than the header, an unclosed quote), as is one that is not a readable UTF-8 file."""
    if not meta_file.is_file():  # a folder, pipe or device: never opened (a pipe would block)
        raise CorpusError(f"{meta_file}: not a regular file (expected a CSV file with a doc_id column)")
    try:
        text = meta_file.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{meta_file}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise CorpusError(f"{meta_file}: cannot be read ({exc.strerror})") from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, list[str]]] = []
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append((reader.line_num, row))
    except csv.Error as exc:
        raise CorpusError(f"{meta_file}, line {reader.line_num}: malformed CSV ({exc}; a quote left open?)") from None
    if not rows:
        raise CorpusError(f"{meta_file}: empty file (expected a header with doc_id)")
    header = rows[0][1]
    for line, row in rows[1:]:
        if len(row) > len(header):
            raise CorpusError(f"{meta_file}, line {line}: malformed CSV ({len(row)} fields, the header has "
                              f"{len(header)})")
    return pd.DataFrame([row + [""] * (len(header) - len(row)) for _, row in rows[1:]], columns=header, dtype=str)


@user_facing
@stage("load+clean")
def load_metadata(path: str | Path = "seeds") -> pd.DataFrame:
    """Metadata of the documents that load (a skipped file or row is not a document): what the source gives
    (a table's columns; a page's title and date), and for a folder its optional ``metadata.csv``, which wins
    where it has a value; ``date`` as YYYY-MM-DD; labels default to doc_id."""
    meta = document_metadata(path)
    src = formats.source(path)
    meta_file = None if src.is_table else src.path / METADATA
    if meta_file is not None and meta_file.exists():
        extra = _read_metadata(meta_file)
        if "doc_id" not in extra.columns:
            warnings.warn(f"{meta_file.name}: no doc_id column; metadata ignored", CorpusWarning, stacklevel=2)
        else:
            duplicated = sorted(set(extra.loc[extra["doc_id"].duplicated(), "doc_id"]))
            if duplicated:
                warnings.warn(f"{meta_file}: doc_id listed more than once, first row kept: {', '.join(duplicated)}",
                              CorpusWarning, stacklevel=2)
                extra = extra.drop_duplicates("doc_id")
            unknown = sorted(set(extra["doc_id"]) - set(meta["doc_id"]))
            if unknown:
                warnings.warn(f"{meta_file}: doc_id without a file in the corpus that loads, ignored: "
                              f"{', '.join(unknown)}", CorpusWarning, stacklevel=2)
            if "date" in extra.columns:
                extra["date"] = _dates(extra, meta_file)
            both = [c for c in extra.columns if c in meta.columns and c != "doc_id"]
            meta = meta.merge(extra, on="doc_id", how="left", suffixes=("_source", ""))
            for column in both:
                given = meta[column].fillna("")
                meta[column] = given.where(given != "", meta.pop(f"{column}_source"))
    if "label" not in meta.columns:
        meta["label"] = meta["doc_id"]
    meta["label"] = meta["label"].fillna("").where(meta["label"].fillna("") != "", meta["doc_id"])
    return meta


def _dates(extra: pd.DataFrame, meta_file: Path) -> pd.Series:
    """The date column of metadata.csv as YYYY-MM-DD; a value that is not a date is left empty, with a warning."""
    out, bad = [], []
    for doc_id, value in zip(extra["doc_id"], extra["date"].fillna(""), strict=True):
        try:
            out.append(formats.parse_date(value) if value.strip() else "")
        except ValueError:
            out.append("")
            bad.append(f"{doc_id} ({value[:40]!r})")
    if bad:
        warnings.warn(f"{meta_file}: date that cannot be read as a date, left empty: {', '.join(bad)}",
                      CorpusWarning, stacklevel=3)
    return pd.Series(out, index=extra.index, dtype=str)


@user_facing
def doc_labels(path: str | Path = "seeds") -> dict[str, str]:
    """Mapping doc_id -> short label (from metadata.csv, else the doc_id itself)."""
    meta = load_metadata(path)
    return dict(zip(meta["doc_id"], meta["label"], strict=True))


@user_facing
def doc_dates(path: str | Path = "seeds") -> dict[str, str] | None:
    """Mapping doc_id -> date (YYYY-MM-DD, '' when unknown) from the metadata, or None when it has no dates."""
    meta = load_metadata(path)
    return dict(zip(meta["doc_id"], meta["date"], strict=True)) if "date" in meta else None


@user_facing
def comparison_groups(path: str | Path = "seeds", max_groups: int = 8) -> dict[str, str]:
    """Mapping doc_id -> the group the notebooks compare. Which groups depends on the corpus: with at most
    ``max_groups`` documents each document is its own group (the three seed articles); with more, the ``group``
    column of the metadata (metadata.csv, or the table column ``?group=`` names; "ungrouped" where empty), else
    one group "all documents" (nothing to compare)."""
    meta = load_metadata(path)
    if len(meta) <= max_groups:
        return dict(zip(meta["doc_id"], meta["doc_id"], strict=True))
    if "group" in meta.columns:
        values = meta["group"].fillna("").where(meta["group"].fillna("") != "", "ungrouped")
        return dict(zip(meta["doc_id"], values, strict=True))
    return dict.fromkeys(meta["doc_id"], "all documents")


def _txt_files(folder: Path) -> list[Path]:
    """The files of a folder the loader reads (.txt, .md, .html) in name order (none if it is not a folder)."""
    try:
        return sorted(p for p in folder.iterdir() if p.suffix.lower() in formats.FOLDER_SUFFIXES)
    except OSError:
        return []


def is_seed_corpus(corpus: str | Path) -> bool:
    """True when the notebook runs on the committed seeds (prose and checks describe that corpus): the seeds
    folder itself, or a copy of it (same .txt names and bytes, e.g. in another clone)."""
    seeds, folder = (Path(__file__).resolve().parent.parent / "seeds").resolve(), Path(corpus).resolve()
    if folder == seeds:
        return True
    mine, theirs = _txt_files(folder), _txt_files(seeds)
    return bool(theirs) and [p.name for p in mine] == [p.name for p in theirs] and all(
        a.read_bytes() == b.read_bytes() for a, b in zip(mine, theirs, strict=True))
