"""Framing: a codebook of frames and framing functions (data), dictionary scores per section, keyness,
shared formulaic language and the function mix of groups (validation lives in ``validation``)."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from importlib import resources
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd
import yaml

from . import engine, stats, tokens
from .profiling import stage


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


def iter_matches(sentences: Sequence[Sequence[str]], phrases: Sequence[str], masked: Sequence[str] = ()
                 ) -> Iterator[tuple[int, int, str]]:
    """(sentence, token position, indicator) of each indicator occurrence in lemma sentences: longest match
    first, no overlaps. A ``masked`` phrase (e.g. a title n-gram such as "policy development") is matched
    like an indicator but not reported, so the indicators inside it do not count."""
    hidden = frozenset(masked) - frozenset(phrases)
    index = _patterns(tuple(sorted(set(phrases) | hidden)))
    for s, sent in enumerate(sentences):
        if index.keys().isdisjoint(sent):  # most sentences hold no indicator's first lemma
            continue
        after = 0  # a match ends here: the next one may not start before it
        for i in [i for i, token in enumerate(sent) if token in index]:
            if i < after:
                continue
            for pat in index[sent[i]]:
                if tuple(sent[i : i + len(pat)]) == pat:
                    phrase = " ".join(pat)
                    if phrase not in hidden:
                        yield s, i, phrase
                    after = i + len(pat)
                    break


def count_matches(sentences: Sequence[Sequence[str]], phrases: Sequence[str], masked: Sequence[str] = ()
                  ) -> Counter[str]:
    """Occurrences of each indicator in lemma sentences (``iter_matches``)."""
    return Counter(phrase for _, _, phrase in iter_matches(sentences, phrases, masked))


def frame_indicators() -> dict[str, list[str]]:
    """The codebook's indicator phrases per frame (lemma form, as written in the codebook)."""
    return {name: list(f["indicators"]) for name, f in load_codebook()["frames"].items()}


def _frame_row(indicators: Mapping[str, Sequence[str]], masked: Sequence[str], record: Mapping[str, Any]
               ) -> dict[str, float]:
    """Indicator hits per 100 words of each frame in one unit (heading and text)."""
    text = f"{record.get('heading', '')}.\n{record['text']}"
    sents = tokens.lemma_sentences(text)
    words = max(tokens.count_words(text), 1)
    return {name: 100 * sum(count_matches(sents, phrases, masked).values()) / words
            for name, phrases in indicators.items()}


@stage("framing")
def frame_scores(units: pd.DataFrame, indicators: Mapping[str, Sequence[str]] | None = None,
                 masked: Sequence[str] = ()) -> pd.DataFrame:
    """Indicator hits per 100 words of each frame for each unit (heading and text), plus primary_frame.

    Parameters
    ----------
    units : pandas.DataFrame
        Sections or paragraphs with ``text`` (and ``heading``).
    indicators : mapping of str to sequence of str, optional
        Frame -> indicator phrases; default the codebook's (``frame_indicators``).
    masked : sequence of str
        Phrases whose inner indicators do not count (``audit.title_ngrams``).

    Returns
    -------
    pandas.DataFrame
        Same index as ``units``: one column per frame (hits per 100 words, 3 decimals) and ``primary_frame``.
        Scores are rates, so sections of different length are comparable; the primary frame is the highest
        rate ("none" if no indicator occurs; ties go to the frame listed first).
    """
    indicators = frame_indicators() if indicators is None else indicators
    rows = list(engine.mapper()(partial(_frame_row, dict(indicators), tuple(masked)), _records(units)))
    scores = pd.DataFrame(rows, index=units.index, columns=list(indicators)).round(3)
    best = scores.to_numpy().argmax(axis=1)
    scores["primary_frame"] = [scores.columns[i] if scores.iloc[r, i] > 0 else "none" for r, i in enumerate(best)]
    return scores


def function_cues() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """The codebook's (sentence cues, heading cues) per framing function."""
    functions = load_codebook()["functions"]
    return ({name: list(f["sentence_cues"]) for name, f in functions.items()},
            {name: list(f["heading_cues"]) for name, f in functions.items()})


