"""Topics: gensim LDA on small corpora: dictionary, K sweep (coherence and stability), final model, pyLDAvis."""

from __future__ import annotations

import hashlib
import json
import logging
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .profiling import stage

LDA_DEFAULTS: dict[str, Any] = {"passes": 10, "iterations": 100, "alpha": "symmetric", "eta": None,
                                "chunksize": 2000, "eval_every": None}
logging.getLogger("gensim").setLevel(logging.WARNING)


def log(message: str) -> None:
    """Timings of long steps on the process's stderr, outside notebooks only: inside a Jupyter kernel they
    would become notebook output that changes from run to run (the notebook shows ``Progress`` instead)."""
    if "ipykernel" not in sys.modules and sys.__stderr__ is not None:
        print(f"[corpus_utils] {message}", file=sys.__stderr__, flush=True)


class Progress:
    """One line of progress in a notebook, updated in place; it ends with the same text whether the work
    was done or read from the cache, so stored notebooks do not depend on the cache."""

    def __init__(self, text: str) -> None:
        self.handle = None
        if "ipykernel" in sys.modules:
            from IPython.display import Pretty, display

            self.handle = display(Pretty(text), display_id=True)

    def update(self, text: str) -> None:
        """Replace the line (in a notebook) or log it (elsewhere)."""
        if self.handle is not None:
            from IPython.display import Pretty

            self.handle.update(Pretty(text))
        else:
            log(text)


@dataclass
class Vocabulary:
    """A gensim Dictionary and bag-of-words corpus, with what filtering removed."""

    dictionary: Any
    bow: list[list[tuple[int, int]]]
    removed: pd.DataFrame
    summary: pd.DataFrame


@stage("dictionary")
def build_vocabulary(unit_tokens: Sequence[Sequence[str]], no_below: int = 2, no_above: float = 1.0) -> Vocabulary:
    """Dictionary and bag-of-words; drop terms in fewer than ``no_below`` units or more than ``no_above`` of them."""
    from gensim.corpora import Dictionary

    dictionary = Dictionary(unit_tokens)
    before = {dictionary[i]: (dictionary.dfs[i], dictionary.cfs[i]) for i in dictionary}
    n_units, n_tokens = len(unit_tokens), sum(len(u) for u in unit_tokens)
    dictionary.filter_extremes(no_below=no_below, no_above=no_above, keep_n=None)
    kept = set(dictionary.token2id)
    removed = pd.DataFrame(
        [(t, df, cf) for t, (df, cf) in before.items() if t not in kept], columns=["term", "units", "count"]
    ).sort_values(["count", "term"], ascending=[False, True], ignore_index=True)
    bow = [dictionary.doc2bow(list(u)) for u in unit_tokens]
    kept_tokens = sum(c for doc in bow for _, c in doc)
    summary = pd.DataFrame({
        "": ["terms (types)", "tokens"],
        "before filtering": [len(before), n_tokens],
        "removed": [len(removed), n_tokens - kept_tokens],
        "kept": [len(dictionary), kept_tokens],
    }).set_index("")
    summary.loc["units"] = [n_units, 0, n_units]
    return Vocabulary(dictionary, bow, removed, summary)


@stage("final fit")
def fit_lda(vocab: Vocabulary, k: int, seed: int, **params: Any) -> Any:
    """A gensim LdaModel (single process, so a fixed seed gives the same model every time)."""
    from gensim.models import LdaModel

    return LdaModel(vocab.bow, id2word=vocab.dictionary, num_topics=k, random_state=seed,
                    **{**LDA_DEFAULTS, **params})


def top_terms(model: Any, n: int = 10) -> list[list[str]]:
    """Top-n terms of each topic, in gensim's topic order."""
    return [[term for term, _ in model.show_topic(t, topn=n)] for t in range(model.num_topics)]


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


