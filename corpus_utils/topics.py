"""Topics: gensim LDA on small corpora: vocabulary, seeded fits, the K sweep and the rule that chooses K,
and the tables that describe topics (terms by relevance and FREX, representative units)."""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import shutil
import tempfile
import weakref
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import caching, engine, topic_metrics
from .profiling import stage
from .progress import Progress

# chunksize is set per corpus by lda_chunksize: small batches give many online updates per pass. With one batch
# per pass (the old chunksize 2000) a 53-unit corpus got ten updates in all, and seeds disagreed at random.
LDA_DEFAULTS: dict[str, Any] = {"passes": 20, "iterations": 100, "alpha": "symmetric", "eta": None,
                                "eval_every": None}
UPDATES_PER_PASS = 50
CRITERIA = ("c_v", "c_npmi", "stability", "exclusivity")
_CODE = ("topics", "topic_metrics")  # the code every key below depends on

BOW_MAX_CELLS = 20_000_000  # non-zero cells a bag-of-words keeps in memory (8 bytes each, packed); more: on disk


class PackedBow(Sequence[list[tuple[int, int]]]):
    """A bag-of-words held as three numpy arrays (where each unit starts, term ids, counts: 8 bytes a cell,
    against 30-60 for a list of Python tuples), read a unit at a time as the same list of (id, count) pairs
    of Python ints that gensim's ``doc2bow`` gives; pickled as the arrays."""

    def __init__(self, docs: Iterable[Sequence[tuple[int, int]]] = ()) -> None:
        from array import array

        starts, ids, counts = array("q", [0]), array("i"), array("i")
        for doc in docs:
            ids.extend(i for i, _ in doc)
            counts.extend(c for _, c in doc)
            starts.append(len(ids))
        self._starts, self._ids, self._counts = (np.frombuffer(a, dtype=a.typecode).copy() if len(a) else
                                                 np.zeros(0, dtype=a.typecode) for a in (starts, ids, counts))

    @classmethod
    def from_arrays(cls, starts: np.ndarray, ids: np.ndarray, counts: np.ndarray) -> PackedBow:
        """The bag-of-words of these arrays (as ``PackedBow`` keeps them)."""
        out = cls()
        out._starts, out._ids, out._counts = starts, ids, counts
        return out

    @property
    def cells(self) -> int:
        """Non-zero cells held."""
        return len(self._ids)

    def __len__(self) -> int:
        return len(self._starts) - 1

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if not -len(self) <= i < len(self):
            raise IndexError(f"unit {i} of a bag-of-words of {len(self)} units")
        a, b = self._starts[i % len(self)], self._starts[i % len(self) + 1]
        return list(zip(self._ids[a:b].tolist(), self._counts[a:b].tolist(), strict=True))

    def __iter__(self) -> Iterator[list[tuple[int, int]]]:
        ids, counts, starts = self._ids.tolist(), self._counts.tolist(), self._starts.tolist()
        for a, b in itertools.pairwise(starts):
            yield list(zip(ids[a:b], counts[a:b], strict=True))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return len(self) == len(other) and all(a == list(b) for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]  # mutable-like sequence: no hash, as for a list

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return PackedBow.from_arrays, (self._starts, self._ids, self._counts)

    def __repr__(self) -> str:
        return f"PackedBow({len(self)} units, {self.cells} cells)"


class DiskBow(Sequence[list[tuple[int, int]]]):
    """A bag-of-words kept on disk in Matrix Market format (gensim's ``MmCorpus``, with its index), read a unit
    at a time: the same units and integer counts as the list it replaces. Written once into a temporary
    folder (``folder``: where; default the system's, which the runner makes a private one per kernel, removed
    with the kernel), removed when the object goes; pickled as a plain list."""

    def __init__(self, docs: Iterable[Sequence[tuple[int, int]]], num_terms: int, folder: str | Path | None = None
                 ) -> None:
        from gensim.corpora import MmCorpus

        self._dir = tempfile.mkdtemp(prefix="bow-", dir=folder)
        self._cleanup = weakref.finalize(self, shutil.rmtree, self._dir, ignore_errors=True)
        path = str(Path(self._dir) / "bow.mm")
        MmCorpus.serialize(path, docs, id2word={i: str(i) for i in range(num_terms)})
        self._corpus = MmCorpus(path)

    def __len__(self) -> int:
        return len(self._corpus)

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if not -len(self) <= i < len(self):
            raise IndexError(f"unit {i} of a bag-of-words of {len(self)} units")
        return [(int(t), int(c)) for t, c in self._corpus[i % len(self)]]

    def __iter__(self) -> Iterator[list[tuple[int, int]]]:
        for doc in self._corpus:
            yield [(int(t), int(c)) for t, c in doc]

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return list, (list(self),)