@stage("framing")
def function_features(units: pd.DataFrame, sentence_cues: Mapping[str, Sequence[str]] | None = None,
                      heading_cues: Mapping[str, Sequence[str]] | None = None) -> pd.DataFrame:
    """Per unit: body sentences voting for each function (``votes_<f>``: a sentence votes for the function
    with most cue hits in it, ties split), body sentences with no cue (``uncued``), body sentences
    (``sentences``) and whether the heading holds a heading cue of each function (``heading_<f>``, 0/1).

    Parameters
    ----------
    units : frame with ``text`` and ``heading`` columns.
    sentence_cues, heading_cues : function -> cue words or phrases; the codebook's (``function_cues``) if None.
    """
    default_sentence, default_heading = function_cues()
    sentence_cues = default_sentence if sentence_cues is None else sentence_cues
    heading_cues = default_heading if heading_cues is None else heading_cues
    names = list(sentence_cues)
    body_lemmas = {f: [_lemma_phrase(c) for c in sentence_cues[f]] for f in names}
    head_lemmas = {f: [_lemma_phrase(c) for c in heading_cues.get(f, ())] for f in names}
    row = partial(_function_row, names, body_lemmas, head_lemmas)
    return pd.DataFrame(list(engine.mapper()(row, _records(units))), index=units.index)


def _records(units: pd.DataFrame) -> list[dict[str, Any]]:
    """Each unit's heading and text, all a scoring worker needs (less to send to worker processes)."""
    return units[[c for c in ("heading", "text") if c in units.columns]].to_dict("records")


def _function_row(names: Sequence[str], body_lemmas: Mapping[str, Sequence[str]],
                  head_lemmas: Mapping[str, Sequence[str]], record: Mapping[str, Any]) -> dict[str, float]:
    """Function votes, uncued and body sentences, and heading cues of one unit (see ``function_features``)."""
    body = tokens.lemma_sentences(record["text"])
    votes = dict.fromkeys(names, 0.0)
    uncued = 0
    for sent in body:
        hits = {f: sum(count_matches([sent], body_lemmas[f]).values()) for f in names}
        top = max(hits.values(), default=0)
        if top == 0:
            uncued += 1
            continue
        winners = [f for f in names if hits[f] == top]
        for f in winners:
            votes[f] += 1 / len(winners)
    heading = tokens.lemma_sentences(str(record.get("heading", "")))
    return {**{f"votes_{f}": votes[f] for f in names}, "uncued": uncued, "sentences": len(body),
            **{f"heading_{f}": int(bool(count_matches(heading, head_lemmas[f]))) for f in names}}


def function_feature_matrix(features: pd.DataFrame) -> np.ndarray:
    """``function_features`` as shares of body sentences (votes, uncued) plus the heading flags, for a classifier."""
    share = features.filter(regex="^(votes_|uncued)").div(features["sentences"].clip(lower=1), axis=0)
    return np.hstack([share.to_numpy(float), features.filter(regex="^heading_").to_numpy(float)])


@stage("framing")
def function_scores(units: pd.DataFrame, sentence_cues: Mapping[str, Sequence[str]] | None = None,
                    heading_cues: Mapping[str, Sequence[str]] | None = None,
                    heading_weight: float | None = None) -> pd.DataFrame:
    """Score of each framing function per unit (votes per body sentence), the function assigned
    (``function``, the highest score, ties to the function listed first) and the function the body alone
    assigns (``body_function``, heading ignored).

    score_f = (votes_f + heading_weight x heading_f [+ default_weight x uncued for the default function])
    / (sentences + heading_weight) (the heading is one more sentence slot), with the weights of the
    codebook's ``function_rule`` (``heading_weight`` overrides its heading weight).
    """
    rule = load_codebook()["function_rule"]
    weight = float(rule["heading_weight"] if heading_weight is None else heading_weight)
    feats = function_features(units, sentence_cues, heading_cues)
    names = [c.removeprefix("votes_") for c in feats.columns if c.startswith("votes_")]

    def score(w: float) -> pd.DataFrame:
        table = pd.DataFrame({f: feats[f"votes_{f}"] + w * feats[f"heading_{f}"] for f in names})
        if rule["default_function"] in table:
            table[rule["default_function"]] += float(rule["default_weight"]) * feats["uncued"]
        return table.div(feats["sentences"] + w, axis=0).fillna(0.0).round(3)

    scores = score(weight)
    scores["function"] = scores[names].idxmax(axis=1)
    scores["body_function"] = score(0.0).idxmax(axis=1)
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


