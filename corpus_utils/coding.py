"""Coding: answers given in the browser by people (section codings, intrusion answers), saved one at a time.

Each coder has one file per task in the validation folder, ``coding_<coder>.csv`` and ``intrusion_<coder>.csv``.
Every answer rewrites the coder's file atomically (temporary file, then rename) under a lock, so closing the
browser, a second tab or a crash never loses or halves an answer; reopening resumes where the coder stopped.
A file that cannot be read is never overwritten: the coder is told which file and why.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from .caching import atomic_write, folder_lock
from .framing import frame_names, function_names
from .validation import KEYS, NONE, SALIENCE, salience_columns

CODER_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
META = ["coder", "coder_kind", "saved_at"]
CODING_COLUMNS = [*META, "order", *KEYS, "text_digest", "primary_frame", "function", *salience_columns()]
INTRUSION_COLUMNS = [*META, "item", "item_digest", "kind", "chosen"]
PERSON = "person (coding widget)"


class CodingFileError(ValueError):
    """A coder's file exists but cannot be read as one: it is left as it is and nothing is written to it."""


def check_coder(coder: str) -> str:
    """The coder id, lowercased and stripped, if it is 1-40 letters, digits, '_' or '-' (it names a file);
    else ValueError saying what is allowed."""
    cleaned = coder.strip().lower()
    if not CODER_ID.match(cleaned):
        raise ValueError(f"coder id {coder!r}: use 1-40 letters, digits, '_' or '-' (it becomes part of a file name)")
    return cleaned


def coding_path(folder: str | Path, coder: str) -> Path:
    """``folder/coding_<coder>.csv``."""
    return Path(folder) / f"coding_{check_coder(coder)}.csv"


def intrusion_path(folder: str | Path, coder: str) -> Path:
    """``folder/intrusion_<coder>.csv``."""
    return Path(folder) / f"intrusion_{check_coder(coder)}.csv"


def text_digest(heading: str, text: str) -> str:
    """Short sha256 of a section's heading and text: a coding is used only for the very text that was coded."""
    return hashlib.sha256(f"{heading}\n{text}".encode()).hexdigest()[:16]


def coder_order(n: int, coder: str, seed: int) -> np.ndarray:
    """The order in which ``coder`` sees ``n`` units: a permutation seeded by ``seed`` and the coder id, so each
    coder has an order of their own (order effects do not line up across coders) and the same one on return."""
    salt = int.from_bytes(hashlib.sha256(check_coder(coder).encode()).digest()[:4], "big")
    return np.random.default_rng([seed, salt]).permutation(n)


def read_answers(path: str | Path, columns: Sequence[str]) -> pd.DataFrame:
    """A coder file as text, cell for cell (empty table if it does not exist): no value is read as a number or
    as missing ("null" stays a word, a digest "0123" keeps its zero; an empty cell is NaN); CodingFileError
    naming the file if it is unreadable or lacks columns."""
    path = Path(path)
    if not path.exists():
        return pd.DataFrame(columns=list(columns))
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise CodingFileError(f"{path}: cannot be read ({exc}); it is left as it is") from None
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise CodingFileError(f"{path}: not a coder file (missing columns {', '.join(missing)}); it is left as it is")
    return table.replace({"": np.nan})


def valid_codings(table: pd.DataFrame) -> pd.Series:
    """Which rows of a coding file hold a whole answer within the codebook (frame, function, salience 0-3)."""
    ok = table["primary_frame"].isin([*frame_names(), NONE]) & table["function"].isin([*function_names(), NONE])
    for column in salience_columns():
        ok &= table[column].isin([str(s) for s in SALIENCE])
    return ok & pd.to_numeric(table["section"], errors="coerce").notna()


def _save(path: Path, row: Mapping[str, object], columns: Sequence[str], keys: Sequence[str]) -> pd.DataFrame:
    """Replace (or add) the row with these ``keys`` in the coder file and write it atomically; return the file."""
    with folder_lock(path.parent):
        table = read_answers(path, columns)
        same = np.ones(len(table), dtype=bool)
        for k in keys:
            same &= table[k].astype(str).to_numpy() == str(row[k])
        new = pd.DataFrame([{c: row.get(c) for c in columns}], columns=list(columns))
        table = pd.concat([table[~same], new], ignore_index=True) if len(table[~same]) else new
        atomic_write(path, table.to_csv(index=False, lineterminator="\n"))
    return table


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def save_coding(folder: str | Path, coder: str, unit: Mapping[str, object], answer: Mapping[str, object],
                order: int, kind: str = PERSON) -> pd.DataFrame:
    """Save one section's coding (replacing an earlier answer for the same text) to ``coding_<coder>.csv``.

    Parameters
    ----------
    folder : the validation folder.
    coder : the coder id (``check_coder``).
    unit : the section: doc_id, section, heading, text.
    answer : primary_frame, function (codebook names or ``none_other``) and salience_<frame> (0-3) per frame.
    order : the unit's place in the coder's order (1-based), kept for reading the file.
    kind : who coded ("person (coding widget)" by default; say "AI run" for a model).
    """
    check_answer(answer)
    row = {"coder": check_coder(coder), "coder_kind": kind, "saved_at": _now(), "order": order,
           "doc_id": unit["doc_id"], "section": int(unit["section"]),  # type: ignore[call-overload]
           "text_digest": text_digest(str(unit["heading"]), str(unit["text"])), **answer}
    return _save(coding_path(folder, coder), row, CODING_COLUMNS, ["doc_id", "section", "text_digest"])


