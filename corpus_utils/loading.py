"""Loading: read a folder of .txt articles, decode them safely and split them into sections and paragraphs."""

from __future__ import annotations

import csv
import io
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .cleaning import clean_lines
from .errors import CorpusError, CorpusWarning, user_facing
from .language import non_english
from .profiling import stage
from .tokens import count_words

SECTION_COLUMNS = ["doc_id", "title", "section", "heading", "text", "n_words"]
PARAGRAPH_COLUMNS = ["doc_id", "section", "heading", "paragraph", "line", "text", "n_words"]

_LIST_ITEM = re.compile(r"^\s*(?:\d{1,3}[.)]|[A-Za-z][.)]|[•\u2022\u2023\u25aa\u25e6\u00b7*\-\u2013\u2014])\s+\S")
_CLOSING_PUNCT = tuple(".:;,!?\u2026")
_MAX_HEADING_WORDS = 16
_MAX_HEADING_CHARS = 120
_MAX_WRAPPED_HEADING_CHARS = 60
_BINARY_CONTROL_SHARE = 0.05
METADATA = "metadata.csv"


@dataclass(frozen=True)
class RawDocument:
    """One decoded file: its name, stem, text as decoded and the encoding used."""

    file: str
    doc_id: str
    raw_text: str
    encoding: str


@dataclass
class Section:
    """A heading and its paragraphs (each paragraph a (line number, text) pair)."""

    heading: str
    paragraphs: list[tuple[int, str]] = field(default_factory=list)


@dataclass(frozen=True)
class FileStatus:
    """What happened to one file of the corpus folder."""

    file: str
    status: str
    reason: str
    encoding: str = ""
    language: str = ""  # set when the file was skipped for not being English


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


def _decode(data: bytes) -> tuple[str, str, str]:
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


def _looks_binary(text: str) -> bool:
    """True when more than a small share of characters are control characters."""
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")
    return controls > _BINARY_CONTROL_SHARE * max(len(text), 1)


def _entries(folder: Path) -> list[Path]:
    """Every visible entry of a corpus folder in name order; CorpusError if it is missing or unreadable."""
    if not folder.exists():
        raise CorpusError(f"corpus folder not found: {folder}")
    if not folder.is_dir():
        raise CorpusError(f"corpus path is not a folder: {folder}")
    try:
        return sorted(p for p in folder.iterdir() if not p.name.startswith("."))
    except PermissionError:
        raise CorpusError(f"corpus folder cannot be read (permission denied): {folder}") from None


def _corpus_files(path: str | Path) -> list[Path]:
    """The .txt files of a corpus folder in name order; CorpusError if the folder is missing or has none."""
    entries = _entries(Path(path))
    files = [p for p in entries if p.suffix.lower() == ".txt"]
    if not files:
        others = [p.name + ("/" if p.is_dir() else "") for p in entries][:5]
        found = f" (found {', '.join(others)}; only .txt files directly in it are read)" if others else ""
        raise CorpusError(f"corpus folder has no .txt files: {path}{found}")
    return files


def ignored_entries(path: str | Path) -> list[FileStatus]:
    """What the loader does not read in a corpus folder (subfolders, other file types; not metadata.csv)."""
    rows = []
    folder = Path(path)
    entries = _entries(folder)  # a CorpusError for a folder that cannot be read
    hidden = sorted(p for p in folder.iterdir() if p.name.startswith(".") and p.suffix.lower() == ".txt")
    for entry in hidden:
        rows.append(FileStatus(entry.name, "ignored", "hidden file (its name starts with a dot): not read"))
    for entry in entries:
        if entry.suffix.lower() == ".txt" or entry.name == METADATA:
            continue
        if entry.name.lower() == METADATA:
            rows.append(FileStatus(entry.name, "ignored", f"not read as metadata: the file must be called {METADATA}"))
        elif entry.is_dir():
            rows.append(FileStatus(f"{entry.name}/", "ignored", "subfolder: only .txt files directly in the "
                                   "corpus folder are read (move or link its files up to include them)"))
        else:
            suffix = entry.suffix if entry.suffix.strip() == entry.suffix else repr(entry.suffix)
            kind = f"{suffix} file" if entry.suffix else "file without extension"
            rows.append(FileStatus(entry.name, "ignored", f"{kind}: only .txt files are read (rename it to .txt "
                                   "to include it)"))
    return rows