@dataclass
class GroupTerms:
    """Per group: how often each term occurs in the group's units, and the group's size in tokens (a unit
    without tokens counts 1, as in Gries' DP); summed over partitions on Dask."""

    counts: dict[Any, dict[str, int]]
    sizes: dict[Any, int]

    def __add__(self, other: GroupTerms) -> GroupTerms:
        """The counts of both parts (exact: integers)."""
        counts = {g: dict(c) for g, c in self.counts.items()}
        for g, c in other.counts.items():
            counts[g] = _add_counts(counts.get(g, {}), c)
        sizes = dict(self.sizes)
        for g, n in other.sizes.items():
            sizes[g] = sizes.get(g, 0) + n
        return GroupTerms(counts, sizes)


@dataclass
class Dispersion:
    """Per group and term, the integer sums Gries' DP is made of (see ``_dispersion``): ``gap`` = sum over
    the group's units holding the term of |c S - s T|, ``share`` = sum of those units' sizes s."""

    gap: dict[Any, dict[str, int]]
    share: dict[Any, dict[str, int]]

    def __add__(self, other: Dispersion) -> Dispersion:
        """The sums of both parts (exact: integers)."""
        gap = {g: dict(c) for g, c in self.gap.items()}
        share = {g: dict(c) for g, c in self.share.items()}
        for g in other.gap:
            gap[g] = _add_counts(gap.get(g, {}), other.gap[g])
            share[g] = _add_counts(share.get(g, {}), other.share[g])
        return Dispersion(gap, share)


def _add_counts(a: dict[str, int], b: Mapping[str, int]) -> dict[str, int]:
    """a + b, key by key (zeros kept, unlike Counter's +); ``a`` is updated."""
    for key, n in b.items():
        a[key] = a.get(key, 0) + n
    return a


def _cells(units: list[tuple[Any, Sequence[str]]]) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """The non-zero (unit, term) cells of some (group, tokens) units: the terms, and per cell its unit, its
    term's index and its count."""
    index: dict[str, int] = {}
    ids = np.fromiter((index.setdefault(t, len(index)) for _, toks in units for t in toks), dtype=np.int64)
    lengths = np.fromiter((len(toks) for _, toks in units), dtype=np.int64, count=len(units))
    keys = np.repeat(np.arange(len(units), dtype=np.int64), lengths) * max(len(index), 1) + ids
    cells, counts = np.unique(keys, return_counts=True)
    return list(index), cells // max(len(index), 1), cells % max(len(index), 1), counts.astype(np.int64)


def _group_terms(units: list[tuple[Any, Sequence[str]]]) -> GroupTerms:
    """The term counts and sizes of each group in some (group, tokens) units."""
    terms, unit, term, count = _cells(units)
    codes, names = stats.group_codes([g for g, _ in units])
    counts: dict[Any, dict[str, int]] = {}
    for code, name in enumerate(names):
        mine = codes[unit] == code
        found, inverse = np.unique(term[mine], return_inverse=True)
        sums = np.zeros(len(found), dtype=np.int64)
        np.add.at(sums, inverse, count[mine])
        counts[name] = {terms[i]: int(n) for i, n in zip(found, sums, strict=True)}
    sizes = np.zeros(len(names), dtype=np.int64)
    np.add.at(sizes, codes, [max(len(toks), 1) for _, toks in units])
    return GroupTerms(counts, {name: int(n) for name, n in zip(names, sizes, strict=True)})