def check_answer(answer: Mapping[str, object]) -> None:
    """ValueError naming the field when a coding answer has a frame, function or salience outside the codebook."""
    if answer.get("primary_frame") not in [*frame_names(), NONE]:
        raise ValueError(f"primary_frame {answer.get('primary_frame')!r} is not a frame of the codebook or {NONE}")
    if answer.get("function") not in [*function_names(), NONE]:
        raise ValueError(f"function {answer.get('function')!r} is not a function of the codebook or {NONE}")
    for column in salience_columns():
        if answer.get(column) not in SALIENCE:
            raise ValueError(f"{column} must be one of {SALIENCE}, not {answer.get(column)!r}")


def save_intrusion(folder: str | Path, coder: str, item: Mapping[str, object], chosen: str,
                   kind: str = PERSON) -> pd.DataFrame:
    """Save one intrusion answer (the option the coder picked) to ``intrusion_<coder>.csv``, replacing an
    earlier answer to the same item."""
    if chosen not in item["options"]:  # type: ignore[operator]
        raise ValueError(f"{chosen!r} is not an option of item {item['item']}")
    row = {"coder": check_coder(coder), "coder_kind": kind, "saved_at": _now(), "item": item["item"],
           "item_digest": item["digest"], "kind": item["kind"], "chosen": chosen}
    return _save(intrusion_path(folder, coder), row, INTRUSION_COLUMNS, ["item", "item_digest"])


def coded_units(table: pd.DataFrame, sections: pd.DataFrame) -> pd.DataFrame:
    """The valid rows of a coding file (``valid_codings``) that code a section of ``sections`` as it is now
    (same doc_id, section and text digest), in the order of ``sections``: one row per section, missing codes
    NaN, salience as numbers."""
    current = sections[KEYS].assign(
        text_digest=[text_digest(str(h), str(t)) for h, t in zip(sections["heading"], sections["text"], strict=True)])
    rows = table[valid_codings(table)] if len(table) else table
    rows = rows.assign(section=pd.to_numeric(rows["section"], errors="coerce"))
    rows = rows.drop_duplicates(["doc_id", "section", "text_digest"], keep="last")
    for column in salience_columns():
        rows[column] = pd.to_numeric(rows[column], errors="coerce")
    return current.reset_index(drop=True).merge(rows.drop(columns=["order"], errors="ignore"),
                                                on=[*KEYS, "text_digest"], how="left")


def coder_files(folder: str | Path, prefix: str = "coding") -> list[Path]:
    """Every ``<prefix>_*.csv`` file in ``folder`` (sorted; a name that is not a valid coder id is the caller's
    to report)."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob(f"{prefix}_*.csv") if p.is_file())


def _name_problem(path: Path, prefix: str) -> str:
    """Why a coder file's name is not ``<prefix>_<coder id>.csv`` ("" if it is)."""
    if CODER_ID.match(path.stem[len(prefix) + 1 :]):
        return ""
    return (f"{path.name}: not read, the name is not {prefix}_<coder id>.csv (1-40 lowercase letters, digits, "
            "'_' or '-'); rename it to use it")


def people_codings(folder: str | Path, sections: pd.DataFrame) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Every coder file in ``folder`` aligned to ``sections`` (coder id -> table, NaN where not coded), and a
    record of every file: coder, kind, rows, rows coding these sections, rows set aside (another corpus, an
    edited text, a code outside the codebook, a repeat) and the problem, if the file was not read. Nothing is
    dropped without a line here."""
    codings, record = {}, []
    for path in coder_files(folder):
        coder = path.stem[len("coding_") :]
        try:
            if problem := _name_problem(path, "coding"):
                raise CodingFileError(problem)
            table = read_answers(path, CODING_COLUMNS)
        except CodingFileError as exc:
            record.append({"coder": coder, "kind": "", "rows": 0, "used": 0, "set_aside": 0, "problem": str(exc)})
            continue
        aligned = coded_units(table, sections)
        used = int(aligned["primary_frame"].notna().sum())
        invalid = int((~valid_codings(table)).sum()) if len(table) else 0
        kinds = sorted(set(table["coder_kind"].dropna().astype(str))) or [PERSON]
        record.append({"coder": coder, "kind": "; ".join(kinds), "rows": len(table), "used": used,
                       "set_aside": len(table) - used,
                       "problem": f"{invalid} rows with a code outside the codebook set aside" if invalid else ""})
        if used:
            codings[coder] = aligned
    return codings, pd.DataFrame(record, columns=["coder", "kind", "rows", "used", "set_aside", "problem"])


def intrusion_answers(folder: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every intrusion answer in ``folder`` (one table, all coders) and a record per file (rows, problem)."""
    tables, record = [], []
    for path in coder_files(folder, "intrusion"):
        try:
            if problem := _name_problem(path, "intrusion"):
                raise CodingFileError(problem)
            table = read_answers(path, INTRUSION_COLUMNS)
        except CodingFileError as exc:
            record.append({"file": path.name, "rows": 0, "problem": str(exc)})
            continue
        tables.append(table)
        record.append({"file": path.name, "rows": len(table), "problem": ""})
    answers = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(columns=INTRUSION_COLUMNS)
    return answers, pd.DataFrame(record, columns=["file", "rows", "problem"])


def kind_of(record: pd.DataFrame, coder: str) -> str:
    """Who a coder is, as their file says (e.g. "person (coding widget)"), from ``people_codings``' record."""
    found = record.loc[record["coder"] == coder, "kind"]
    return str(found.iloc[0]) if len(found) and found.iloc[0] else PERSON
