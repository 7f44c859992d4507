"""Framing: a codebook of frames and framing functions (data), dictionary scores per section, keyness,
shared formulaic language and the function mix of groups (validation lives in ``validation``)."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from functools import lru_cache, partial
from importlib import resources
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd
import yaml

from . import engine, tokens
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
        i = 0
        while i < len(sent):
            for pat in index.get(sent[i], ()):
                if tuple(sent[i : i + len(pat)]) == pat:
                    phrase = " ".join(pat)
                    if phrase not in hidden:
                        yield s, i, phrase
                    i += len(pat)
                    break
            else:
                i += 1


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
    units : sections or paragraphs with ``text`` (and ``heading``).
    indicators : frame -> indicator phrases; default the codebook's (``frame_indicators``).
    masked : phrases whose inner indicators do not count (``audit.title_ngrams``).

    Scores are rates, so sections of different length are comparable; the primary frame is the highest
    rate ("none" if no indicator occurs; ties go to the frame listed first).
    """
    indicators = frame_indicators() if indicators is None else indicators
    rows = list(engine.mapper()(partial(_frame_row, dict(indicators), tuple(masked)), units.to_dict("records")))
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
    return pd.DataFrame(list(engine.mapper()(row, units.to_dict("records"))), index=units.index)


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


@stage("framing")
def group_keyness(unit_tokens: Sequence[Sequence[str]], groups: Sequence[str]) -> pd.DataFrame:
    """Keyness of each group (article) against all other units, with Benjamini-Hochberg q-values within each
    group's table and Gries' DP of each term over the group's own units (near 1: one section carries it).

    Returns doc_id, term, freq_target, freq_reference, g2, log_ratio, p_value, q_value, dp (one row per term
    per group; empty when there is only one group).
    """
    from .stats import benjamini_hochberg, dispersion_dp

    columns = ["doc_id", "term", "freq_target", "freq_reference", "g2", "log_ratio", "p_value", "q_value", "dp"]
    groups = list(groups)
    names = list(dict.fromkeys(groups))
    if len(names) < 2:
        return pd.DataFrame(columns=columns)
    tables = []
    for name in names:
        inside = [toks for toks, g in zip(unit_tokens, groups, strict=True) if g == name]
        target = Counter(t for toks in inside for t in toks)
        reference = Counter(t for toks, g in zip(unit_tokens, groups, strict=True) if g != name for t in toks)
        table = keyness(target, reference).assign(doc_id=name)
        table["q_value"] = benjamini_hochberg(table["p_value"])
        terms = {t: i for i, t in enumerate(table["term"])}
        counts = np.zeros((len(terms), len(inside)))
        for j, toks in enumerate(inside):
            for t, c in Counter(toks).items():
                counts[terms[t], j] = c
        table["dp"] = dispersion_dp(counts, [max(len(toks), 1) for toks in inside])
        tables.append(table)
    return pd.concat(tables, ignore_index=True)[columns]


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


def function_mix(groups: Sequence[str], codings: Mapping[str, Sequence[str]],
                 labels: Mapping[str, str]) -> pd.DataFrame:
    """Share of each group's units per framing function, one row per (group, coding source)."""
    mix = pd.concat({source: pd.crosstab(np.asarray(groups), np.asarray(codes), normalize="index")
                     for source, codes in codings.items()}).reindex(columns=function_names(), fill_value=0)
    mix.index = [f"{labels.get(group, group)} ({source})" for source, group in mix.index]
    return mix