def _dispersion(units: list[tuple[Any, Sequence[str]]], totals: GroupTerms) -> Dispersion:
    """The integer sums of Gries' DP in some units, given each group's totals (``totals``). For a term with
    T occurrences in a group of size S, a unit of size s holding it c times adds |c/T - s/S| to the sum over
    parts; times T S that is the integer |c S - s T|, so partial sums add up exactly in any order."""
    terms, unit, term, count = _cells(units)
    codes, names = stats.group_codes([g for g, _ in units])
    size = np.fromiter((max(len(toks), 1) for _, toks in units), dtype=np.int64, count=len(units))
    gap: dict[Any, dict[str, int]] = {}
    share: dict[Any, dict[str, int]] = {}
    for code, name in enumerate(names):
        mine = codes[unit] == code
        found, inverse = np.unique(term[mine], return_inverse=True)
        group_total = totals.counts[name]
        t = np.array([group_total[terms[i]] for i in found], dtype=np.int64)[inverse]
        s = size[unit[mine]]
        sums = np.zeros((2, len(found)), dtype=np.int64)
        np.add.at(sums[0], inverse, np.abs(count[mine] * totals.sizes[name] - s * t))
        np.add.at(sums[1], inverse, s)
        gap[name] = {terms[i]: int(n) for i, n in zip(found, sums[0], strict=True)}
        share[name] = {terms[i]: int(n) for i, n in zip(found, sums[1], strict=True)}
    return Dispersion(gap, share)


def _dp(total: int, size: int, gap: int, share: int) -> float:
    """Gries' DP of a term from its integer sums: 0.5 (gap / (T S) + (S - share) / S); the units without the
    term add their whole expected share (S - share) / S."""
    return 0.5 * (gap + (size - share) * total) / (total * size)


@stage("framing")
def group_keyness(unit_tokens: Sequence[Sequence[str]], groups: Sequence[str]) -> pd.DataFrame:
    """Keyness of each group (article) against all other units, with Benjamini-Hochberg q-values within each
    group's table and Gries' DP of each term over the group's own units (near 1: one section carries it).
    Counted in two passes of integer sums (the groups' term counts, then DP's sums given them), per
    partition on Dask and added up: the same table at any partitioning.

    Returns doc_id, term, freq_target, freq_reference, g2, log_ratio, p_value, q_value, dp (one row per term
    per group; empty when there is only one group).
    """
    columns = ["doc_id", "term", "freq_target", "freq_reference", "g2", "log_ratio", "p_value", "q_value", "dp"]
    units = list(zip(list(groups), unit_tokens, strict=True))
    names = list(dict.fromkeys(g for g, _ in units))
    if len(names) < 2:
        return pd.DataFrame(columns=columns)
    totals = engine.reduce(_group_terms, engine.add, units)
    spread = engine.reduce(partial(_dispersion, totals=totals), engine.add, units)
    everywhere = _add_counts({}, totals.counts[names[0]])
    for name in names[1:]:
        _add_counts(everywhere, totals.counts[name])
    tables = []
    for name in names:
        own = totals.counts[name]
        table = keyness({t: n for t, n in own.items() if n}, {t: n - own.get(t, 0) for t, n in everywhere.items()
                                                               if n - own.get(t, 0)})
        table = table.assign(doc_id=name)
        table["q_value"] = stats.benjamini_hochberg(table["p_value"])
        gap, share, size = spread.gap[name], spread.share[name], totals.sizes[name]
        table["dp"] = [_dp(own[t], size, gap[t], share[t]) if own.get(t) else math.nan for t in table["term"]]
        tables.append(table)
    return pd.concat(tables, ignore_index=True)[columns]


_SENT_SPLIT = re.compile(r"(?<=[.!?])\s+|\n+")


def word_ngrams(words: Sequence[str], n: int) -> list[tuple[str, ...]]:
    """All contiguous word n-grams."""
    return [tuple(words[i : i + n]) for i in range(len(words) - n + 1)]