@dataclass
class Vocabulary:
    """A gensim Dictionary and bag-of-words corpus (``PackedBow`` in memory, ``DiskBow`` when large, or a list),
    with what filtering removed."""

    dictionary: Any
    bow: Sequence[list[tuple[int, int]]]
    removed: pd.DataFrame
    summary: pd.DataFrame


@dataclass
class TermCounts:
    """Per term: the units it occurs in, its occurrences and the first unit it occurs in; and the units counted
    (what a gensim Dictionary is built from; summed over partitions on Dask)."""

    units: dict[str, int]
    count: dict[str, int]
    first: dict[str, int]
    n_units: int

    def __add__(self, other: TermCounts) -> TermCounts:
        """The counts of both parts (units numbered across the corpus, so ``first`` is the smaller of the two)."""
        units, count, first = dict(self.units), dict(self.count), dict(self.first)
        for term, n in other.units.items():
            units[term] = units.get(term, 0) + n
            count[term] = count.get(term, 0) + other.count[term]
            first[term] = min(first.get(term, other.first[term]), other.first[term])
        return TermCounts(units, count, first, self.n_units + other.n_units)


def _term_counts(numbered: list[tuple[int, Sequence[str]]]) -> TermCounts:
    """The term counts of some units, each given with its number in the corpus."""
    units: dict[str, int] = {}
    count: dict[str, int] = {}
    first: dict[str, int] = {}
    for number, toks in numbered:
        for term in toks:
            count[term] = count.get(term, 0) + 1
        for term in set(toks):
            units[term] = units.get(term, 0) + 1
            first.setdefault(term, number)
    return TermCounts(units, count, first, len(numbered))


def term_dictionary(unit_tokens: Sequence[Sequence[str]]) -> Any:
    """The gensim Dictionary of the units: here gensim's own; on Dask, built from term counts summed over
    partitions, with the same ids (a new term gets the next id in order of its first unit, then of its
    spelling, as gensim gives them) and the same counts."""
    from gensim.corpora import Dictionary

    if not engine.on_dask():
        return Dictionary(unit_tokens)
    return dictionary_of(engine.reduce(_term_counts, engine.add, list(enumerate(unit_tokens))))


def dictionary_of(counts: TermCounts) -> Any:
    """The gensim Dictionary that term counts describe (ids as gensim would give them)."""
    from gensim.corpora import Dictionary

    dictionary = Dictionary()
    order = sorted(counts.first, key=lambda term: (counts.first[term], term))
    dictionary.token2id = {term: i for i, term in enumerate(order)}
    dictionary.dfs = {i: counts.units[term] for i, term in enumerate(order)}
    dictionary.cfs = {i: counts.count[term] for i, term in enumerate(order)}
    dictionary.num_docs, dictionary.num_pos = counts.n_units, sum(counts.count.values())
    dictionary.num_nnz = sum(counts.units.values())
    return dictionary


def bow_digest(bow: Iterable[Sequence[tuple[int, int]]]) -> str:
    """sha256 of a bag-of-words' units (what a cache key records of it): the same in memory and on disk."""
    digest = hashlib.sha256()
    for doc in bow:
        digest.update(json.dumps(doc).encode("ascii") + b"\n")
    return digest.hexdigest()


