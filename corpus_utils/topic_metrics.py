"""Topic metrics: stability of rankings, coherence, relevance, FREX, exclusivity and distinctness of topics,
and agreement of unit-to-topic assignments (all on plain arrays and term lists, no model objects)."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations
from typing import Any

import numpy as np


def average_jaccard(r1: Sequence[str], r2: Sequence[str], depth: int | None = None) -> float:
    """Average Jaccard of two rankings over depths 1..depth (Greene, O'Callaghan & Cunningham 2014)."""
    depth = depth or min(len(r1), len(r2))
    total = 0.0
    for d in range(1, depth + 1):
        a, b = set(r1[:d]), set(r2[:d])
        total += len(a & b) / len(a | b)
    return total / depth


def ranking_agreement(run1: Sequence[Sequence[str]], run2: Sequence[Sequence[str]]) -> float:
    """Agreement of two topic models: mean average-Jaccard of topics matched by the Hungarian algorithm."""
    from scipy.optimize import linear_sum_assignment

    sim = np.array([[average_jaccard(a, b) for b in run2] for a in run1])
    rows, cols = linear_sum_assignment(sim, maximize=True)
    return float(sim[rows, cols].mean())


def mean_pairwise(values: Sequence[Any], measure: Any) -> float:
    """Mean of ``measure(a, b)`` over all unordered pairs of ``values`` (nan for fewer than two)."""
    pairs = [measure(a, b) for a, b in combinations(values, 2)]
    return float(np.mean(pairs)) if pairs else float("nan")


def coherence_scores(topics: Sequence[Sequence[Sequence[str]]], unit_tokens: Sequence[Sequence[str]],
                     dictionary: Any, measure: str) -> list[float]:
    """Mean coherence of each model's topics, all models scored from one shared co-occurrence count (terms
    absent from the reference ``dictionary`` are left out of a topic's list)."""
    from gensim.models.coherencemodel import CoherenceModel

    flat = [[w for w in t if w in dictionary.token2id] for model_topics in topics for t in model_topics]
    cm = CoherenceModel(topics=flat, texts=[list(u) for u in unit_tokens], dictionary=dictionary,
                        coherence=measure, processes=1, topn=max(len(t) for t in flat))
    per_topic = cm.get_coherence_per_topic()
    out, start = [], 0
    for model_topics in topics:
        out.append(float(np.mean(per_topic[start : start + len(model_topics)])))
        start += len(model_topics)
    return out


def relevance(phi: np.ndarray, term_share: np.ndarray, lam: float = 0.6) -> np.ndarray:
    """pyLDAvis relevance (Sievert & Shirley 2014): lam log p(w|k) + (1 - lam) log(p(w|k) / p(w)); topics x terms."""
    with np.errstate(divide="ignore"):
        log_phi = np.log(phi)
        return lam * log_phi + (1 - lam) * (log_phi - np.log(term_share)[None, :])


def _ecdf_rank(values: np.ndarray) -> np.ndarray:
    """Each value's rank among its row, divided by the row length (1 = largest; ties share the mean rank)."""
    from scipy.stats import rankdata

    return rankdata(values, axis=1) / values.shape[1]


def frex(phi: np.ndarray, w: float = 0.5) -> np.ndarray:
    """FREX (Roberts et al., stm's ``calcfrex`` without shrinkage): per topic, the weighted harmonic mean of a
    term's frequency rank and exclusivity rank (ECDF over terms); w weights exclusivity. Topics x terms."""
    exclusive = phi / phi.sum(axis=0, keepdims=True)
    return 1.0 / (w / _ecdf_rank(exclusive) + (1 - w) / _ecdf_rank(phi))


def exclusivity(phi: np.ndarray, top: int = 10, w: float = 0.7) -> np.ndarray:
    """stm's ``exclusivity``: per topic, the sum of FREX (weight ``w``) over its ``top`` most probable terms
    (at most ``top``: every top term exclusive and frequent)."""
    scores = frex(phi, w)
    best = np.argsort(-phi, axis=1, kind="stable")[:, :top]
    return np.take_along_axis(scores, best, axis=1).sum(axis=1)


def top_indices(scores: np.ndarray, n: int) -> np.ndarray:
    """Per topic, the indices of the ``n`` highest scores (ties: lower index first)."""
    return np.argsort(-scores, axis=1, kind="stable")[:, :n]


def shared_top_terms(top: Sequence[Sequence[str]]) -> list[int]:
    """Per topic, how many of its top terms also appear among the top terms of another topic."""
    out = []
    for k, terms in enumerate(top):
        others = set().union(*(set(t) for j, t in enumerate(top) if j != k))
        out.append(len(set(terms) & others))
    return out


def topic_cosines(phi: np.ndarray) -> np.ndarray:
    """Cosine similarity between the topic-word distributions of every pair of topics (K x K)."""
    unit = phi / np.linalg.norm(phi, axis=1, keepdims=True)
    return unit @ unit.T


def mean_offdiagonal(matrix: np.ndarray) -> float:
    """Mean of the entries above the diagonal (nan for a 1 x 1 matrix)."""
    upper = matrix[np.triu_indices(matrix.shape[0], 1)]
    return float(upper.mean()) if upper.size else float("nan")


def adjusted_rand(a: Sequence[Any], b: Sequence[Any]) -> float:
    """Adjusted Rand index of two partitions (scikit-learn): 1 identical, about 0 at chance."""
    from sklearn.metrics import adjusted_rand_score

    return float(adjusted_rand_score(a, b))


def normalized_mutual_information(a: Sequence[Any], b: Sequence[Any]) -> float:
    """Normalised mutual information of two labellings (scikit-learn, arithmetic mean normalisation)."""
    from sklearn.metrics import normalized_mutual_info_score

    return float(normalized_mutual_info_score(a, b))