class DocTexts(Mapping[str, str]):
    """doc_id -> the document's text (its units' texts joined by spaces, in reading order), joined when asked:
    a large corpus is never held twice."""

    def __init__(self, units: pd.DataFrame) -> None:
        self._texts = units["text"]
        self._rows = units.groupby("doc_id", sort=False).indices

    def __getitem__(self, doc: str) -> str:
        return " ".join(self._texts.iloc[self._rows[doc]])

    def __iter__(self) -> Iterator[str]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)


class DocWords(Mapping[str, list[str]]):
    """doc_id -> the document's lowercase words, computed when asked (never all held at once as strings); the
    word ids of every document and their n-gram counts are kept once counted (shared n-grams and formula
    shares read every document's words once)."""

    def __init__(self, units: pd.DataFrame) -> None:
        self._texts = DocTexts(units)
        self.coded: _Coded | None = None
        self.grams: dict[int, _GramCounts] = {}

    def __getitem__(self, doc: str) -> list[str]:
        return [w.lower() for w in tokens.words(self._texts[doc])]

    def __iter__(self) -> Iterator[str]:
        return iter(self._texts)

    def __len__(self) -> int:
        return len(self._texts)


_MIX = np.uint64(0x9E3779B97F4A7C15)  # odd 64-bit multiplier of the rolling n-gram key


@dataclass
class _Coded:
    """Every document's words as integer ids, end to end (one pass over the words; about 16 bytes a word)."""

    docs: list[str]
    codes: np.ndarray  # uint64 word id of every word, documents in order (ids from 1, by first appearance)
    starts: np.ndarray  # int64: document d's words are codes[starts[d] : starts[d + 1]]
    vocabulary: list[str]  # id -> word (id 0 unused)

    def owners(self) -> np.ndarray:
        """The document (its number) of every word."""
        return np.repeat(np.arange(len(self.docs), dtype=np.int64), np.diff(self.starts))

    def positions(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        """(start position, document) of every word n-gram that lies within one document."""
        doc_of = self.owners()
        where = np.flatnonzero(np.arange(len(self.codes)) + n <= self.starts[1:][doc_of]) if len(doc_of) else doc_of
        return where, doc_of[where]

    def keys(self, where: np.ndarray, n: int) -> np.ndarray:
        """A 64-bit key per n-gram starting at ``where`` (rolling over its word ids)."""
        key = np.zeros(len(where), dtype=np.uint64)
        with np.errstate(over="ignore"):
            for k in range(n):
                key = key * _MIX + self.codes[where + k]
        return key


def _coded(doc_words: Mapping[str, Sequence[str]]) -> _Coded:
    """The word ids of every document (kept on a ``DocWords``)."""
    if isinstance(doc_words, DocWords) and doc_words.coded is not None:
        return doc_words.coded
    ids: dict[str, int] = {}
    parts, docs, starts = [], [], [0]
    for doc, words in doc_words.items():
        parts.append(np.fromiter((ids.setdefault(w, len(ids) + 1) for w in words), dtype=np.uint64, count=len(words)))
        docs.append(doc)
        starts.append(starts[-1] + len(words))
    coded = _Coded(docs, np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint64),
                   np.asarray(starts, dtype=np.int64), ["", *ids])
    if isinstance(doc_words, DocWords):
        doc_words.coded = coded
    return coded


@dataclass
class _GramCounts:
    """Per n-gram key (sorted): in how many documents it occurs and how often in all; and every n-gram's start
    position, document and key."""

    keys: np.ndarray
    documents: np.ndarray
    count: np.ndarray
    where: np.ndarray
    doc_of: np.ndarray
    key_of: np.ndarray

    def documents_of(self, keys: np.ndarray) -> np.ndarray:
        """Documents per key of ``keys`` (every one is among ``self.keys``)."""
        return self.documents[np.searchsorted(self.keys, keys)]


def _distinct_runs(*columns: np.ndarray) -> np.ndarray:
    """For rows sorted by ``columns``: True where a row differs from the one before in any column."""
    first = np.zeros(len(columns[0]), dtype=bool)
    first[:1] = True
    for column in columns:
        first[1:] |= column[1:] != column[:-1]
    return first