def coherence_scores(topics: Sequence[Sequence[Sequence[str]]], unit_tokens: Sequence[Sequence[str]],
                     dictionary: Any, measure: str) -> list[float]:
    """Mean coherence of each model's topics, all models scored from one shared co-occurrence count."""
    from gensim.models.coherencemodel import CoherenceModel

    flat = [t for model_topics in topics for t in model_topics]
    cm = CoherenceModel(topics=flat, texts=[list(u) for u in unit_tokens], dictionary=dictionary,
                        coherence=measure, processes=1, topn=len(flat[0]))
    per_topic = cm.get_coherence_per_topic()
    out, start = [], 0
    for model_topics in topics:
        out.append(float(np.mean(per_topic[start : start + len(model_topics)])))
        start += len(model_topics)
    return out


def cache_key(**parts: Any) -> str:
    """A short sha256 of the JSON of the inputs (and gensim's version): the name of a cache entry."""
    import gensim

    text = json.dumps({**parts, "gensim": gensim.__version__}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def cached_frame(folder: str | Path | None, key: str, compute: Callable[[], pd.DataFrame],
                 published: str | Path | None = None, prefix: str = "") -> pd.DataFrame:
    """The frame for ``key``: from ``published`` if that table exists and its ``inputs`` column is ``key``,
    else from ``folder/{prefix}{key}.csv``, else computed (and written there)."""
    if published is not None and Path(published).exists():
        table = pd.read_csv(published, dtype={"inputs": str})
        if "inputs" in table and len(table) and set(table["inputs"].astype(str)) == {key}:
            return table
    if folder is None:
        return compute()
    path = Path(folder) / f"{prefix}{key}.csv"
    if path.exists():
        return pd.read_csv(path, dtype={"inputs": str})
    frame = compute()
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False)
    return frame