def bag_of_words(dictionary: Any, unit_tokens: Iterable[Sequence[str]], max_cells: int = BOW_MAX_CELLS,
                 folder: str | Path | None = None) -> Sequence[list[tuple[int, int]]]:
    """Each unit's bag-of-words under ``dictionary``: packed in memory (``PackedBow``) while it holds at most
    ``max_cells`` non-zero cells, else the rest streamed to a ``DiskBow`` (the units built so far first)."""
    bow: list[list[tuple[int, int]]] = []
    packed: list[PackedBow] = []
    cells = 0
    if engine.on_dask():  # each unit's row made in bag partitions, the dictionary sent to each worker once
        rows: Iterator[list[tuple[int, int]]] = engine.bag_map(_doc2bow, unit_tokens, dictionary)
    else:
        rows = (_doc2bow(dictionary, t) for t in unit_tokens)
    for row in rows:
        bow.append(row)
        cells += len(row)
        if cells > max_cells:
            return DiskBow(itertools.chain(*packed, bow, rows), len(dictionary), folder)
        if len(bow) == _PACK_EVERY:  # packed as it goes: the lists of a whole corpus are never held at once
            packed.append(PackedBow(bow))
            bow = []
    return _concat([*packed, PackedBow(bow)])


_PACK_EVERY = 10_000  # units whose rows are packed at once while a bag-of-words is built


def _concat(parts: Sequence[PackedBow]) -> PackedBow:
    """One packed bag-of-words of several, in order."""
    offsets = np.cumsum([0] + [p.cells for p in parts])
    starts = np.concatenate([np.zeros(1, dtype=np.int64)] + [p._starts[1:] + o for p, o in zip(parts, offsets,
                                                                                                  strict=False)])
    return PackedBow.from_arrays(starts, np.concatenate([p._ids for p in parts]),
                                 np.concatenate([p._counts for p in parts]))


def _doc2bow(dictionary: Any, toks: Sequence[str]) -> list[tuple[int, int]]:
    """One unit's bag-of-words under ``dictionary``."""
    return dictionary.doc2bow(list(toks))


@stage("dictionary")
def build_vocabulary(unit_tokens: Sequence[Sequence[str]], no_below: int = 2, no_above: float = 1.0,
                     max_cells: int = BOW_MAX_CELLS) -> Vocabulary:
    """Dictionary and bag-of-words; drop terms in fewer than ``no_below`` units or more than ``no_above`` of
    them. A bag-of-words of more than ``max_cells`` non-zero cells is kept on disk (``DiskBow``)."""
    dictionary = term_dictionary(unit_tokens)
    before = {dictionary[i]: (dictionary.dfs[i], dictionary.cfs[i]) for i in dictionary}
    n_units, n_tokens = len(unit_tokens), sum(len(u) for u in unit_tokens)
    dictionary.filter_extremes(no_below=no_below, no_above=no_above, keep_n=None)
    kept = set(dictionary.token2id)
    removed = pd.DataFrame(
        [(t, df, cf) for t, (df, cf) in before.items() if t not in kept], columns=["term", "units", "count"]
    ).sort_values(["count", "term"], ascending=[False, True], ignore_index=True)
    bow = bag_of_words(dictionary, unit_tokens, max_cells)
    kept_tokens = sum(c for doc in bow for _, c in doc)
    summary = pd.DataFrame({
        "": ["terms (types)", "tokens"],
        "before filtering": [len(before), n_tokens],
        "removed": [len(removed), n_tokens - kept_tokens],
        "kept": [len(dictionary), kept_tokens],
    }).set_index("")
    summary.loc["units"] = [n_units, 0, n_units]
    return Vocabulary(dictionary, bow, removed, summary)


@functools.cache
def quiet_lda() -> type:
    """gensim's ``LdaModel`` without the work each update does only to log (print five topics, compute the
    topics' expected log weights a second time for a "topic diff" line): about a third of a small-batch fit,
    for the same model, bit for bit (it draws the same random numbers the printing drew)."""
    from gensim.models import LdaModel

    class QuietLdaModel(LdaModel):
        """LdaModel whose M-step skips the logging work (see ``quiet_lda``)."""

        def do_mstep(self, rho: float, other: Any, extra_pass: bool = False) -> None:
            """gensim's M-step (blend, sync, eta, update count) without the logging."""
            self.state.blend(rho, other)
            self.sync_state(self.state.get_Elogbeta())
            if 0 <= 5 < self.num_topics:  # print_topics(5) draws jitter for its topic choice from random_state
                self.random_state.rand(len(self.alpha))
            if self.optimize_eta:
                self.update_eta(self.state.get_lambda(), rho)
            if not extra_pass:
                self.num_updates += other.numdocs

    return QuietLdaModel