def _count_grams(coded: _Coded, n: int) -> _GramCounts:
    """Each n-gram key's document frequency and total count, in numpy over all documents at once."""
    where, doc_of = coded.positions(n)
    key_of = coded.keys(where, n)
    order = np.lexsort((doc_of, key_of))
    keys, docs = key_of[order], doc_of[order]
    new_key = _distinct_runs(keys)
    starts = np.flatnonzero(new_key)
    uniq = keys[starts]
    count = np.diff(np.append(starts, len(keys))).astype(np.int64)
    documents = np.add.reduceat(_distinct_runs(keys, docs).astype(np.int64), starts) if len(starts) else count
    return _GramCounts(uniq, documents, count, where, doc_of, key_of)


def _grams_of(doc_words: Mapping[str, Sequence[str]], n: int) -> tuple[_Coded, _GramCounts]:
    """The word ids of the documents and their n-gram counts (kept on a ``DocWords``)."""
    coded = _coded(doc_words)
    kept = doc_words.grams if isinstance(doc_words, DocWords) else {}
    if n not in kept:
        kept[n] = _count_grams(coded, n)
    return coded, kept[n]


@stage("framing")
def shared_ngrams(doc_words: Mapping[str, Sequence[str]], n: int = 4, top: int | None = None) -> pd.DataFrame:
    """Word n-grams (lowercase) that occur in more than one document: ngram, documents, count, most shared
    first; ``top`` keeps only the first ``top`` rows (a large corpus: only those n-grams are spelled out).

    Counted by 64-bit keys of word ids first; the n-grams kept are then counted again by their word ids
    themselves, so the numbers are exact (two n-grams never share a row, whatever their keys)."""
    coded, grams = _grams_of(doc_words, n)
    shared = grams.documents > 1
    keys, docs, count = grams.keys[shared], grams.documents[shared], grams.count[shared]
    if top is not None and len(keys) > top:  # every key tied with the top-th (same documents and count) stays
        order = np.lexsort((-count, -docs))
        cut_docs, cut_count = docs[order[top - 1]], count[order[top - 1]]
        keys = keys[(docs > cut_docs) | ((docs == cut_docs) & (count >= cut_count))]
    hit = np.flatnonzero(np.isin(grams.key_of, keys))
    words = np.stack([coded.codes[grams.where[hit] + k] for k in range(n)], axis=1) if len(hit) else \
        np.zeros((0, n), dtype=np.uint64)
    ngrams, which = np.unique(words, axis=0, return_inverse=True)
    which = which.reshape(-1)
    order = np.lexsort((grams.doc_of[hit], which))
    first = _distinct_runs(which[order], grams.doc_of[hit][order])
    documents = np.bincount(which[order], weights=first, minlength=len(ngrams)).astype(np.int64)
    counts = np.bincount(which, minlength=len(ngrams)).astype(np.int64)
    rows = [{"ngram": " ".join(coded.vocabulary[c] for c in gram), "documents": int(d), "count": int(c)}
            for gram, d, c in zip(ngrams.tolist(), documents, counts, strict=True) if d > 1]
    table = pd.DataFrame(rows, columns=["ngram", "documents", "count"])
    table = table.sort_values(["documents", "count", "ngram"], ascending=[False, False, True], ignore_index=True)
    return table if top is None else table.head(top)


