"""Ensemble: many seeded LDA runs aligned into consensus topics that do not depend on any one seed, how often
each topic recurs, keyword-seeded priors (keyATM-style) and a collapsed Gibbs reference (tomotopy)."""

from __future__ import annotations

import itertools
import math
import os
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import caching, topic_metrics, topics
from .profiling import stage
from .topics import Vocabulary, fit_lda

Run = tuple[np.ndarray, np.ndarray]  # (phi: topics x terms, theta: units x topics)


def ensemble_seeds(seed: int, n: int) -> list[int]:
    """``n`` distinct run seeds drawn from the master ``seed`` (another master seed gives another set)."""
    rng = np.random.default_rng(seed)
    return sorted(int(s) for s in rng.choice(2**31 - 1, size=n, replace=False) + 1)


def _theta(model: Any, bow: Sequence[Sequence[tuple[int, int]]]) -> np.ndarray:
    """Units x topics proportions of a gensim model (every topic, no minimum probability)."""
    out = np.zeros((len(bow), model.num_topics))
    for i, doc in enumerate(bow):
        for t, p in model.get_document_topics(doc, minimum_probability=0.0):
            out[i, t] = p
    return out


def _fit_run(job: tuple[str, int, int, dict[str, Any]]) -> Run:
    """Worker: one seeded gensim run on a shared vocabulary: (phi, theta)."""
    name, k, seed, params = job
    vocab = caching.SHARED["vocabs"][name]
    model = fit_lda(vocab, k, seed, **params)
    return model.get_topics().astype(float), _theta(model, vocab.bow)


def fit_runs(vocab: Vocabulary, k: int, seeds: Sequence[int], n_jobs: int = 2, **params: Any) -> list[Run]:
    """One gensim ``LdaModel`` per seed, fitted in ``n_jobs`` processes; (phi, theta) per run, in seed order."""
    with caching.shared(vocabs={"": vocab}):
        return caching.pool_map(_fit_run, [("", k, s, params) for s in seeds], n_jobs)


def _fit_tomotopy(job: tuple[int, int, float, float, int]) -> Run:
    """Worker: one collapsed Gibbs LDA (tomotopy, one thread) on the shared vocabulary's units."""
    os.environ.setdefault("TOMOTOPY_ISA", "sse2")  # one instruction set on every x86-64 machine: same samples
    with warnings.catch_warnings():  # its extension module's import warns (DeprecationWarning) on Python 3.11
        warnings.simplefilter("ignore", DeprecationWarning)
        import tomotopy as tp

    k, seed, alpha, eta, iterations = job
    vocab = caching.SHARED["vocabs"][""]
    model = tp.LDAModel(k=k, alpha=alpha, eta=eta, seed=seed)
    for doc in vocab.bow:  # every unit, an empty one too, so that rows line up with the units
        model.add_doc([vocab.dictionary[i] for i, c in doc for _ in range(c)] or [vocab.dictionary[0]])
    model.train(iterations, workers=1)
    index = [vocab.dictionary.token2id[w] for w in model.used_vocabs]
    phi = np.zeros((k, len(vocab.dictionary)))
    for t in range(k):
        phi[t, index] = model.get_topic_word_dist(t)
    theta = np.array([d.get_topic_dist() for d in model.docs], dtype=float)
    return phi / phi.sum(axis=1, keepdims=True), theta


def tomotopy_runs(vocab: Vocabulary, k: int, seeds: Sequence[int], iterations: int = 1000,
                  alpha: float | None = None, eta: float | None = None, n_jobs: int = 2) -> list[Run]:
    """Collapsed Gibbs LDA (tomotopy) per seed on the same units and vocabulary; priors default to 1/K as gensim's."""
    a, e = alpha if alpha is not None else 1 / k, eta if eta is not None else 1 / k
    with caching.shared(vocabs={"": vocab}):
        return caching.pool_map(_fit_tomotopy, [(k, s, a, e, iterations) for s in seeds], n_jobs)