def _read(file: Path) -> tuple[RawDocument | None, FileStatus]:
    """Read one file; return the document (or None when skipped) and its status."""
    if file.is_symlink() and not file.exists():
        return None, FileStatus(file.name, "skipped", "broken link (its target does not exist)")
    if not file.is_file():  # a pipe, socket or device would block or never end: never opened
        return None, FileStatus(file.name, "skipped", "not a regular file (a folder, pipe or device)")
    target = file.resolve()
    if file.is_symlink() and target.parent == file.parent.resolve() and target.suffix.lower() == ".txt":
        return None, FileStatus(file.name, "skipped", f"link to {target.name}, which is loaded itself")
    try:
        data = file.read_bytes()
    except OSError as exc:
        return None, FileStatus(file.name, "skipped", f"cannot be read ({exc.strerror})")
    if not data.strip():
        return None, FileStatus(file.name, "skipped", "empty file")
    try:
        text, encoding, note = _decode(data)
    except ValueError as exc:
        return None, FileStatus(file.name, "skipped", str(exc))
    if _looks_binary(text):
        return None, FileStatus(file.name, "skipped", "binary file (many control characters)")
    kept = "\n".join(line for _, line in clean_lines(text)[0])
    if not kept.strip():
        return None, FileStatus(file.name, "skipped", "no text left after removing boilerplate", encoding)
    language, foreign = non_english(kept)
    if foreign:
        return None, FileStatus(file.name, "skipped", f"{note}; {foreign}" if note else foreign, encoding, language)
    status = "loaded with warning" if note else "loaded"
    return RawDocument(file.name, file.stem, text, encoding), FileStatus(file.name, status, note, encoding)


_LOADS: dict[tuple[str, int, int], bool] = {}  # (file, mtime, size) -> loads: each file is judged once


def loaded_ids(path: str | Path) -> list[str]:
    """The doc_ids of the files of a corpus folder that load (not skipped), in name order, without warnings."""
    ids = []
    for file in _corpus_files(path):
        try:
            stat = file.stat()
            key = (str(file.absolute()), stat.st_mtime_ns, stat.st_size)
        except OSError:
            continue  # a broken link or a file gone meanwhile: it does not load
        if key not in _LOADS:
            _LOADS[key] = _read(file)[0] is not None
        if _LOADS[key]:
            ids.append(file.stem)
    return ids


def scan_corpus(path: str | Path = "seeds") -> list[tuple[RawDocument | None, FileStatus]]:
    """Read every .txt file of the corpus folder, returning each document (or None) with its status, then
    the entries it does not read (None, status "ignored")."""
    return [_read(file) for file in _corpus_files(path)] + [(None, s) for s in ignored_entries(path)]


def iter_documents(path: str | Path = "seeds") -> Iterator[RawDocument]:
    """Yield the readable documents one file at a time (streaming: no file is held after it is parsed);
    warn (CorpusWarning naming the file) for each skipped or fallback one; fail if none is readable."""
    loaded = False
    languages: set[str] = set()
    for file in _corpus_files(path):
        doc, status = _read(file)
        if status.reason:
            warnings.warn(f"{status.file}: {status.status}: {status.reason}", CorpusWarning, stacklevel=3)
        if doc is not None:
            loaded = True
            yield doc
        elif status.language:
            languages.add(status.language)
    for status in ignored_entries(path):
        warnings.warn(f"{status.file}: {status.status}: {status.reason}", CorpusWarning, stacklevel=3)
    if not loaded:
        raise CorpusError(nothing_readable(path, languages))


def nothing_readable(path: str | Path, languages: set[str]) -> str:
    """The message for a corpus folder of which no file can be analysed, naming its languages if foreign."""
    why = (f": the files are written in {', '.join(sorted(languages))}, not English (the suite's lemmas, "
           "stopwords, gazetteer and codebook are English)") if languages else ""
    return f"no readable documents in corpus folder {path}{why}"


@user_facing
@stage("load+clean")
def corpus_report(path: str | Path = "seeds") -> pd.DataFrame:
    """One row per entry of the folder: status (loaded, loaded with warning, skipped; ignored for
    subfolders and other file types), reason and encoding."""
    rows = [vars(status) for _, status in scan_corpus(path)]
    return pd.DataFrame(rows, columns=["file", "status", "reason", "encoding"])  # language: in the reason


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


def parse_document(doc: RawDocument) -> tuple[str, list[Section]]:
    """Title and sections of one decoded document, after cleaning."""
    kept, _ = clean_lines(doc.raw_text)
    return split_sections(kept)


def _titled(doc: RawDocument, title: str, sections: list[Section]) -> str:
    """The document title: its own title line, else its first heading, else its doc_id."""
    return title or next((s.heading for s in sections if s.heading), doc.doc_id)


