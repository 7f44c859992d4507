"""Framing: a codebook of frames and framing functions (data), dictionary scores per section, keyness,
shared formulaic language, and agreement measures for validating the dictionary against a hand coding."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from functools import lru_cache
from importlib import resources
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from . import tokens
from .profiling import stage

HEADING_WEIGHT = 2.0  # a function cue in the heading counts as much as 2 cues per 100 words of body text


@lru_cache(maxsize=1)
def load_codebook() -> dict[str, Any]:
    """The codebook shipped in ``corpus_utils/data/codebook.yaml`` (frames and functions)."""
    text = resources.files("corpus_utils.data").joinpath("codebook.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def frame_names() -> list[str]:
    """The nine substantive frames, in codebook order."""
    return list(load_codebook()["frames"])


def function_names() -> list[str]:
    """The four framing functions, in codebook order."""
    return list(load_codebook()["functions"])


def codebook_table() -> pd.DataFrame:
    """The codebook as a table: frame, definition, indicators, example."""
    rows = [{"frame": name, "definition": f["definition"], "indicators": ", ".join(f["indicators"]),
             "example": f["example"]} for name, f in load_codebook()["frames"].items()]
    return pd.DataFrame(rows)


@lru_cache(maxsize=256)
def _patterns(phrases: tuple[str, ...]) -> dict[str, list[tuple[str, ...]]]:
    """Indicator phrases as lemma sequences, longest first, indexed by their first lemma."""
    index: dict[str, list[tuple[str, ...]]] = {}
    for seq in sorted({tuple(p.split()) for p in phrases}, key=lambda s: (-len(s), s)):
        index.setdefault(seq[0], []).append(seq)
    return index


def count_matches(sentences: Sequence[Sequence[str]], phrases: Sequence[str]) -> Counter[str]:
    """Occurrences of each indicator in lemma sentences: longest match first, no overlaps."""
    index = _patterns(tuple(phrases))
    found: Counter[str] = Counter()
    for sent in sentences:
        i = 0
        while i < len(sent):
            for pat in index.get(sent[i], ()):
                if tuple(sent[i : i + len(pat)]) == pat:
                    found[" ".join(pat)] += 1
                    i += len(pat)
                    break
            else:
                i += 1
    return found


@stage("framing")
def frame_scores(units: pd.DataFrame) -> pd.DataFrame:
    """Indicator hits per 100 words of each frame for each unit (heading and text), plus primary_frame.

    Scores are rates, so sections of different length are comparable; the primary frame is the highest
    rate ("none" if no indicator occurs; ties go to the frame listed first in the codebook).
    """
    frames = load_codebook()["frames"]
    rows = []
    for record in units.to_dict("records"):
        text = f"{record.get('heading', '')}.\n{record['text']}"
        sents = tokens.lemma_sentences(text)
        words = max(tokens.count_words(text), 1)
        rows.append({name: 100 * sum(count_matches(sents, f["indicators"]).values()) / words
                     for name, f in frames.items()})
    scores = pd.DataFrame(rows, index=units.index).round(3)
    best = scores.to_numpy().argmax(axis=1)
    scores["primary_frame"] = [scores.columns[i] if scores.iloc[r, i] > 0 else "none" for r, i in enumerate(best)]
    return scores


@stage("framing")
def function_scores(units: pd.DataFrame) -> pd.DataFrame:
    """Score of each framing function per unit and the function assigned (the highest score).

    score = HEADING_WEIGHT x (a heading cue occurs in the heading) + body cues per 100 words of text;
    body cues include the modal verbs of prescription (must, should, need, require). Ties go to the
    function listed first in the codebook.
    """
    functions = load_codebook()["functions"]
    rows = []
    for record in units.to_dict("records"):
        heading = tokens.lemma_sentences(str(record.get("heading", "")))
        body = tokens.lemma_sentences(record["text"])
        words = max(tokens.count_words(record["text"]), 1)
        row = {}
        for name, f in functions.items():
            in_heading = bool(count_matches(heading, [_lemma_phrase(c) for c in f["heading_cues"]]))
            rate = 100 * sum(count_matches(body, [_lemma_phrase(c) for c in f["body_cues"]]).values()) / words
            row[name] = HEADING_WEIGHT * in_heading + rate
        rows.append(row)
    scores = pd.DataFrame(rows, index=units.index).round(3)
    scores["function"] = scores.idxmax(axis=1)
    return scores


@lru_cache(maxsize=4096)
def _lemma_phrase(cue: str) -> str:
    """A cue word or phrase in lemma form, as the tokenizer produces it."""
    return " ".join(tokens.lemma(w) for w in tokens.words(cue))


@stage("framing")
def keyness(target: Mapping[str, int], reference: Mapping[str, int]) -> pd.DataFrame:
    """Keyness of each term in target against reference (two term -> count mappings).

    g2: Rayson & Garside two-cell log-likelihood, signed negative where the term is relatively more
    frequent in the reference. log_ratio: Hardie's log2 of the ratio of relative frequencies, with a zero
    count replaced by 0.5 so that terms found in one corpus only get a finite value. p_value: chi-squared
    with 1 degree of freedom. Corpus sizes are the totals of the two mappings.
    """
    from scipy.stats import chi2

    c, d = sum(target.values()), sum(reference.values())
    rows = []
    for term in sorted(set(target) | set(reference)):
        a, b = target.get(term, 0), reference.get(term, 0)
        e1, e2 = c * (a + b) / (c + d), d * (a + b) / (c + d)
        g2 = 2 * ((a * math.log(a / e1) if a else 0.0) + (b * math.log(b / e2) if b else 0.0))
        sign = 1 if a / c >= b / d else -1
        log_ratio = math.log2(((a or 0.5) / c) / ((b or 0.5) / d))
        rows.append((term, a, b, sign * g2, log_ratio, g2))
    table = pd.DataFrame(rows, columns=["term", "freq_target", "freq_reference", "g2", "log_ratio", "p_value"])
    table["p_value"] = chi2.sf(table["p_value"].to_numpy(dtype=float), 1)  # from the unsigned G2, in one call
    return table.sort_values(["g2", "term"], ascending=[False, True], ignore_index=True)


_SENT_SPLIT = re.compile(r"(?<=[.!?])\s+|\n+")


def word_ngrams(words: Sequence[str], n: int) -> list[tuple[str, ...]]:
    """All contiguous word n-grams."""
    return [tuple(words[i : i + n]) for i in range(len(words) - n + 1)]


@stage("framing")
def shared_ngrams(doc_words: Mapping[str, Sequence[str]], n: int = 4) -> pd.DataFrame:
    """Word n-grams (lowercase) that occur in more than one document: ngram, documents, count."""
    seen: dict[tuple[str, ...], set[str]] = {}
    counts: Counter[tuple[str, ...]] = Counter()
    for doc, words in doc_words.items():
        grams = word_ngrams(words, n)
        counts.update(grams)
        for g in set(grams):
            seen.setdefault(g, set()).add(doc)
    rows = [{"ngram": " ".join(g), "documents": len(docs), "count": counts[g]}
            for g, docs in seen.items() if len(docs) > 1]
    table = pd.DataFrame(rows, columns=["ngram", "documents", "count"])
    return table.sort_values(["documents", "count", "ngram"], ascending=[False, False, True], ignore_index=True)


@stage("framing")
def formula_share(doc_words: Mapping[str, Sequence[str]], n: int = 4) -> pd.DataFrame:
    """Per document: words covered by an n-gram shared with another document ("formula") versus its own."""
    doc_count: Counter[tuple[str, ...]] = Counter()
    for words in doc_words.values():
        doc_count.update(set(word_ngrams(words, n)))
    rows = []
    for doc, words in doc_words.items():
        covered = np.zeros(len(words), dtype=bool)
        for i, gram in enumerate(word_ngrams(words, n)):
            if doc_count[gram] > 1:
                covered[i : i + n] = True
        rows.append({"doc_id": doc, "words": len(words), "formula_words": int(covered.sum()),
                     "formula_share": round(float(covered.mean()) if len(words) else 0.0, 3)})
    return pd.DataFrame(rows)


def pool_shares(share: pd.DataFrame, groups: Mapping[str, str]) -> pd.DataFrame:
    """Formula shares pooled by group (word-weighted); unchanged when each document is its own group."""
    pooled = share.assign(doc_id=share["doc_id"].map(groups)).groupby("doc_id", sort=False)[
        ["words", "formula_words"]].sum().reset_index()
    pooled["formula_share"] = (pooled["formula_words"] / pooled["words"].clip(lower=1)).round(3)
    return pooled


@stage("framing")
def similar_sentences(doc_texts: Mapping[str, str], threshold: float = 0.5, shingle: int = 3,
                      max_shared: int = 50) -> pd.DataFrame:
    """Pairs of sentences from different documents whose word-shingle Jaccard similarity is >= threshold.

    Candidate pairs share at least one shingle that occurs in at most ``max_shared`` sentences (an
    inverted index), so the cost grows with the number of near-copies, not with all pairs of sentences.
    """
    sents = []
    for doc, text in doc_texts.items():
        for s in _SENT_SPLIT.split(text):
            words = [w.lower() for w in tokens.words(s)]
            if len(words) >= shingle + 2:
                sents.append((doc, s.strip(), set(word_ngrams(words, shingle))))
    index: dict[tuple[str, ...], list[int]] = {}
    for i, (_, _, grams) in enumerate(sents):
        for g in grams:
            index.setdefault(g, []).append(i)
    candidates = {(i, j) for ids in index.values() if len(ids) <= max_shared for i, j in combinations(ids, 2)}
    rows = []
    for i, j in sorted(candidates):
        (d1, s1, g1), (d2, s2, g2) = sents[i], sents[j]
        if d1 != d2:
            sim = len(g1 & g2) / len(g1 | g2)
            if sim >= threshold:
                rows.append({"doc_a": d1, "sentence_a": s1, "doc_b": d2, "sentence_b": s2,
                             "similarity": round(sim, 3)})
    table = pd.DataFrame(rows, columns=["doc_a", "sentence_a", "doc_b", "sentence_b", "similarity"])
    return table.sort_values(["similarity", "doc_a", "doc_b"], ascending=[False, True, True], ignore_index=True)


@stage("framing")
def load_coding(folder: str | Path, units: pd.DataFrame) -> dict[str, pd.DataFrame] | None:
    """The hand codings in ``folder`` (coder_a, coder_b, adjudicated), or None when they are missing or
    do not cover exactly these units (another corpus): validation is then skipped, not faked."""
    keys = ["doc_id", "section"]
    codings = {}
    for name in ("coder_a", "coder_b", "adjudicated"):
        path = Path(folder) / f"coding_{name}.csv"
        if not path.exists():
            return None
        table = pd.read_csv(path)
        if not table[keys].equals(units[keys].reset_index(drop=True)):
            return None
        codings[name] = table
    return codings


def cohen_kappa(a: Sequence[str], b: Sequence[str]) -> float:
    """Cohen's kappa of two codings of the same units."""
    a, b = list(a), list(b)
    n = len(a)
    observed = sum(x == y for x, y in zip(a, b, strict=True)) / n
    ca, cb = Counter(a), Counter(b)
    expected = sum(ca[k] * cb[k] for k in set(ca) | set(cb)) / (n * n)
    return 1.0 if expected == 1 else (observed - expected) / (1 - expected)