def lda_passes(n_units: int, budget: int = 2500, most: int = 10, least: int = 2) -> int:
    """Passes for an LDA fit: ``most`` on a small corpus, ``budget / n_units`` as it grows, at least ``least``."""
    return int(min(most, max(least, budget // max(n_units, 1))))


def sample_indices(n_units: int, max_units: int, seed: int) -> list[int]:
    """Units a K sweep uses: all of them up to ``max_units``, else a seeded random sample of that size (sorted)."""
    if n_units <= max_units:
        return list(range(n_units))
    return sorted(int(i) for i in np.random.default_rng(seed).choice(n_units, size=max_units, replace=False))


def subset(vocab: Vocabulary, indices: Sequence[int]) -> Vocabulary:
    """The same dictionary with the bag-of-words of the given units only."""
    return Vocabulary(vocab.dictionary, [vocab.bow[i] for i in indices], vocab.removed, vocab.summary)


_SHARED: dict[str, Any] = {}  # inputs of pool workers, inherited through fork rather than pickled per task


def _fit_top_terms(job: tuple[str, int, int, dict[str, Any], int]) -> list[list[str]]:
    """Worker: fit one model and return its top terms (top level, so a process pool can run it)."""
    unit, k, seed, params, topn = job
    return top_terms(fit_lda(_SHARED["vocabs"][unit], k, seed, **params), topn)


def _pool(n_jobs: int) -> Any:
    """A process pool that forks (so workers inherit ``_SHARED``)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(n_jobs, mp_context=multiprocessing.get_context("fork"))


def _fit_tasks(vocabs: Mapping[str, Vocabulary], tasks: Sequence[tuple[str, int, int, dict[str, Any], int]],
               n_jobs: int) -> list[list[list[str]]]:
    """Top terms for each (unit, K, seed, params, topn) task, in task order, fitted in ``n_jobs`` processes."""
    _SHARED["vocabs"] = vocabs
    try:
        if n_jobs <= 1:
            return [_fit_top_terms(t) for t in tasks]
        # largest fits first, so that no worker is left alone with a long fit at the end
        order = sorted(range(len(tasks)), key=lambda i: (-len(vocabs[tasks[i][0]].bow) * tasks[i][3].get(
            "passes", LDA_DEFAULTS["passes"]), -tasks[i][1], i))
        with _pool(n_jobs) as pool:
            done = list(pool.map(_fit_top_terms, [tasks[i] for i in order]))
        results: list[list[list[str]]] = [[] for _ in tasks]
        for i, terms in zip(order, done, strict=True):
            results[i] = terms
        return results
    finally:
        _SHARED.pop("vocabs", None)


def fit_many(vocab: Vocabulary, jobs: Sequence[tuple[int, int]], params: dict[str, Any], topn: int,
             n_jobs: int = 2, progress: bool = True) -> dict[tuple[int, int], list[list[str]]]:
    """Top terms of one model per (K, seed), fitted in ``n_jobs`` processes (each fit is seeded, so the
    result does not depend on scheduling)."""
    start = time.perf_counter()
    results = _fit_tasks({"": vocab}, [("", k, s, params, topn) for k, s in jobs], n_jobs)
    if progress:
        log(f"fitted {len(jobs)} models in {time.perf_counter() - start:.1f} s")
    return dict(zip(jobs, results, strict=True))


def _coherence_task(job: tuple[str, str]) -> list[float]:
    """Worker: one coherence measure for every model of one unit type."""
    unit, measure = job
    return coherence_scores(_SHARED["runs"][unit], _SHARED["reference"], _SHARED["ref_dict"], measure)


@stage("K sweep")
def k_sweep(unit_tokens: Sequence[Sequence[str]] | None, vocab: Vocabulary | Mapping[str, Vocabulary],
            ks: Sequence[int], seeds: Sequence[int], reference: Sequence[Sequence[str]] | None = None,
            topn: int = 10, n_jobs: int = 2, cache_dir: str | Path | None = None, progress: bool = True,
            published: str | Path | None = None, passes_budget: int | None = None,
            **params: Any) -> pd.DataFrame:
    """Every (unit type, K, seed) run: c_v and c_npmi coherence and stability (mean agreement with the other seeds).

    ``vocab`` is one vocabulary, or a mapping unit name -> vocabulary whose runs are fitted in one pool.
    Coherence is measured on ``reference`` texts (default: ``unit_tokens``), so that models fitted on
    different units are scored against the same co-occurrence counts. With ``passes_budget``, each unit
    type gets ``lda_passes(units, passes_budget)`` passes. The result is cached in ``cache_dir`` and
    reused from ``published`` (the table the caller writes), both keyed by every input.
    """
    vocabs = dict(vocab) if isinstance(vocab, Mapping) else {"": vocab}
    reference = [list(u) for u in (reference if reference is not None else unit_tokens or [])]
    unit_params = {name: {**params, **({"passes": lda_passes(len(v.bow), passes_budget)} if passes_budget else {})}
                   for name, v in vocabs.items()}
    key = cache_key(bow={n: v.bow for n, v in vocabs.items()}, reference=reference, ks=list(ks), seeds=list(seeds),
                    topn=topn, params={n: {**LDA_DEFAULTS, **p} for n, p in unit_params.items()},
                    vocab={n: sorted(v.dictionary.token2id) for n, v in vocabs.items()})
    n_runs = len(ks) * len(seeds) * len(vocabs)
    n_units = "+".join(str(len(v.bow)) for v in vocabs.values())
    bar = Progress(f"K sweep: {n_runs} runs ({n_units} units) ...") if progress else None

    def compute() -> pd.DataFrame:
        from gensim.corpora import Dictionary

        if bar:
            bar.update(f"K sweep: fitting {n_runs} models on {n_units} units in {n_jobs} processes ...")
        jobs = [(name, k, s) for name in vocabs for k in ks for s in seeds]
        t0 = time.perf_counter()
        fitted = _fit_tasks(vocabs, [(n, k, s, unit_params[n], topn) for n, k, s in jobs], n_jobs)
        terms = dict(zip(jobs, fitted, strict=True))
        if progress:
            log(f"fitted {len(jobs)} models in {time.perf_counter() - t0:.1f} s")
        if bar:
            bar.update(f"K sweep: scoring coherence of {n_runs} models ...")
        t0 = time.perf_counter()
        _SHARED.update(runs={n: [terms[(n, k, s)] for k in ks for s in seeds] for n in vocabs},
                       reference=reference, ref_dict=Dictionary(reference))
        measures = [(n, m) for n in vocabs for m in ("c_v", "c_npmi")]
        try:
            if n_jobs <= 1:
                scored = [_coherence_task(j) for j in measures]
            else:
                with _pool(n_jobs) as pool:
                    scored = list(pool.map(_coherence_task, measures))
        finally:
            for name in ("runs", "reference", "ref_dict"):
                _SHARED.pop(name, None)
        coherence = dict(zip(measures, scored, strict=True))
        if progress:
            log(f"scored coherence of {n_runs} models in {time.perf_counter() - t0:.1f} s")
        rows = []
        for name, v in vocabs.items():
            for ki, k in enumerate(ks):
                agree = np.eye(len(seeds))
                for i, j in combinations(range(len(seeds)), 2):
                    agree[i, j] = agree[j, i] = ranking_agreement(terms[(name, k, seeds[i])],
                                                                  terms[(name, k, seeds[j])])
                for i, s in enumerate(seeds):
                    stability = (agree[i].sum() - 1) / (len(seeds) - 1) if len(seeds) > 1 else float("nan")
                    n = ki * len(seeds) + i
                    rows.append({"unit": name, "units": len(v.bow),
                                 "passes": {**LDA_DEFAULTS, **unit_params[name]}["passes"], "k": k, "seed": s,
                                 "c_v": coherence[(name, "c_v")][n], "c_npmi": coherence[(name, "c_npmi")][n],
                                 "stability": stability})
        return pd.DataFrame(rows).round(4).assign(inputs=key)

    frame = cached_frame(cache_dir, key, compute, published, prefix="k_sweep_")
    if bar:
        bar.update(f"K sweep: {n_runs} runs on {n_units} units, scored")
    return frame if not isinstance(vocab, Vocabulary) else frame.drop(columns=["unit"], errors="ignore")


def summarise_sweep(sweep: pd.DataFrame, by: Sequence[str] = ("k",)) -> pd.DataFrame:
    """Per K (or per unit type and K): mean, min and max over seeds of c_v, c_npmi and stability."""
    stats = sweep.groupby(list(by))[["c_v", "c_npmi", "stability"]].agg(["mean", "min", "max"])
    stats.columns = [f"{m}_{s}" for m, s in stats.columns]
    return stats.reset_index()


def choose_k(sweep: pd.DataFrame, by: Sequence[str] = ("k",)) -> tuple[dict[str, Any], pd.DataFrame]:
    """The run settings (K, or unit type and K) with the best combined score, and the score table.

    Rule: average c_v, c_npmi and stability over seeds; min-max scale each criterion over all
    candidates (1 = best candidate, 0 = worst; a criterion flat over candidates scores 0); the score
    is the mean of the three scaled criteria. The highest score wins; ties go to the smaller K.
    """
    table = summarise_sweep(sweep, by)[[*by, "c_v_mean", "c_npmi_mean", "stability_mean"]].copy()
    for col in ["c_v_mean", "c_npmi_mean", "stability_mean"]:
        span = table[col].max() - table[col].min()
        table[col.replace("_mean", "_scaled")] = (table[col] - table[col].min()) / span if span > 0 else 0.0
    table["score"] = table[["c_v_scaled", "c_npmi_scaled", "stability_scaled"]].mean(axis=1).round(4)
    best = table.sort_values(["score", "k"], ascending=[False, True]).iloc[0]
    choice = {key: (int(best[key]) if key == "k" else best[key]) for key in by}
    return choice, table.round(4)


@stage("final fit")
def topic_term_table(model: Any, vocab: Vocabulary, labels: dict[int, str], n: int = 10,
                     lam: float = 0.6) -> pd.DataFrame:
    """Top-n terms per topic (1-based, as in pyLDAvis): label, rank, term, probability, relevance at lambda."""
    phi = model.get_topics()  # topics x terms
    counts = np.zeros(phi.shape[1])
    for doc in vocab.bow:
        for i, c in doc:
            counts[i] += c
    p_w = counts / counts.sum()
    rows = []
    for t in range(model.num_topics):
        relevance = lam * np.log(phi[t]) + (1 - lam) * np.log(phi[t] / p_w)
        for rank, idx in enumerate(np.argsort(-phi[t], kind="stable")[:n], start=1):
            rows.append({"topic": t + 1, "label": labels.get(t + 1, ""), "rank": rank,
                         "term": vocab.dictionary[int(idx)], "probability": round(float(phi[t, idx]), 4),
                         "relevance": round(float(relevance[idx]), 4)})
    return pd.DataFrame(rows)


@stage("final fit")
def unit_topics(model: Any, vocab: Vocabulary) -> np.ndarray:
    """Units x topics matrix of topic proportions (every topic, no minimum probability)."""
    out = np.zeros((len(vocab.bow), model.num_topics))
    for i, doc in enumerate(vocab.bow):
        for t, p in model.get_document_topics(doc, minimum_probability=0.0):
            out[i, t] = p
    return out


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


@stage("pyLDAvis")
def prepare_ldavis(model: Any, vocab: Vocabulary) -> Any:
    """pyLDAvis PreparedData with gensim's topic order kept (pyLDAvis topic t+1 is gensim topic t)."""
    import pyLDAvis.gensim_models

    return pyLDAvis.gensim_models.prepare(model, vocab.bow, vocab.dictionary, sort_topics=False,
                                          mds="pcoa", n_jobs=1)


def _ldavis_assets() -> tuple[str, str, str]:
    """The d3, LDAvis and CSS sources shipped in the pyLDAvis wheel."""
    js = resources.files("pyLDAvis").joinpath("js")
    return (js.joinpath("d3.v5.min.js").read_text(encoding="utf-8"),
            js.joinpath("ldavis.v3.0.0.js").read_text(encoding="utf-8"),
            js.joinpath("ldavis.v1.0.0.css").read_text(encoding="utf-8"))


@stage("pyLDAvis")
def ldavis_fragment(prepared: Any, visid: str = "ldavis_topics") -> str:
    """Self-contained HTML for a notebook output: d3, LDAvis and CSS inlined, a fixed element id, no network.

    d3 is loaded with AMD ``define`` hidden, so it sets the global ``d3`` even where require.js is present.
    """
    d3, ldavis, css = _ldavis_assets()
    data = prepared.to_json()
    return (
        f'<style>{css}</style>\n<div id="{visid}" style="background-color:white;"></div>\n'
        f"<script>(function(define, exports, module) {{\n{d3}\n}}).call(window);</script>\n"
        f"<script>if (typeof LDAvis === 'undefined') {{\n{ldavis}\nwindow.LDAvis = LDAvis;\n}}</script>\n"
        f'<script>new LDAvis("#{visid}", {data});</script>\n'
    )


@stage("pyLDAvis")
def ldavis_page(prepared: Any, title: str, visid: str = "ldavis_topics") -> str:
    """A complete self-contained HTML page of the pyLDAvis view (no request leaves the page)."""
    return (
        f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>{title}</title>\n'
        f"</head>\n<body>\n<h1 style=\"font-family:sans-serif;font-size:18px\">{title}</h1>\n"
        f"{ldavis_fragment(prepared, visid)}</body>\n</html>\n"
    )


def k_range(k_min: int, k_max: int, n_units: int, units_per_topic: int = 4) -> list[int]:
    """The K values to sweep: k_min..k_max, capped so that each topic has at least ``units_per_topic`` units."""
    return list(range(k_min, max(k_min, min(k_max, n_units // units_per_topic)) + 1))