@stage("final fit")
def fit_lda(vocab: Vocabulary, k: int, seed: int, **params: Any) -> Any:
    """A gensim LdaModel (single process, so a fixed seed gives the same model every time), fitted without
    the per-update logging work (``quiet_lda``)."""
    settings = {**LDA_DEFAULTS, "chunksize": lda_chunksize(len(vocab.bow)), **params}
    return quiet_lda()(vocab.bow, id2word=vocab.dictionary, num_topics=k, random_state=seed, **settings)


def lda_chunksize(n_units: int, updates: int = UPDATES_PER_PASS) -> int:
    """Units per online update: about ``updates`` updates per pass, at least one unit each."""
    return max(1, n_units // updates)


def top_terms(model: Any, n: int = 10) -> list[list[str]]:
    """Top-n terms of each topic, in gensim's topic order."""
    return [[term for term, _ in model.show_topic(t, topn=n)] for t in range(model.num_topics)]


def lda_passes(n_units: int, budget: int = 2500, most: int = 20, least: int = 2) -> int:
    """Passes for an LDA fit: ``most`` on a small corpus, ``budget / n_units`` as it grows, at least ``least``."""
    return int(min(most, max(least, budget // max(n_units, 1))))


def sample_indices(n_units: int, max_units: int, seed: int) -> list[int]:
    """Units a K sweep uses: all of them up to ``max_units``, else a seeded random sample of that size (sorted)."""
    if n_units <= max_units:
        return list(range(n_units))
    return sorted(int(i) for i in np.random.default_rng(seed).choice(n_units, size=max_units, replace=False))


def subset(vocab: Vocabulary, indices: Sequence[int], cut: bool = True) -> Vocabulary:
    """The bag-of-words of the given units only, with the dictionary cut to the terms they use (in the same
    order): a model of a sample costs what the sample's vocabulary costs, not the whole corpus's.
    ``cut=False`` keeps the whole dictionary (a model whose topics must cover every unit's terms)."""
    import copy

    indices = list(indices)
    if indices == list(range(len(vocab.bow))):
        return vocab
    if not cut:
        return Vocabulary(vocab.dictionary, [vocab.bow[u] for u in indices], vocab.removed, vocab.summary)
    used = sorted({i for u in indices for i, _ in vocab.bow[u]})
    dictionary = copy.deepcopy(vocab.dictionary)
    dictionary.filter_tokens(good_ids=used)
    dictionary.compactify()  # keeps the order of the ids it keeps
    new_id = {old: new for new, old in enumerate(used)}
    return Vocabulary(dictionary, [[(new_id[i], c) for i, c in vocab.bow[u]] for u in indices], vocab.removed,
                      vocab.summary)


def _sweep_fit(job: tuple[str, int, int, dict[str, Any], int]) -> tuple[list[list[str]], float]:
    """Worker: fit one model; its top terms and mean exclusivity."""
    unit, k, seed, params, topn = job
    model = fit_lda(caching.SHARED["vocabs"][unit], k, seed, **params)
    return top_terms(model, topn), float(topic_metrics.exclusivity(model.get_topics(), topn).mean())


def _coherence_task(job: tuple[str, str]) -> list[float]:
    """Worker: one coherence measure for every model of one unit type."""
    unit, measure = job
    return topic_metrics.coherence_scores(caching.SHARED["runs"][unit], caching.SHARED["reference"],
                                          caching.SHARED["ref_dict"], measure)


@stage("K sweep")
def k_sweep(vocabs: Mapping[str, Vocabulary], ks: Sequence[int], seeds: Sequence[int],
            reference: Sequence[Sequence[str]], topn: int = 10, n_jobs: int = 2, path: str | Path | None = None,
            reuse: bool = True, progress: bool = True, passes_budget: int | None = None,
            **params: Any) -> pd.DataFrame:
    """Every (unit type, K, seed) run scored by c_v and c_npmi coherence, stability and exclusivity.

    Parameters
    ----------
    vocabs : unit type name -> Vocabulary; the runs of all unit types are fitted in one process pool.
    ks, seeds : the numbers of topics and the seeds to fit for each unit type.
    reference : texts (token lists) on which coherence is measured for every unit type, so that models
        fitted on different units are scored against the same co-occurrence counts.
    topn : top terms per topic used by coherence, stability and exclusivity.
    n_jobs : processes for the fits and the coherence scoring.
    path : a CSV the table is written to and reused from when its ``inputs`` column equals the key of the
        current inputs (the bags of words, reference, K values, seeds, settings, the code of this module and
        of ``topic_metrics``, gensim's version); ``reuse=False`` refits regardless.
    passes_budget : if given, each unit type gets ``lda_passes(units, passes_budget)`` passes.
    params : further LdaModel settings.

    Stability of a run is its mean ranking agreement (``topic_metrics.ranking_agreement``) with the runs of
    the other seeds at the same unit type and K; exclusivity is stm's, averaged over the run's topics.
    """
    reference = [list(u) for u in reference]
    unit_params = {name: {**params, **({"passes": lda_passes(len(v.bow), passes_budget)} if passes_budget else {})}
                   for name, v in vocabs.items()}
    settings = {n: {**LDA_DEFAULTS, "chunksize": lda_chunksize(len(v.bow)), **unit_params[n]}
                for n, v in vocabs.items()}
    key = caching.cache_key(_CODE, bow={n: bow_digest(v.bow) for n, v in vocabs.items()}, reference=reference,
                            ks=list(ks), seeds=list(seeds), topn=topn, params=settings,
                            vocab={n: sorted(v.dictionary.token2id) for n, v in vocabs.items()})
    n_runs = len(ks) * len(seeds) * len(vocabs)
    n_units = "+".join(str(len(v.bow)) for v in vocabs.values())
    bar = Progress(f"K sweep: {n_runs} runs ({n_units} units) ...") if progress else None

    def compute() -> pd.DataFrame:
        from gensim.corpora import Dictionary

        if bar:
            bar.update(f"K sweep: fitting {n_runs} models on {n_units} units in {n_jobs} processes ...")
        jobs = [(name, k, s) for name in vocabs for k in ks for s in seeds]
        with caching.shared(vocabs=vocabs):
            fitted = caching.pool_map(_sweep_fit, [(n, k, s, unit_params[n], topn) for n, k, s in jobs], n_jobs,
                                      cost=lambda t: len(vocabs[t[0]].bow) * t[1])
        terms = {job: f[0] for job, f in zip(jobs, fitted, strict=True)}
        excl = {job: f[1] for job, f in zip(jobs, fitted, strict=True)}
        if bar:
            bar.update(f"K sweep: scoring coherence of {n_runs} models ...")
        measures = [(n, m) for n in vocabs for m in ("c_v", "c_npmi")]
        with caching.shared(runs={n: [terms[(n, k, s)] for k in ks for s in seeds] for n in vocabs},
                            reference=reference, ref_dict=Dictionary(reference)):
            coherence = dict(zip(measures, caching.pool_map(_coherence_task, measures, n_jobs), strict=True))
        rows = []
        for name, v in vocabs.items():
            for ki, k in enumerate(ks):
                agree = np.eye(len(seeds))
                for i, j in combinations(range(len(seeds)), 2):
                    agree[i, j] = agree[j, i] = topic_metrics.ranking_agreement(terms[(name, k, seeds[i])],
                                                                                terms[(name, k, seeds[j])])
                for i, s in enumerate(seeds):
                    n = ki * len(seeds) + i
                    rows.append({"unit": name, "units": len(v.bow), "passes": settings[name]["passes"], "k": k,
                                 "seed": s, "c_v": coherence[(name, "c_v")][n],
                                 "c_npmi": coherence[(name, "c_npmi")][n],
                                 "stability": (agree[i].sum() - 1) / (len(seeds) - 1) if len(seeds) > 1 else np.nan,
                                 "exclusivity": excl[(name, k, s)]})
        return pd.DataFrame(rows).round(4).assign(inputs=key)

    frame = caching.cached_frame(path, key, compute, reuse)
    if bar:
        bar.update(f"K sweep: {n_runs} runs on {n_units} units, scored")
    return frame


def summarise_sweep(sweep: pd.DataFrame, by: Sequence[str] = ("k",)) -> pd.DataFrame:
    """Per K (or per unit type and K): mean, min and max over seeds of each criterion in the sweep."""
    criteria = [c for c in CRITERIA if c in sweep]
    stats = sweep.groupby(list(by))[criteria].agg(["mean", "min", "max"])
    stats.columns = [f"{m}_{s}" for m, s in stats.columns]
    return stats.reset_index()


def choose_k(sweep: pd.DataFrame, by: Sequence[str] = ("k",)) -> tuple[dict[str, Any], pd.DataFrame]:
    """The run settings (K, or unit type and K) with the best combined score, and the score table.

    Rule: average each criterion (c_v, c_npmi, stability, exclusivity: those in the sweep) over seeds;
    min-max scale each over all candidates (1 = best candidate, 0 = worst; a criterion flat over candidates
    scores 0); the score is the mean of the scaled criteria. The highest score wins; ties go to the smaller K.
    """
    criteria = [c for c in CRITERIA if c in sweep]
    table = sweep.groupby(list(by), as_index=False)[criteria].mean().rename(columns={c: f"{c}_mean" for c in criteria})
    means = table[[f"{c}_mean" for c in criteria]]
    for c in criteria:
        span = means[f"{c}_mean"].max() - means[f"{c}_mean"].min()
        table[f"{c}_scaled"] = (means[f"{c}_mean"] - means[f"{c}_mean"].min()) / span if span > 0 else 0.0
    table["score"] = table[[f"{c}_scaled" for c in criteria]].mean(axis=1).round(4)
    best = table.sort_values(["score", "k"], ascending=[False, True]).iloc[0]
    choice = {key: (int(best[key]) if key == "k" else best[key]) for key in by}
    return choice, table.round(4)


def rule_stability(sweep: pd.DataFrame, by: Sequence[str] = ("k",), n_seeds: int | None = None,
                   n_resamples: int = 1000, seed: int = 0) -> pd.DataFrame:
    """How often ``choose_k`` picks each candidate when the seeds are resampled (with replacement; ``n_seeds``
    of them, default as many as there are): candidate columns, picks, share. All candidates share each draw."""
    seeds = np.array(sorted(sweep["seed"].unique()))
    rng = np.random.default_rng(seed)
    n = n_seeds or len(seeds)
    criteria = [c for c in CRITERIA if c in sweep]
    cube = sweep.set_index([*by, "seed"])[criteria].sort_index()
    candidates = cube.index.droplevel("seed").unique()
    values = np.stack([cube.loc[c].loc[seeds].to_numpy() for c in candidates])  # candidates x seeds x criteria
    picks = np.zeros(len(candidates), dtype=int)
    ks = np.array([c[list(by).index("k")] if isinstance(c, tuple) else c for c in candidates])
    for _ in range(n_resamples):
        means = values[:, rng.integers(0, len(seeds), size=n), :].mean(axis=1)
        span = means.max(axis=0) - means.min(axis=0)
        scaled = np.where(span > 0, (means - means.min(axis=0)) / np.where(span > 0, span, 1), 0.0)
        score = scaled.mean(axis=1).round(4)
        best = np.lexsort((ks, -score))[0]
        picks[best] += 1
    table = pd.DataFrame(list(candidates) if isinstance(candidates[0], tuple) else {"k": list(candidates)},
                         columns=list(by))
    return table.assign(picks=picks, share=(picks / n_resamples).round(3))


def stable_choice(shares: pd.DataFrame, by: Sequence[str] = ("k",), hold: float = 0.6,
                  support: float = 0.1) -> tuple[dict[str, Any], bool]:
    """The candidate the rule picks in at least ``hold`` of the resamples, and True; if none does, the
    coarsest candidate (smallest K) picked in at least ``support`` of them, and False."""
    top = shares.sort_values(["share", "k"], ascending=[False, True]).iloc[0]
    if top["share"] >= hold:
        row, held = top, True
    else:
        supported = shares[shares["share"] >= support]
        row, held = supported.sort_values(["k", "share"], ascending=[True, False]).iloc[0], False
    return {key: (int(row[key]) if key == "k" else row[key]) for key in by}, held


def select_model(sweep: pd.DataFrame, by: Sequence[str] = ("k",), seed: int = 0, small: int = 5,
                 hold: float = 0.6, support: float = 0.1) -> dict[str, Any]:
    """The documented K rule end to end, shared by the notebooks that need the choice.

    Parameters
    ----------
    sweep : pandas.DataFrame
        One row per fitted run with the ``by`` columns, ``seed`` and the criteria (``k_sweep``).
    by : sequence of str
        The candidate columns, ``("k",)`` or ``("unit", "k")``.
    seed : int
        Seed of the resampling of sweep seeds.
    small : int
        The smaller resample size also reported (``share_of_<small>``), the old sweep's five seeds.
    hold, support : float
        Passed to ``stable_choice``: the share of resamples the rule's pick must win to be kept, and the
        share a fallback candidate needs.

    Returns
    -------
    dict
        ``choice`` (the kept candidate), ``held`` (the rule's pick wins at least ``hold`` of the resamples),
        ``rule_choice`` (the pick on all seeds), ``scores`` (``choose_k``'s table) and ``picks``
        (``rule_stability`` shares on all seeds and on ``small`` seeds).
    """
    rule_choice, scores = choose_k(sweep, by=by)
    picks = rule_stability(sweep, by=by, seed=seed).merge(
        rule_stability(sweep, by=by, n_seeds=small, seed=seed), on=list(by), suffixes=("", f"_of_{small}"))
    choice, held = stable_choice(picks, by=by, hold=hold, support=support)
    return {"choice": choice, "held": held, "rule_choice": rule_choice, "scores": scores, "picks": picks}


def term_counts(vocab: Vocabulary) -> np.ndarray:
    """How often each dictionary term occurs in the bag-of-words (dictionary order)."""
    counts = np.zeros(len(vocab.dictionary))
    for doc in vocab.bow:
        for i, c in doc:
            counts[i] += c
    return counts


@stage("final fit")
def topic_term_table(phi: np.ndarray, vocab: Vocabulary, labels: Mapping[int, str], n: int = 10,
                     lam: float = 0.6) -> pd.DataFrame:
    """Top-n terms per topic (1-based, as in pyLDAvis) ranked by relevance at ``lam`` (Sievert & Shirley):
    topic, label, rank, term, probability, relevance, frex (stm's, w = 0.5)."""
    counts = term_counts(vocab)
    rel = topic_metrics.relevance(phi, counts / counts.sum(), lam)
    frex = topic_metrics.frex(phi)
    rows = []
    for t, best in enumerate(topic_metrics.top_indices(rel, n)):
        for rank, idx in enumerate(best, start=1):
            rows.append({"topic": t + 1, "label": labels.get(t + 1, ""), "rank": rank,
                         "term": vocab.dictionary[int(idx)], "probability": round(float(phi[t, idx]), 4),
                         "relevance": round(float(rel[t, idx]), 4), "frex": round(float(frex[t, idx]), 4)})
    return pd.DataFrame(rows)


def label_topics(top: Sequence[Sequence[str]], anchors: Mapping[str, str]) -> dict[int, str]:
    """Topic (1-based) -> label: each label goes to the topic where its anchor term ranks highest among the top
    terms (Hungarian matching, one label per topic); a topic whose top terms hold no anchor gets a number."""
    from scipy.optimize import linear_sum_assignment

    names = list(anchors)
    if not names or not top:
        return {t: f"topic {t}" for t in range(1, len(top) + 1)}
    depth = max(len(t) for t in top) + 1
    cost = np.array([[list(terms).index(a) if a in terms else depth for a in names] for terms in top])
    rows, cols = linear_sum_assignment(cost)
    found = {int(r) + 1: anchors[names[c]] for r, c in zip(rows, cols, strict=True) if cost[r, c] < depth}
    return {t: found.get(t, f"topic {t}") for t in range(1, len(top) + 1)}


@stage("final fit")
def representative_units(theta: np.ndarray, units: pd.DataFrame, n: int = 2) -> pd.DataFrame:
    """For each topic (1-based), the ``n`` units with the highest proportion of it."""
    rows = []
    for t in range(theta.shape[1]):
        for idx in np.argsort(-theta[:, t], kind="stable")[:n]:
            unit = units.iloc[int(idx)]
            rows.append({"topic": t + 1, "proportion": round(float(theta[idx, t]), 2), "doc_id": unit["doc_id"],
                         "heading": unit["heading"], "text": unit["text"]})
    return pd.DataFrame(rows)


def unit_problems(vocabs: Mapping[str, Vocabulary], k_min: int = 2, units_per_topic: int = 4,
                  topn: int = 10) -> dict[str, str]:
    """Why each kind of unit cannot carry a topic model (too few units with a kept term, or too few terms);
    kinds that can are left out of the result."""
    problems = {}
    for name, vocab in vocabs.items():
        filled = sum(1 for doc in vocab.bow if doc)
        need = max(k_min, 2) * units_per_topic
        if filled < need:
            problems[name] = (f"only {filled} {name} keep a term after filtering; {max(k_min, 2)} topics need at "
                              f"least {need} ({units_per_topic} per topic), and one topic would be the whole corpus")
        elif len(vocab.dictionary) < topn:
            problems[name] = (f"only {len(vocab.dictionary)} terms are kept after filtering; ranking {topn} top "
                              "terms per topic needs more")
    return problems


def k_range(k_min: int, k_max: int, n_units: int, units_per_topic: int = 4) -> list[int]:
    """The K values to sweep: k_min..k_max, capped so that each topic has at least ``units_per_topic`` units."""
    return list(range(k_min, max(k_min, min(k_max, n_units // units_per_topic)) + 1))


def unit_topic_table(units: pd.DataFrame, theta: np.ndarray, unit: str, digits: int = 4) -> pd.DataFrame:
    """One row per unit: its keys (doc_id, section, paragraph, heading, where present), the unit type and its
    proportion of each topic (``topic_1`` ...), rounded to ``digits``."""
    keys = [c for c in ["doc_id", "section", "paragraph", "heading"] if c in units]
    proportions = pd.DataFrame(theta.round(digits), columns=[f"topic_{t}" for t in range(1, theta.shape[1] + 1)],
                               index=units.index)
    return units[keys].assign(unit=unit).join(proportions)


def dominant_by_group(doc_ids: Sequence[str], dominant: Sequence[int], groups: Mapping[str, str],
                      group_labels: Mapping[str, str], topic_labels: Mapping[int, str]) -> pd.DataFrame:
    """Units per group (rows, by label) and dominant topic (columns, by label), and per group the share of
    its units whose dominant topic is not the group's most common one (``outside_main_topic``)."""
    group = pd.Series([group_labels.get(groups[d], groups[d]) for d in doc_ids], name="group")
    topic = pd.Series([topic_labels.get(int(t), f"topic {t}") for t in dominant], name="topic")
    table = pd.crosstab(group, topic)
    outside = 1 - table.max(axis=1) / table.sum(axis=1)
    return table.assign(outside_main_topic=outside.round(2))


def topic_labels_of(topic_terms: pd.DataFrame) -> dict[int, str]:
    """Topic number -> label, read from a topic-term table (``results/topic_terms.csv``: topic, label)."""
    return {int(t): str(lab) for t, lab in topic_terms.groupby("topic")["label"].first().items()}


def topic_column_names(labels: Mapping[int, str]) -> dict[str, str]:
    """Column name -> display name of each topic: ``topic_1`` -> ``1: label`` (``unit_topic_table``'s columns)."""
    return {f"topic_{t}": f"{t}: {lab}" for t, lab in labels.items()}