@user_facing
@stage("load+clean")
def load_corpus(path: str | Path = "seeds") -> pd.DataFrame:
    """One row per section in reading order: doc_id, title, section, heading, text, n_words."""
    rows = []
    for doc in iter_documents(path):
        title, sections = parse_document(doc)
        title = _titled(doc, title, sections)
        for number, sec in enumerate(sections):
            text = "\n\n".join(p for _, p in sec.paragraphs)
            rows.append([doc.doc_id, title, number, sec.heading, text, count_words(text)])
    return pd.DataFrame(rows, columns=SECTION_COLUMNS)


@user_facing
@stage("load+clean")
def load_paragraphs(path: str | Path = "seeds") -> pd.DataFrame:
    """One row per paragraph in reading order: doc_id, section, heading, paragraph, line, text, n_words."""
    rows = []
    for doc in iter_documents(path):
        _, sections = parse_document(doc)
        counter = 0
        for number, sec in enumerate(sections):
            for line, text in sec.paragraphs:
                rows.append([doc.doc_id, number, sec.heading, counter, line, text, count_words(text)])
                counter += 1
    return pd.DataFrame(rows, columns=PARAGRAPH_COLUMNS)


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
    """The optional ``metadata.csv`` of a corpus folder (doc_id, label, ...) for the documents that load (a
    skipped file is not a document); labels default to doc_id."""
    docs = loaded_ids(path)
    meta_file = Path(path) / METADATA
    meta = pd.DataFrame({"doc_id": docs})
    if meta_file.exists():
        extra = _read_metadata(meta_file)
        if "doc_id" not in extra.columns:
            warnings.warn(f"{meta_file.name}: no doc_id column; metadata ignored", CorpusWarning, stacklevel=2)
        else:
            duplicated = sorted(set(extra.loc[extra["doc_id"].duplicated(), "doc_id"]))
            if duplicated:
                warnings.warn(f"{meta_file}: doc_id listed more than once, first row kept: {', '.join(duplicated)}",
                              CorpusWarning, stacklevel=2)
                extra = extra.drop_duplicates("doc_id")
            unknown = sorted(set(extra["doc_id"]) - set(docs))
            if unknown:
                warnings.warn(f"{meta_file}: doc_id without a file in the corpus that loads, ignored: "
                              f"{', '.join(unknown)}", CorpusWarning, stacklevel=2)
            meta = meta.merge(extra, on="doc_id", how="left")
    if "label" not in meta.columns:
        meta["label"] = meta["doc_id"]
    meta["label"] = meta["label"].fillna("").where(meta["label"].fillna("") != "", meta["doc_id"])
    return meta


@user_facing
def doc_labels(path: str | Path = "seeds") -> dict[str, str]:
    """Mapping doc_id -> short label (from metadata.csv, else the doc_id itself)."""
    meta = load_metadata(path)
    return dict(zip(meta["doc_id"], meta["label"], strict=True))


@user_facing
@stage("load+clean")
def word_accounting(path: str | Path = "seeds") -> pd.DataFrame:
    """Per file, where every word went: raw = boilerplate + title + headings + body (``balanced``)."""
    rows = []
    for doc in iter_documents(path):
        kept, removed = clean_lines(doc.raw_text)
        title, sections = split_sections(kept)
        row = {
            "file": doc.file,
            "raw_words": count_words(doc.raw_text),
            "boilerplate_words": sum(count_words(text) for _, _, text in removed),
            "title_words": count_words(title),
            "heading_words": sum(count_words(s.heading) for s in sections),
            "body_words": sum(count_words(p) for s in sections for _, p in s.paragraphs),
        }
        parts = ("boilerplate_words", "title_words", "heading_words", "body_words")
        row["balanced"] = row["raw_words"] == sum(row[k] for k in parts)
        rows.append(row)
    return pd.DataFrame(rows)


@user_facing
def doc_groups(path: str | Path = "seeds", max_groups: int = 8) -> dict[str, str]:
    """Mapping doc_id -> the unit of comparison: each document itself when there are at most ``max_groups``
    documents, else the ``group`` column of metadata.csv, else one group "all documents"."""
    meta = load_metadata(path)
    if len(meta) <= max_groups:
        return dict(zip(meta["doc_id"], meta["doc_id"], strict=True))
    if "group" in meta.columns:
        values = meta["group"].fillna("").where(meta["group"].fillna("") != "", "ungrouped")
        return dict(zip(meta["doc_id"], values, strict=True))
    return dict.fromkeys(meta["doc_id"], "all documents")


def _txt_files(folder: Path) -> list[Path]:
    """The .txt files of a folder in name order (none if it is not a readable folder)."""
    try:
        return sorted(p for p in folder.iterdir() if p.suffix == ".txt")
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