def _match(reference: np.ndarray, phi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Hungarian matching of ``phi``'s topics to ``reference``'s by cosine: (order, cosines) per reference topic."""
    from scipy.optimize import linear_sum_assignment

    a = reference / np.linalg.norm(reference, axis=1, keepdims=True)
    b = phi / np.linalg.norm(phi, axis=1, keepdims=True)
    sim = a @ b.T
    rows, cols = linear_sum_assignment(sim, maximize=True)
    return cols[np.argsort(rows)], sim[rows, cols][np.argsort(rows)]


def align_runs(phis: Sequence[np.ndarray], max_rounds: int = 100) -> tuple[np.ndarray, list[np.ndarray]]:
    """Consensus topics of many runs: start from the medoid run, match every run's topics to the consensus
    (Hungarian, cosine), average the matched topics, repeat until no matching changes.

    Returns the consensus (topics x terms) and, per run, the order of its topics matched to the consensus.
    """
    n = len(phis)
    agreement = np.zeros((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            agreement[i, j] = agreement[j, i] = _match(phis[i], phis[j])[1].mean()
    consensus = phis[int(np.argmax(agreement.sum(axis=1)))]
    orders: list[np.ndarray] = []
    for _ in range(max_rounds):
        new = [_match(consensus, phi)[0] for phi in phis]
        if orders and all(np.array_equal(a, b) for a, b in zip(orders, new, strict=True)):
            break
        orders = new
        consensus = np.mean([phi[order] for phi, order in zip(phis, orders, strict=True)], axis=0)
    return consensus, orders


def bow_arrays(bow: Sequence[Sequence[tuple[int, int]]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The bag-of-words as three flat arrays: unit row, term column and count of every non-zero cell."""
    rows = np.array([d for d, doc in enumerate(bow) for _ in doc], dtype=int)
    cols = np.array([i for doc in bow for i, _ in doc], dtype=int)
    counts = np.array([c for doc in bow for _, c in doc], dtype=float)
    return rows, cols, counts


FOLD_BATCH = 20_000  # units per batch of the fold-in: its arrays grow with a batch, not with the corpus


def _batches(bow: Iterable[Sequence[tuple[int, int]]], size: int) -> Iterator[list[Sequence[tuple[int, int]]]]:
    """The units of a bag-of-words read in order, ``size`` at a time (a bag-of-words on disk is streamed)."""
    it = iter(bow)
    while batch := list(itertools.islice(it, size)):
        yield batch


def _fold_steps(phi: np.ndarray, docs: Sequence[Sequence[tuple[int, int]]], theta: np.ndarray, alpha: float,
                steps: int, tol: float | None) -> tuple[np.ndarray, int, float]:
    """Up to ``steps`` EM updates of some units' proportions (stopping at the first whose largest change is
    under ``tol``, unless ``tol`` is None): the new proportions, the updates made and the last largest change.
    Each unit's update reads only its own row, so a unit gets the same numbers in any batch."""
    from scipy.sparse import csr_matrix

    rows, cols, counts = bow_arrays(docs)
    word_topic = phi[:, cols].T  # non-zero cells x topics
    collect = csr_matrix((np.ones(len(rows)), (rows, np.arange(len(rows)))), shape=(len(docs), len(rows)))
    made, change = 0, math.inf
    while made < steps:
        weighted = theta[rows] * word_topic
        resp = weighted / weighted.sum(axis=1, keepdims=True) * counts[:, None]
        new = np.asarray(collect @ resp) + alpha
        new /= new.sum(axis=1, keepdims=True)
        change = float(np.abs(new - theta).max())
        theta, made = new, made + 1
        if tol is not None and change < tol:
            break
    return theta, made, change


def fold_in(phi: np.ndarray, bow: Sequence[Sequence[tuple[int, int]]], alpha: float, tol: float = 1e-9,
            max_iter: int = 2000, batch: int = FOLD_BATCH) -> np.ndarray:
    """Topic proportions of each unit under fixed topics ``phi``: the MAP estimate with a Dirichlet(1 + alpha)
    prior, by EM from the uniform start, stopped at the first update that changes no unit by ``tol`` or
    more. The objective is concave, so the answer has no seed.

    The units are read ``batch`` at a time (a bag-of-words on disk streams): each batch runs to its own
    convergence, then the batches that stopped earlier are taken on to the update where all of them have
    converged, as if all units had been updated together: the same numbers, bit for bit, at any ``batch``."""
    n, k = len(bow), phi.shape[0]
    theta = np.full((n, k), 1.0 / k)
    starts = list(range(0, n, batch))
    made, change, cells = [0] * len(starts), [math.inf] * len(starts), 0
    for b, docs in enumerate(_batches(bow, batch)):
        cells += sum(len(doc) for doc in docs)
        rows = slice(starts[b], starts[b] + len(docs))
        theta[rows], made[b], change[b] = _fold_steps(phi, docs, theta[rows], alpha, max_iter, tol)
    if not cells:  # nothing to fit: every unit keeps the uniform start
        return np.full((n, k), 1.0 / k)
    target = max(made, default=0)
    while any(m < target for m in made) or (target < max_iter and max(change, default=0.0) >= tol):
        if all(m == target for m in made):
            target += 1  # a batch that had converged moved again at the common update: one more for all
        for b, docs in enumerate(_batches(bow, batch)):
            if made[b] < target:
                rows = slice(starts[b], starts[b] + len(docs))
                theta[rows], steps, change[b] = _fold_steps(phi, docs, theta[rows], alpha, target - made[b], None)
                made[b] += steps
    return theta


@dataclass
class Ensemble:
    """Consensus of many seeded runs: topics, unit proportions, and how each run relates to the consensus."""

    seeds: list[int]
    terms: list[str]  # the vocabulary, in dictionary order
    phi: np.ndarray  # consensus topics x terms
    theta: np.ndarray  # units x consensus topics (fold-in under the consensus, no seed)
    run_theta: np.ndarray  # runs x units x topics, each run's own proportions, topics matched to the consensus
    run_top: list[list[list[str]]]  # runs x topics x top terms (by probability), matched to the consensus
    match_cosine: np.ndarray  # runs x topics: cosine of each run's matched topic with the consensus topic
    run_units: list[int] | None = None  # the units the runs were fitted on (rows of run_theta); None: every unit

    def run_rows(self) -> list[int]:
        """The units (rows of ``theta``) behind ``run_theta``'s rows: every unit, or the sample fitted on."""
        return list(range(len(self.theta))) if self.run_units is None else list(self.run_units)

    def recurrence(self, threshold: float = 0.8) -> np.ndarray:
        """Per consensus topic, the share of runs whose matched topic has cosine >= ``threshold`` with it."""
        return (self.match_cosine >= threshold).mean(axis=0)

    def dominant(self) -> np.ndarray:
        """Each unit's dominant consensus topic (1-based)."""
        return self.theta.argmax(axis=1) + 1

    def run_ari(self) -> float:
        """Mean pairwise adjusted Rand index of unit -> dominant topic between the single runs."""
        return topic_metrics.mean_pairwise(list(self.run_theta.argmax(axis=2)), topic_metrics.adjusted_rand)

    def stability(self) -> float:
        """Mean pairwise ranking agreement (average Jaccard, Hungarian-matched) of the single runs' top terms."""
        return topic_metrics.mean_pairwise(self.run_top, topic_metrics.ranking_agreement)

    def to_json(self) -> dict[str, Any]:
        """JSON-able form (for a cache entry)."""
        return caching.jsonable({"seeds": self.seeds, "terms": self.terms, "phi": self.phi, "theta": self.theta,
                                 "run_theta": self.run_theta, "run_top": self.run_top,
                                 "match_cosine": self.match_cosine, "run_units": self.run_units})

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Ensemble:
        """Rebuild from ``to_json``."""
        return cls(list(data["seeds"]), list(data["terms"]), np.array(data["phi"]), np.array(data["theta"]),
                   np.array(data["run_theta"]), data["run_top"], np.array(data["match_cosine"]),
                   data.get("run_units"))


def consensus(runs: Sequence[Run], vocab: Vocabulary, seeds: Sequence[int], alpha: float, topn: int = 10,
              digits: int = 8, run_units: Sequence[int] | None = None) -> Ensemble:
    """The ``Ensemble`` of runs: aligned consensus topics ordered by prevalence (largest first), every unit's
    proportions folded in under them, and every run's matched topics. ``run_units``: the units of ``vocab``
    the runs were fitted on (their theta rows), when not all. Values are rounded to ``digits``."""
    phis = [phi for phi, _ in runs]
    phi, orders = align_runs(phis)
    theta = fold_in(phi, vocab.bow, alpha)
    lengths = np.array([sum(c for _, c in doc) for doc in vocab.bow], dtype=float)
    prevalence = (theta * lengths[:, None]).sum(axis=0)
    by_size = np.argsort(-prevalence, kind="stable")
    phi, theta = phi[by_size], theta[:, by_size]  # the fit is symmetric in the topics: no second fold-in
    orders = [order[by_size] for order in orders]
    terms = [vocab.dictionary[i] for i in range(len(vocab.dictionary))]
    cosines = np.array([_match(phi, run_phi[order])[1] for run_phi, order in zip(phis, orders, strict=True)])
    run_theta = np.array([t[:, order] for (_, t), order in zip(runs, orders, strict=True)])
    run_top = [[[terms[i] for i in row] for row in topic_metrics.top_indices(run_phi[order], topn)]
               for run_phi, order in zip(phis, orders, strict=True)]
    return Ensemble(list(seeds), terms, phi.round(digits), theta.round(digits), run_theta.round(4), run_top,
                    cosines.round(4), None if run_units is None else [int(u) for u in run_units])


def seeded_prior(vocab: Vocabulary, seed_terms: Mapping[str, Sequence[str]], unseeded: int,
                 base: float, boost: float) -> tuple[np.ndarray, list[str], dict[str, list[str]]]:
    """keyATM-style prior for gensim's ``eta`` (Eshima, Imai & Sasaki 2024): one topic per named seed list,
    whose terms get prior ``boost`` in their own topic (``base`` everywhere else), then ``unseeded`` topics.

    Returns eta (topics x terms), topic names, and the seed terms found in the vocabulary per topic.
    """
    names = [*seed_terms, *(f"unseeded {i + 1}" for i in range(unseeded))]
    eta = np.full((len(names), len(vocab.dictionary)), base)
    found: dict[str, list[str]] = {}
    for k, (name, terms) in enumerate(seed_terms.items()):
        ids = sorted({vocab.dictionary.token2id[t] for t in terms if t in vocab.dictionary.token2id})
        eta[k, ids] = boost
        found[name] = [vocab.dictionary[i] for i in ids]
    return eta, names, found


def indicator_tokens(indicators: Sequence[str]) -> list[str]:
    """Codebook indicators as modelling tokens: a phrase joined by "_" (as learned phrases are), a word as is."""
    return sorted({"_".join(i.split()) for i in indicators})


@stage("model comparison")
def run_summary(runs: Sequence[Run], terms: Sequence[str], topn: int, reference: Sequence[Sequence[str]],
                ref_dictionary: Any) -> dict[str, float]:
    """Quality of a family of runs: mean c_v and c_npmi, stability, single-run ARI, shared top terms,
    cosine between topics and exclusivity (each averaged over runs)."""
    tops = [[[terms[i] for i in row] for row in topic_metrics.top_indices(phi, topn)] for phi, _ in runs]
    return {
        "runs": len(runs),
        "c_v": float(np.mean(topic_metrics.coherence_scores(tops, reference, ref_dictionary, "c_v"))),
        "c_npmi": float(np.mean(topic_metrics.coherence_scores(tops, reference, ref_dictionary, "c_npmi"))),
        "stability": topic_metrics.mean_pairwise(tops, topic_metrics.ranking_agreement),
        "single_run_ari": topic_metrics.mean_pairwise([t.argmax(axis=1) for _, t in runs],
                                                      topic_metrics.adjusted_rand),
        "shared_top_terms": float(np.mean([np.mean(topic_metrics.shared_top_terms(t)) for t in tops])),
        "topic_cosine": float(np.mean([topic_metrics.mean_offdiagonal(topic_metrics.topic_cosines(phi))
                                       for phi, _ in runs])),
        "exclusivity": float(np.mean([topic_metrics.exclusivity(phi, topn).mean() for phi, _ in runs])),
    }


_CODE = ("ensemble", "topics", "topic_metrics")  # the code the cached results below depend on


def _key(vocab: Vocabulary, **parts: Any) -> str:
    """Cache key of a computation on ``vocab``: its bags of words and terms, ``parts``, the code, gensim/tomotopy."""
    return caching.cache_key(_CODE, ("gensim", "tomotopy"), bow=topics.bow_digest(vocab.bow),
                             terms=[vocab.dictionary[i] for i in range(len(vocab.dictionary))], **parts)


@stage("final fit")
def robust_topics(vocab: Vocabulary, k: int, seed: int, n_runs: int, other_seeds: Sequence[int] = (),
                  topn: int = 10, n_jobs: int = 2, path: str | Path | None = None, reuse: bool = True,
                  max_units: int | None = None, **params: Any) -> tuple[Ensemble, dict[int, list[int]]]:
    """Consensus topics of ``n_runs`` gensim runs whose seeds are drawn from the master ``seed``, and, for each
    master seed in ``other_seeds``, the unit -> dominant topic of an independent ensemble of as many runs.

    With more than ``max_units`` units, every run is fitted on the same seeded sample of that many units
    (``topics.sample_indices(n, max_units, seed)``, whole dictionary): the consensus topics still give every
    unit its proportions (fold-in), while the runs' own proportions (``run_theta``) cover the sampled units,
    ``Ensemble.run_rows()``, and the other ensembles' dominant topics (compare them with ``dominant()`` of
    those rows). The cost of the fits then stops growing with the corpus.

    Parameters
    ----------
    vocab : units and vocabulary to model.
    k : number of topics.
    seed : master seed; the run seeds are ``ensemble_seeds(seed, n_runs)``.
    n_runs : runs per ensemble (at least 20 for a consensus worth the name).
    other_seeds : further master seeds whose ensembles measure how much the consensus depends on the seeds.
    topn : top terms kept per run topic (stability).
    n_jobs : processes for the fits.
    path, reuse : JSON cache entry keyed by every input and by this code; ``reuse=False`` refits.
    max_units : fit the runs on a seeded sample of this many units when the corpus has more (None: never).
    params : further LdaModel settings.
    """
    alpha = 1.0 / k
    sample = topics.sample_indices(len(vocab.bow), max_units, seed) if max_units else None
    if sample is not None and len(sample) == len(vocab.bow):
        sample = None
    fitted = vocab if sample is None else topics.subset(vocab, sample, cut=False)

    def build(master: int, units: Vocabulary, run_units: list[int] | None) -> Ensemble:
        seeds = ensemble_seeds(master, n_runs)
        return consensus(fit_runs(fitted, k, seeds, n_jobs, **params), units, seeds, alpha, topn,
                         run_units=run_units)

    def compute() -> dict[str, Any]:  # the other ensembles' dominant topics: of the units their runs were fitted on
        return {"ensemble": build(seed, vocab, sample).to_json(),
                "others": {str(m): build(m, fitted, None).dominant().tolist() for m in other_seeds}}

    key = _key(vocab, k=k, seed=seed, n_runs=n_runs, other_seeds=list(other_seeds), topn=topn, params=params,
               **({"sample": sample} if sample is not None else {}))
    data = caching.cached_json(path, key, compute, reuse)
    return Ensemble.from_json(data["ensemble"]), {int(m): p for m, p in data["others"].items()}


def frame_agreement(dominant: Sequence[str], reference: Sequence[str]) -> dict[str, float]:
    """Agreement of unit -> topic name with a reference coding of frames: accuracy and Cohen's kappa (names
    must match to count), adjusted Rand and NMI (label-free: they reward any consistent grouping)."""
    from sklearn.metrics import accuracy_score, cohen_kappa_score

    return {"accuracy": float(accuracy_score(reference, dominant)),
            "kappa": float(cohen_kappa_score(reference, dominant)),
            "ari": topic_metrics.adjusted_rand(reference, dominant),
            "nmi": topic_metrics.normalized_mutual_information(reference, dominant)}


@stage("model comparison")
def compare_models(models: Mapping[str, tuple[str, Vocabulary, int, dict[str, Any]]], seeds: Sequence[int],
                   reference: Sequence[Sequence[str]], topn: int = 10, names: Mapping[str, Sequence[str]] | None = None,
                   frames: Sequence[str] | None = None, n_jobs: int = 2, path: str | Path | None = None,
                   reuse: bool = True) -> pd.DataFrame:
    """One row per model family, each fitted once per seed: ``run_summary`` plus, where ``names`` gives its
    topic names and ``frames`` a reference frame per unit, the mean agreement of unit -> dominant topic name
    with those frames.

    ``models`` maps a family name to (engine, vocabulary, K, settings): engine "gensim" (settings are
    LdaModel parameters, e.g. an ``eta`` matrix) or "tomotopy" (settings: iterations, alpha, eta).
    Cached at ``path`` (a CSV with an ``inputs`` column) keyed by every input and this code.
    """
    from gensim.corpora import Dictionary

    reference = [list(u) for u in reference]
    key = caching.cache_key(_CODE, ("gensim", "tomotopy"), seeds=list(seeds), topn=topn, reference=reference,
                            names=names, frames=list(frames) if frames is not None else None,
                            models={n: (e, topics.bow_digest(v.bow), sorted(v.dictionary.token2id), k,
                                        caching.jsonable(s)) for n, (e, v, k, s) in models.items()})

    def compute() -> pd.DataFrame:
        ref_dict = Dictionary(reference)
        rows = []
        for family, (engine, vocab, k, settings) in models.items():
            runs = (tomotopy_runs(vocab, k, seeds, n_jobs=n_jobs, **settings) if engine == "tomotopy"
                    else fit_runs(vocab, k, seeds, n_jobs, **settings))
            terms = [vocab.dictionary[i] for i in range(len(vocab.dictionary))]
            row = {"model": family, "engine": engine, "units": len(vocab.bow), "k": k,
                   **run_summary(runs, terms, topn, reference, ref_dict)}
            if frames is not None and len(frames) == len(vocab.bow):  # unnamed topics: only ARI and NMI mean something
                named = (names or {}).get(family) or [f"topic {t + 1}" for t in range(k)]
                scores = [frame_agreement([named[i] for i in theta.argmax(axis=1)], frames) for _, theta in runs]
                row.update({f"frames_{m}": (float(np.mean([s[m] for s in scores]))
                                            if (names or {}).get(family) or m in ("ari", "nmi") else np.nan)
                            for m in scores[0]})
            rows.append(row)
        return pd.DataFrame(rows).round(4).assign(inputs=key)

    return caching.cached_frame(path, key, compute, reuse)
