"""Audit: what each dictionary indicator matches (keyword in context), where it fires, how much it contributes
to each frame, how often it agrees with a reference coding, and the dictionaries it is compared with."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial

import numpy as np
import pandas as pd

from . import engine, tokens
from .framing import frame_indicators, iter_matches, load_codebook
from .profiling import stage

KWIC_COLUMNS = ["doc_id", "section", "sentence", "position", "frame", "indicator", "left", "match", "right"]


def _unit_sentences(record: Mapping[str, object]) -> list[list[str]]:
    """Lemma sentences of a unit as the dictionary scores it: heading, then text."""
    return tokens.lemma_sentences(f"{record.get('heading', '')}.\n{record['text']}")


def title_ngrams(titles: Sequence[str], indicators: Mapping[str, Sequence[str]] | None = None,
                 sizes: Sequence[int] = (2, 3)) -> list[str]:
    """Lemma n-grams of adjacent content words in the titles that contain an indicator without being one
    (e.g. "policy development" around "development"): the article naming its own subject, not evidence."""
    phrases = {p for ps in (indicators or frame_indicators()).values() for p in ps}
    stop = tokens.general_stopwords()
    found = set()
    for title in titles:
        for sent in tokens.lemma_sentences(title):
            for run in tokens.content_runs(sent, stop):
                for n in sizes:
                    for i in range(len(run) - n + 1):
                        gram = run[i : i + n]
                        inner = {" ".join(gram[a:b]) for a in range(n) for b in range(a + 1, n + 1)}
                        if " ".join(gram) not in phrases and inner & phrases:
                            found.add(" ".join(gram))
    return sorted(found)


@stage("validation")
def kwic(units: pd.DataFrame, indicators: Mapping[str, Sequence[str]] | None = None, window: int = 5,
         masked: Sequence[str] = ()) -> pd.DataFrame:
    """Every indicator hit with its context, as quanteda's ``kwic``: doc_id, section, sentence and token
    position (0-based, in the unit's lemma sentences, heading first), frame, indicator, and ``window``
    lemmas left and right."""
    indicators = frame_indicators() if indicators is None else indicators
    frame_of = {p: f for f, ps in indicators.items() for p in ps}
    records = units[[c for c in ("doc_id", "section", "heading", "text") if c in units.columns]].to_dict("records")
    found = engine.mapper()(partial(_unit_kwic, frame_of, tuple(sorted(frame_of)), tuple(masked), window), records)
    return pd.DataFrame([row for part in found for row in part], columns=KWIC_COLUMNS)


def _unit_kwic(frame_of: Mapping[str, str], phrases: Sequence[str], masked: Sequence[str], window: int,
               record: Mapping[str, object]) -> list[tuple[object, ...]]:
    """The keyword-in-context rows of one unit (see ``kwic``)."""
    sents = _unit_sentences(record)
    rows = []
    for s, i, phrase in iter_matches(sents, phrases, masked):
        sent, n = sents[s], len(phrase.split())
        rows.append((record["doc_id"], record["section"], s, i, frame_of[phrase], phrase,
                     " ".join(sent[max(0, i - window) : i]), " ".join(sent[i : i + n]),
                     " ".join(sent[i + n : i + n + window])))
    return rows


def reference_includes(reference: pd.DataFrame, frames: Sequence[str], min_salience: float = 2.0) -> pd.DataFrame:
    """Per unit and frame, whether the reference coding includes the frame: it is the primary frame, or its
    mean salience (when coded) is at least ``min_salience`` ("developed")."""
    table = pd.DataFrame({f: reference["primary_frame"].to_numpy() == f for f in frames})
    for f in frames:
        if f"salience_{f}" in reference:
            table[f] |= reference[f"salience_{f}"].to_numpy(dtype=float) >= min_salience
    return table


@stage("validation")
def indicator_table(hits: pd.DataFrame, units: pd.DataFrame, reference: pd.DataFrame | None = None,
                    min_hits: int = 3, min_precision: float = 0.5) -> pd.DataFrame:
    """One row per indicator that fires: frame, indicator, hits, sections it fires in, contribution (its share
    of the frame's hits) and, given a reference coding in the order of ``units``, precision (share of its hits
    in units whose reference includes the frame) and ``misfires`` (at least ``min_hits`` hits, precision
    below ``min_precision``)."""
    keys = list(zip(units["doc_id"], units["section"], strict=True))
    table = hits.groupby(["frame", "indicator"], as_index=False).agg(
        hits=("match", "size"), sections=("section", lambda s: len(set(zip(hits.loc[s.index, "doc_id"], s,
                                                                             strict=True)))))
    table["contribution"] = (table["hits"] / table.groupby("frame")["hits"].transform("sum")).round(3)
    if reference is not None:
        frames = list(dict.fromkeys(table["frame"]))
        includes = reference_includes(reference, frames).set_axis(pd.MultiIndex.from_tuples(keys))
        good = [bool(includes.loc[(d, s), f]) for d, s, f in zip(hits["doc_id"], hits["section"], hits["frame"],
                                                                 strict=True)]
        precision = hits.assign(good=good).groupby(["frame", "indicator"])["good"].mean().round(3)
        table = table.merge(precision.rename("precision").reset_index(), on=["frame", "indicator"])
        table["misfires"] = (table["hits"] >= min_hits) & (table["precision"] < min_precision)
    return table.sort_values(["frame", "hits", "indicator"], ascending=[True, False, True], ignore_index=True)


def definition_indicators(part: str = "frames") -> dict[str, list[str]]:
    """A frozen "definitions-only" dictionary: each frame's (``part="functions"``: each function's) indicators
    are the content lemmas of its codebook definition (general stopwords removed), nothing read from the corpus."""
    stop = tokens.general_stopwords()
    table = {}
    for name, frame in load_codebook()[part].items():
        lemmas = [t for sent in tokens.lemma_sentences(frame["definition"]) for t in sent]
        table[name] = sorted({t for t in lemmas if tokens.is_content_token(t, stop)})
    return table


def per_group_reports(truth: Sequence[str], predicted: Sequence[str], groups: Sequence[str],
                      report: object) -> pd.DataFrame:
    """``report(truth, predicted)`` (e.g. ``validation.classification_scores``) for each group separately."""
    truth, predicted, groups = (np.asarray(x, dtype=object) for x in (truth, predicted, groups))
    rows = [{"group": g, **report(truth[groups == g], predicted[groups == g])} for g in dict.fromkeys(groups)]
    return pd.DataFrame(rows)