def classification_report(truth: Sequence[str], predicted: Sequence[str]) -> dict[str, float]:
    """Accuracy, macro-F1 (over the classes present in the truth) and Cohen's kappa."""
    truth, predicted = list(truth), list(predicted)
    f1s = []
    for cls in sorted(set(truth)):
        tp = sum(t == cls and p == cls for t, p in zip(truth, predicted, strict=True))
        fp = sum(t != cls and p == cls for t, p in zip(truth, predicted, strict=True))
        fn = sum(t == cls and p != cls for t, p in zip(truth, predicted, strict=True))
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    accuracy = sum(t == p for t, p in zip(truth, predicted, strict=True)) / len(truth)
    return {"n": len(truth), "accuracy": round(accuracy, 3), "macro_f1": round(float(np.mean(f1s)), 3),
            "kappa": round(cohen_kappa(truth, predicted), 3)}


def confusion_table(truth: Sequence[str], predicted: Sequence[str], labels: Sequence[str]) -> pd.DataFrame:
    """Counts of (reference code, dictionary code) pairs: rows the reference coding, columns the dictionary."""
    table = pd.crosstab(pd.Categorical(truth, categories=labels), pd.Categorical(predicted, categories=labels),
                        dropna=False)
    table.index.name, table.columns.name = "reference", "dictionary"
    return table