@stage("framing")
def formula_share(doc_words: Mapping[str, Sequence[str]], n: int = 4) -> pd.DataFrame:
    """Per document: words covered by an n-gram shared with another document ("formula") versus its own
    (n-grams compared by 64-bit keys of word ids, every document at once)."""
    coded, grams = _grams_of(doc_words, n)
    starts = grams.where[grams.documents_of(grams.key_of) > 1]
    edges = np.zeros(len(coded.codes) + 1, dtype=np.int64)
    np.add.at(edges, starts, 1)
    np.add.at(edges, starts + n, -1)  # a shared n-gram ends inside its own document
    covered = np.cumsum(edges[:-1]) > 0  # inside at least one shared n-gram
    lengths = np.diff(coded.starts)
    inside = np.bincount(coded.owners(), weights=covered, minlength=len(coded.docs)).astype(np.int64)
    return pd.DataFrame({"doc_id": coded.docs, "words": lengths.astype(int), "formula_words": inside.astype(int),
                         "formula_share": [round(float(c / w) if w else 0.0, 3) for c, w in zip(inside, lengths,
                                                                                                 strict=True)]})


def pool_shares(share: pd.DataFrame, groups: Mapping[str, str]) -> pd.DataFrame:
    """Formula shares pooled by group (word-weighted); unchanged when each document is its own group."""
    pooled = share.assign(doc_id=share["doc_id"].map(groups)).groupby("doc_id", sort=False)[
        ["words", "formula_words"]].sum().reset_index()
    pooled["formula_share"] = (pooled["formula_words"] / pooled["words"].clip(lower=1)).round(3)
    return pooled


@stage("framing")
def similar_sentences(doc_texts: Mapping[str, str], threshold: float = 0.5, shingle: int = 3,
                      max_shared: int = 50, max_docs: int | None = None, seed: int = 0) -> pd.DataFrame:
    """Pairs of sentences from different documents whose word-shingle Jaccard similarity is >= threshold.

    Candidate pairs share at least one shingle that occurs in at most ``max_shared`` sentences (an
    inverted index), so the cost grows with the number of near-copies, not with all pairs of sentences.
    With more than ``max_docs`` documents, the pairs are sought within a seeded sample of that many.
    """
    docs = list(doc_texts)
    if max_docs is not None and len(docs) > max_docs:
        docs = [docs[i] for i in sorted(np.random.default_rng(seed).choice(len(docs), max_docs, replace=False))]
    sents = []
    for doc in docs:
        text = doc_texts[doc]
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


def function_mix(groups: Sequence[str], codings: Mapping[str, Sequence[str]],
                 labels: Mapping[str, str]) -> pd.DataFrame:
    """Share of each group's units per framing function, one row per (group, coding source)."""
    mix = pd.concat({source: pd.crosstab(np.asarray(groups), np.asarray(codes), normalize="index")
                     for source, codes in codings.items()}).reindex(columns=function_names(), fill_value=0)
    mix.index = [f"{labels.get(group, group)} ({source})" for source, group in mix.index]
    return mix


def topic_frame_association(doc_topics: pd.DataFrame, sections: pd.DataFrame, frames: Sequence[str],
                            names: Mapping[str, str]) -> pd.DataFrame:
    """Spearman correlation over sections between each topic's proportion (``topic_*`` columns of
    ``doc_topics``; units finer than a section averaged per section) and each frame's score (columns of
    ``sections``), two-sided p-values, Benjamini-Hochberg q-values over all pairs: topic (``names``), frame,
    rho, p_value, q_value, in topic then frame order."""
    topic_cols = [c for c in doc_topics.columns if c.startswith("topic_")]
    per_section = doc_topics.groupby(["doc_id", "section"], as_index=False)[topic_cols].mean()
    merged = sections.merge(per_section, on=["doc_id", "section"], validate="one_to_one")
    links = stats.spearman_table(merged[topic_cols], merged[list(frames)])
    return links.assign(topic=links["left"].map(names)).rename(columns={"right": "frame"})[
        ["topic", "frame", "rho", "p_value", "q_value"]]


def association_matrix(links: pd.DataFrame, q: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Topic x frame matrices of a ``topic_frame_association`` table, in its order: rho, and whether each
    correlation survives the correction (q-value below ``q``)."""
    order = {"index": list(dict.fromkeys(links["topic"])), "columns": list(dict.fromkeys(links["frame"]))}
    rho = links.pivot(index="topic", columns="frame", values="rho").reindex(**order)
    return rho, links.pivot(index="topic", columns="frame", values="q_value").reindex(**order) < q
