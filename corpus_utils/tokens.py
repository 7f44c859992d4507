"""Tokens: words, sentences, lemmas, curated entities, learned phrases and stopwords for modelling."""

from __future__ import annotations

import base64
import hashlib
import re
import sys
import warnings
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from importlib import resources
from itertools import islice
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import caching, engine
from .errors import CorpusWarning
from .profiling import stage
from .text import _PLAIN_WORD_RE, count_words, sentences, words  # noqa: F401 (count_words: part of tokens' API)

_POSSESSIVE = re.compile(r"['\u2019]s?$")
_CLAUSE_BREAK = re.compile(r"[,()\[\]\"\u2013\u2014]|\s-\s")


@lru_cache(maxsize=1)
def general_stopwords() -> frozenset[str]:
    """The general English stopword list shipped in ``corpus_utils/data/stopwords_en.txt``."""
    text = resources.files("corpus_utils.data").joinpath("stopwords_en.txt").read_text(encoding="utf-8")
    return frozenset(w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#"))


@lru_cache(maxsize=1)
def curated_entities() -> dict[tuple[str, ...], str]:
    """Curated multi-word expressions from ``data/entities.csv``: word sequence -> single token.

    All-capital abbreviations are keyed in their own case (matched case-sensitively); other
    phrases are keyed in lowercase.
    """
    text = resources.files("corpus_utils.data").joinpath("entities.csv").read_text(encoding="utf-8")
    table: dict[tuple[str, ...], str] = {}
    for line in text.splitlines()[1:]:
        if not line.strip() or line.startswith("#"):
            continue
        phrase, token = line.rsplit(",", 1)
        parts = tuple(_PLAIN_WORD_RE.findall(phrase))
        key = parts if _is_abbreviation(phrase) else tuple(p.lower() for p in parts)
        table[key] = token.strip()
    return table


def _is_abbreviation(phrase: str) -> bool:
    """True for an abbreviation such as SCO, U.S. or PfP (no spaces, two or more capitals)."""
    return " " not in phrase and sum(ch.isupper() for ch in phrase) >= 2


@lru_cache(maxsize=65536)
def lemma(word: str) -> str:
    """Lowercase English lemma of a word (simplemma, data shipped in the wheel: no downloads)."""
    import simplemma

    lower = word.lower()
    if "-" in lower:  # lemmatise the head of a hyphenated compound, keep its modifier
        head, _, last = lower.rpartition("-")
        return f"{head}-{simplemma.lemmatize(last, lang='en').lower()}"
    return simplemma.lemmatize(lower, lang="en").lower()


@lru_cache(maxsize=1)
def _entity_starts() -> dict[str, int]:
    """First word of each curated entity (as keyed) -> the longest entity length starting with it."""
    starts: dict[str, int] = {}
    for key in curated_entities():
        starts[key[0]] = max(starts.get(key[0], 0), len(key))
    return starts


def merge_entities(tokens: Sequence[str]) -> list[str]:
    """Replace curated entity word sequences by their single token (longest match first).

    Abbreviation keys keep their capitals, phrase keys are lowercase: so "US" matches, "us" does not.
    """
    table, starts = curated_entities(), _entity_starts()
    if starts.keys().isdisjoint(tokens) and starts.keys().isdisjoint(map(str.lower, tokens)):
        return list(tokens)  # no entity starts here (most clauses)
    out: list[str] = []
    i = 0
    while i < len(tokens):
        first = tokens[i]
        longest = max(starts.get(first, 0), starts.get(first.lower(), 0))
        for size in range(min(longest, len(tokens) - i), 0, -1):
            window = tuple(tokens[i : i + size])
            token = table.get(window) or table.get(tuple(t.lower() for t in window))
            if token:
                out.append(token)
                i += size
                break
        else:
            out.append(first)
            i += 1
    return out


def lemma_sentences(text: str) -> list[list[str]]:
    """Sentences of lowercase lemma tokens with curated entities merged (stopwords still in).

    Clause punctuation (commas, brackets, dashes, quotes) is kept as a "," token so that learned
    phrases never join words across it.
    """
    entities = _entity_tokens()
    out = []
    for sentence in sentences(text):
        tokens: list[str] = []
        for clause in _CLAUSE_BREAK.split(sentence):
            merged = merge_entities([_POSSESSIVE.sub("", w) if "'" in w or "\u2019" in w else w
                                     for w in words(clause)])
            tokens.extend([t if t in entities else lemma(t) for t in merged] + [","])
        out.append(tokens[:-1])
    return out


def is_content_token(token: str, stopwords: frozenset[str]) -> bool:
    """True for a token worth modelling: not a stopword, not a number, at least two letters."""
    return token not in stopwords and sum(ch.isalpha() for ch in token) >= 2


def content_runs(sentence: Sequence[str], stopwords: frozenset[str]) -> list[list[str]]:
    """Split a lemma sentence into runs of adjacent content words; stopwords and entity tokens end a run.

    Entity tokens come back as runs of their own, so learned phrases never swallow a curated entity
    and never bridge a stopword.
    """
    runs: list[list[str]] = [[]]
    for token in sentence:
        if token in _entity_tokens():
            runs.extend([[token], []])
        elif is_content_token(token, stopwords):
            runs[-1].append(token)
        else:
            runs.append([])
    return [r for r in runs if r]


@dataclass
class Tokenized:
    """Tokens per unit plus the evidence behind them: learned phrases and corpus stopwords."""

    tokens: list[list[str]]
    phrases: pd.DataFrame
    corpus_stopwords: pd.DataFrame


_PHRASES = {"min_count": 1, "threshold": 0.0, "scoring": "npmi", "connector_words": (), "delimiter": "_"}


@dataclass
class BigramCounts:
    """The word and adjacent-bigram counts of some runs and their number of words: what gensim's Phrases
    learns from (summed over partitions on Dask)."""

    vocab: Counter[str]
    words: int

    def __add__(self, other: BigramCounts) -> BigramCounts:
        """The counts of both parts."""
        return BigramCounts(self.vocab + other.vocab, self.words + other.words)


def _bigram_counts(runs: list[list[str]]) -> BigramCounts:
    """The word and bigram counts of some runs, as gensim's Phrases counts them."""
    from gensim.models.phrases import Phrases

    counted = Phrases(runs, **_PHRASES)
    return BigramCounts(Counter(counted.vocab), counted.corpus_word_count)


def _count_bigrams(runs: Sequence[list[str]]) -> Any:
    """An unfrozen gensim Phrases (NPMI scoring) holding the word and bigram counts of the runs: here
    gensim's own count; on Dask, counted per partition and summed (the same counts as long as gensim would
    not prune its vocabulary, i.e. below its ``max_vocab_size`` of 40 million words and bigrams)."""
    from gensim.models.phrases import Phrases

    if not engine.on_dask():
        return Phrases(runs, **_PHRASES)
    counts = engine.reduce(_bigram_counts, engine.add, list(runs))
    model = Phrases(**_PHRASES)
    model.vocab, model.corpus_word_count = dict(counts.vocab), counts.words
    return model


def _phrase_table(runs: Sequence[list[str]], phrasegrams: Mapping[str, float]) -> pd.DataFrame:
    """Phrases that join in the runs (gensim's greedy left-to-right joining, no connector words): count, NPMI."""
    entities = _entity_tokens()
    found: Counter[str] = Counter()
    for run in runs:
        i = 0
        while i < len(run) - 1:
            pair = f"{run[i]}_{run[i + 1]}"
            if pair in phrasegrams and pair not in entities:
                found[pair] += 1
                i += 2
            else:
                i += 1
    rows = [(p, n, round(float(phrasegrams[p]), 3)) for p, n in found.items()]
    table = pd.DataFrame(rows, columns=["phrase", "count", "npmi"])
    return table.sort_values(["count", "phrase"], ascending=[False, True], ignore_index=True)


def learn_phrases(runs: Sequence[list[str]], min_count: int = 3, threshold: float = 0.5) -> tuple[Any, pd.DataFrame]:
    """Fit gensim Phrases (NPMI scoring) on content-word runs; return the frozen model and its phrases."""
    counts = _count_bigrams(runs)
    counts.min_count, counts.threshold = min_count, threshold
    model = counts.freeze()
    return model, _phrase_table(runs, model.phrasegrams)


@stage("tokens")
def phrase_grid(runs: Sequence[list[str]], min_counts: Sequence[int], thresholds: Sequence[float]) -> pd.DataFrame:
    """How many phrases Phrases finds for each (min_count, NPMI threshold): the tuning evidence.

    Bigrams are counted and scored once (NPMI does not depend on the settings, which only gate it).
    """
    counts = _count_bigrams(runs)
    counts.min_count, counts.threshold = 1, -1.0
    scored = {p: (s, counts.vocab[p]) for p, s in counts.export_phrases().items()}
    rows = []
    for mc in min_counts:
        for th in thresholds:
            table = _phrase_table(runs, {p: s for p, (s, n) in scored.items() if n >= mc and s > th})
            rows.append({"min_count": mc, "threshold": th, "phrases": len(table),
                         "tokens_joined": int(table["count"].sum()) * 2})
    return pd.DataFrame(rows)


@lru_cache(maxsize=1)
def _entity_tokens() -> frozenset[str]:
    """The single tokens that curated entities become."""
    return frozenset(curated_entities().values())


def document_frequency_stopwords(unit_tokens: Sequence[Sequence[str]], max_df: float = 0.5) -> pd.DataFrame:
    """Terms found in more than ``max_df`` of the units: term, units, share (most frequent first)."""
    n = len(unit_tokens)
    df = engine.count(_unit_terms, unit_tokens)  # on Dask: per partition, reduced by addition
    rows = [(t, c, round(c / n, 3)) for t, c in df.items() if n and c / n > max_df]
    table = pd.DataFrame(rows, columns=["term", "units", "share"])
    return table.sort_values(["units", "term"], ascending=[False, True], ignore_index=True)


PARALLEL_CHARS = 500_000  # below this much text, one process is faster than starting a pool


def _runs_of(job: tuple[Sequence[str], frozenset[str]]) -> list[list[list[str]]]:
    """Worker: content-word runs of a chunk of texts."""
    texts, stop = job
    return [_text_runs(stop, t) for t in texts]


def _text_runs(stop: frozenset[str], text: str) -> list[list[str]]:
    """Content-word runs of one text."""
    return [r for s in lemma_sentences(text) for r in content_runs(s, stop)]


def _unit_terms(toks: Sequence[str]) -> set[str]:
    """The distinct terms of one unit (what document frequency counts)."""
    return set(toks)


def _runs_key(texts: Sequence[str], stop: frozenset[str]) -> str:
    """Digest of everything content-word runs depend on: texts, stopwords, this module, its data, simplemma."""
    from importlib.metadata import version

    digest = hashlib.sha256()
    data = resources.files("corpus_utils.data")
    for part in (Path(__file__).read_bytes(), data.joinpath("entities.csv").read_bytes(),
                 version("simplemma").encode(), "\n".join(sorted(stop)).encode()):
        digest.update(hashlib.sha256(part).digest())
    for text in texts:
        digest.update(hashlib.sha256(text.encode("utf-8")).digest())
    return digest.hexdigest()[:16]


def _blocks(texts: Sequence[str]) -> tuple[list[str], list[int]]:
    """The texts' blocks (their parts between blank lines, blank ones left out) in order, and how many each
    text has. A sentence never crosses a blank line, so a text's runs are its blocks' runs one after another;
    a section's blocks are its paragraphs, and the sections and paragraphs of a corpus are lemmatised once."""
    blocks, counts = [], []
    for text in texts:
        parts = [b for b in text.split("\n\n") if b.strip()]
        blocks.extend(parts)
        counts.append(len(parts))
    return blocks, counts


def _by_text(block_runs: Sequence[list[list[str]]], counts: Sequence[int]) -> list[list[list[str]]]:
    """Each text's runs: the runs of its ``counts[i]`` blocks, in order."""
    out, start = [], 0
    for n in counts:
        out.append([r for block in block_runs[start : start + n] for r in block])
        start += n
    return out


@stage("tokens")
def unit_runs(texts: Iterable[str], stopwords: frozenset[str] | None = None, n_jobs: int = 2,
              cache_dir: str | Path | None = None) -> list[list[list[str]]]:
    """Per text, its content-word runs (lemmas, curated entities merged, stopwords removed); a large corpus
    is tokenised in ``n_jobs`` processes, in chunks, and comes back in the order of the texts. With
    ``cache_dir``, the runs of the texts' blocks (``_blocks``: a section's are its paragraphs) are kept there
    as JSON keyed by every input, so the next notebook, or the same corpus cut into other units, reads them."""
    stop = general_stopwords() if stopwords is None else stopwords
    blocks, counts = _blocks(list(texts))
    key = _runs_key(blocks, stop)
    path = Path(cache_dir) / f"runs_{key}.json" if cache_dir is not None else None
    if path is None:
        return _by_text(_compute_runs(blocks, stop, n_jobs), counts)
    runs = caching.kept(path, lambda: _unpacked(path, caching.read_entry(path, key), len(blocks)),
                        lambda: _compute_runs(blocks, stop, n_jobs),
                        lambda computed: caching.write_entry(path, key, _packed(computed)), "the tokens are not cached")
    return _by_text(runs, counts)


def _encoded(values: Iterable[int]) -> str:
    """Integers as base64 of little-endian int32."""
    return base64.b64encode(np.fromiter(values, dtype="<i4").tobytes()).decode("ascii")


def _decoded(text: str) -> np.ndarray:
    """The integers of ``_encoded``."""
    return np.frombuffer(base64.b64decode(text, validate=True), dtype="<i4")


def _packed(runs: Sequence[Sequence[Sequence[str]]]) -> dict[str, Any]:
    """Runs as a cache entry's data: the sorted terms, then every token's term id, every run's length and
    every block's number of runs (int32, base64), so reading it back makes one string per term, not one per
    occurrence (a JSON list of lists of strings held each word twice while it was interned)."""
    terms = sorted({t for unit in runs for run in unit for t in run})
    index = {t: i for i, t in enumerate(terms)}
    return {"terms": terms, "ids": _encoded(index[t] for unit in runs for run in unit for t in run),
            "runs": _encoded(len(run) for unit in runs for run in unit), "units": _encoded(len(u) for u in runs)}


def _unpacked(path: Path, data: Any, n_blocks: int, stacklevel: int = 3) -> list[list[list[str]]] | None:
    """The runs of ``_packed`` data, one string object per term; None (a CorpusWarning naming the file) when
    the data do not hold ``n_blocks`` blocks of runs, None without a word when there are no data."""
    if data is None:
        return None
    try:
        terms = [sys.intern(t) for t in data["terms"]]
        ids, run_lengths, unit_lengths = (_decoded(data[part]) for part in ("ids", "runs", "units"))
        if (len(unit_lengths) != n_blocks or int(unit_lengths.sum()) != len(run_lengths)
                or int(run_lengths.sum()) != len(ids) or (len(ids) and not 0 <= ids.min() <= ids.max() < len(terms))):
            raise ValueError("its runs do not fit the texts")
        words = (terms[i] for start in range(0, len(ids), 65536) for i in ids[start : start + 65536].tolist())
        lengths = iter(run_lengths.tolist())
        return [[list(islice(words, n)) for n in islice(lengths, m)] for m in unit_lengths.tolist()]
    except (KeyError, TypeError, ValueError) as exc:  # binascii.Error is a ValueError
        warnings.warn(f"{path}: cache entry ignored and recomputed ({exc})", CorpusWarning, stacklevel=stacklevel)
        return None


def _compute_runs(texts: list[str], stop: frozenset[str], n_jobs: int) -> list[list[list[str]]]:
    """The content-word runs of every text (or block): on Dask, in processes by chunks, or here."""
    if engine.on_dask():  # a per-document stage: Dask bag partitions
        runs = list(engine.bag_map(partial(_text_runs, stop), texts))
    elif n_jobs <= 1 or sum(len(t) for t in texts) < PARALLEL_CHARS:
        runs = _runs_of((texts, stop))
    else:
        size = max(1, len(texts) // (8 * n_jobs))
        chunks = [(texts[i : i + size], stop) for i in range(0, len(texts), size)]
        # fresh workers: a fork of a large kernel would hold a copy of it (about 0.7 GB each at 100,000 documents)
        runs = [unit for part in caching.pool_map(_runs_of, chunks, n_jobs, start="spawn") for unit in part]
    return _shared_runs(runs)


def _shared_runs(units: list[list[list[str]]]) -> list[list[list[str]]]:
    """The same runs with one string object per spelling, not one per occurrence (as a worker's results or
    lemmatising give them; interned, as the cache entry's terms are, so other tokens of the same spelling
    share them too): 57 MB became 33 MB for the runs of 10,000 documents."""
    return [[[sys.intern(t) for t in run] for run in unit] for unit in units]


def _joined(model: Any, unit: Sequence[list[str]]) -> list[str]:
    """One unit's tokens: its runs with the learned phrases joined."""
    return [t for r in unit for t in model[r]]


def join_phrases(model: Any, runs: Sequence[Sequence[list[str]]]) -> list[list[str]]:
    """Each unit's tokens with the phrases of a frozen gensim ``Phrases`` joined: here, or on Dask, in bag
    partitions (the model sent to each worker once)."""
    joined = engine.bag_map(_joined, runs, model) if engine.on_dask() else (_joined(model, u) for u in runs)
    # one string object per spelling (a joined phrase is a new string each time)
    return [[sys.intern(t) for t in unit] for unit in joined]


_PHRASED: dict[tuple[str, int, float], tuple[pd.DataFrame, list[list[str]]]] = {}  # last units phrased, by key
_PHRASE_COLUMNS = ["phrase", "count", "npmi"]


def _phrased(texts: list[str], stop: frozenset[str], min_count: int, threshold: float, n_jobs: int,
             cache_dir: str | Path) -> tuple[pd.DataFrame, list[list[str]]]:
    """The learned phrases and each text's runs with them joined, kept in ``cache_dir`` as the blocks' joined
    tokens (a text's are its blocks', one after another: phrases join within a run, and runs never cross
    blocks), keyed by the blocks' runs key and the phrase settings: the sections and paragraphs of a corpus,
    in any notebook, learn and join the phrases once."""
    blocks, counts = _blocks(texts)
    key = caching.cache_key((), ("gensim",), runs=_runs_key(blocks, stop), min_count=min_count,
                            threshold=threshold)
    path = Path(cache_dir) / f"phrased_{key}.json"

    def compute() -> tuple[pd.DataFrame, list[list[list[str]]]]:
        block_runs = unit_runs(blocks, stop, n_jobs=n_jobs, cache_dir=cache_dir)
        model, phrases = learn_phrases([r for u in block_runs for r in u], min_count, threshold)
        return phrases, [[toks] for toks in join_phrases(model, block_runs)]

    phrases, joined = caching.kept(
        path, lambda: _read_phrased(path, caching.read_entry(path, key), len(blocks)), compute,
        lambda c: caching.write_entry(path, key, {"phrases": c[0].to_dict("list"), "tokens": _packed(c[1])}),
        "the phrases are not cached")
    return phrases, _joined_by_text(joined, counts)


def _read_phrased(path: Path, data: Any, n_blocks: int) -> tuple[pd.DataFrame, list[list[list[str]]]] | None:
    """The phrases table and blocks' joined tokens of a ``_phrased`` entry; None (a CorpusWarning naming the
    file) when they do not fit ``n_blocks`` blocks, None without a word when there are no data."""
    if data is None:
        return None
    try:
        columns = data["phrases"]
        table = pd.DataFrame(columns, columns=_PHRASE_COLUMNS)
        if sorted(columns) != sorted(_PHRASE_COLUMNS) or any(len(v) != len(table) for v in columns.values()):
            raise ValueError("its phrases table is not one")
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        warnings.warn(f"{path}: cache entry ignored and recomputed ({exc})", CorpusWarning, stacklevel=4)
        return None
    blocks = _unpacked(path, data.get("tokens", {}), n_blocks, stacklevel=4)
    return None if blocks is None else (table, blocks)


def _joined_by_text(blocks: Sequence[list[list[str]]], counts: Sequence[int]) -> list[list[str]]:
    """Each text's joined tokens: its ``counts[i]`` blocks' (each block one list of tokens), in order."""
    return [[t for run in unit for t in run] for unit in _by_text(blocks, counts)]


@stage("tokens")
def tokenize_units(
    texts: Sequence[str],
    max_df: float = 0.6,
    phrase_min_count: int = 3,
    phrase_threshold: float = 0.5,
    extra_stopwords: Iterable[str] = (),
    drop_terms: Iterable[str] = (),
    runs: Sequence[list[list[str]]] | None = None,
    n_jobs: int = 2,
    cache_dir: str | Path | None = None,
) -> Tokenized:
    """Modelling tokens per text: lemmas, curated entities, learned phrases, minus general and corpus stopwords.

    Parameters
    ----------
    texts : sequence of str
        One text per unit (section or paragraph).
    max_df : float
        Terms in more than this share of the units are corpus stopwords, removed.
    phrase_min_count, phrase_threshold : int, float
        gensim ``Phrases`` settings: a bigram needs this many occurrences and this NPMI score to be joined.
    extra_stopwords : iterable of str
        Join the general stopword list (before phrases are learned).
    drop_terms : iterable of str
        Removed afterwards with the corpus stopwords (e.g. corpus stopwords found at section level, applied
        to paragraphs).
    runs : sequence, optional
        The output of ``unit_runs(texts)`` (general stopwords only), reused if at hand.
    n_jobs : int
        Processes for lemmatising.
    cache_dir : str or Path, optional
        Keep the lemmatised runs (``unit_runs``) and the phrases with the phrase-joined tokens there, keyed by
        every input, unless ``runs`` are given: the next notebook reads them instead of learning them again.

    Returns
    -------
    Tokenized
        ``tokens`` (one list per text), ``phrases`` (the learned phrases with counts and scores) and
        ``corpus_stopwords`` (the terms ``max_df`` removed, with their document frequency).
    """
    stop = general_stopwords() | frozenset(extra_stopwords)
    texts = list(texts)
    key = (_runs_key(texts, stop), phrase_min_count, phrase_threshold)
    if key in _PHRASED:  # the same units phrased just before (e.g. another max_df): reuse, do not relearn
        phrases, content = _PHRASED[key]
    else:
        _PHRASED.clear()  # one entry: memory holds one corpus's phrased units at most
        if cache_dir is not None and (runs is None or extra_stopwords):
            phrases, content = _phrased(texts, stop, phrase_min_count, phrase_threshold, n_jobs, cache_dir)
        else:
            if runs is None or extra_stopwords:
                runs = unit_runs(texts, stop, n_jobs=n_jobs, cache_dir=cache_dir)
            model, phrases = learn_phrases([r for u in runs for r in u], phrase_min_count, phrase_threshold)
            content = join_phrases(model, runs)
        _PHRASED[key] = (phrases, content)
    phrases = phrases.copy()
    corpus_stop = document_frequency_stopwords(content, max_df)
    drop = frozenset(corpus_stop["term"]) | frozenset(drop_terms)
    tokens = [[t for t in toks if t not in drop] for toks in content]
    return Tokenized(tokens, phrases, corpus_stop)


def max_df_choices(unit_tokens: Sequence[Sequence[str]], options: Sequence[float],
                   protected: Iterable[str] = ()) -> pd.DataFrame:
    """What each document-frequency cut-off would remove from tokens that have none yet: max_df, how many
    terms, which, and which of them are in ``protected`` (e.g. the codebook's frame words)."""
    keep = frozenset(protected)
    rows = []
    for option in options:
        removed = document_frequency_stopwords(unit_tokens, option)["term"].tolist()
        rows.append({"max_df": option, "terms_removed": len(removed), "removed": ", ".join(removed),
                     "frame_words_removed": ", ".join(t for t in removed if t in keep)})
    return pd.DataFrame(rows)