def function_mix(groups: Sequence[str], codings: Mapping[str, Sequence[str]],
                 labels: Mapping[str, str]) -> pd.DataFrame:
    """Share of each group's units per framing function, one row per (group, coding source)."""
    mix = pd.concat({source: pd.crosstab(np.asarray(groups), np.asarray(codes), normalize="index")
                     for source, codes in codings.items()}).reindex(columns=function_names(), fill_value=0)
    mix.index = [f"{labels.get(group, group)} ({source})" for source, group in mix.index]
    return mix


@stage("framing")
def validation_tables(coding: Mapping[str, pd.DataFrame], scores: pd.DataFrame,
                      functions: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Coder agreement, dictionary-vs-adjudicated report, confusion tables and the frame errors."""
    a, b, gold = coding["coder_a"], coding["coder_b"], coding["adjudicated"]
    agreement = pd.DataFrame({
        "coding": ["primary frame", "function"],
        "agreement": [(a["primary_frame"] == b["primary_frame"]).mean(), (a["function"] == b["function"]).mean()],
        "cohen_kappa": [cohen_kappa(a["primary_frame"], b["primary_frame"]), cohen_kappa(a["function"], b["function"])],
    }).round(3)
    report = pd.DataFrame([
        {"target": "primary frame", **classification_report(gold["primary_frame"], scores["primary_frame"])},
        {"target": "function", **classification_report(gold["function"], functions["function"])},
    ])
    errors = gold.assign(dictionary=scores["primary_frame"].to_numpy())
    errors = errors[errors["dictionary"] != errors["primary_frame"]]
    return {
        "agreement": agreement,
        "report": report,
        "confusion_frames": confusion_table(gold["primary_frame"], scores["primary_frame"], frame_names()),
        "confusion_functions": confusion_table(gold["function"], functions["function"], function_names()),
        "errors": errors[["doc_id", "section", "heading", "primary_frame", "dictionary"]].rename(
            columns={"primary_frame": "reference"}),
    }
