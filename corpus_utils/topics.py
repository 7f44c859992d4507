"""Topics: gensim LDA on small corpora: dictionary, K sweep (coherence and stability), final model, pyLDAvis."""

from __future__ import annotations

import hashlib
import json
import logging
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

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


def cached_frame(folder: str | Path | None, key: str, compute: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """Read ``folder/key.csv`` if it exists, else compute the frame and write it there."""
    if folder is None:
        return compute()
    path = Path(folder) / f"{key}.csv"
    if path.exists():
        return pd.read_csv(path)
    frame = compute()
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False)
    return frame


def _fit_top_terms(job: tuple[Vocabulary, int, int, dict[str, Any], int]) -> list[list[str]]:
    """Worker: fit one model and return its top terms (top level, so a process pool can run it)."""
    vocab, k, seed, params, topn = job
    return top_terms(fit_lda(vocab, k, seed, **params), topn)


def fit_many(vocab: Vocabulary, jobs: Sequence[tuple[int, int]], params: dict[str, Any], topn: int,
             n_jobs: int = 2, progress: bool = True) -> dict[tuple[int, int], list[list[str]]]:
    """Top terms of one model per (K, seed), fitted in ``n_jobs`` processes (each fit is seeded, so the
    result does not depend on scheduling)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    tasks = [(vocab, k, s, params, topn) for k, s in jobs]
    start = time.perf_counter()
    if n_jobs <= 1:
        results = [_fit_top_terms(t) for t in tasks]
    else:
        with ProcessPoolExecutor(n_jobs, mp_context=multiprocessing.get_context("fork")) as pool:
            results = list(pool.map(_fit_top_terms, tasks, chunksize=max(1, len(tasks) // (4 * n_jobs))))
    if progress:
        log(f"fitted {len(tasks)} models in {time.perf_counter() - start:.1f} s")
    return dict(zip(jobs, results, strict=True))


def k_sweep(unit_tokens: Sequence[Sequence[str]], vocab: Vocabulary, ks: Sequence[int], seeds: Sequence[int],
            reference: Sequence[Sequence[str]] | None = None, topn: int = 10, n_jobs: int = 2,
            cache_dir: str | Path | None = None, progress: bool = True, **params: Any) -> pd.DataFrame:
    """Every (K, seed) run: c_v and c_npmi coherence and stability (mean agreement with the other seeds).

    Coherence is measured on ``reference`` texts (default: the modelled units), so that models fitted on
    different units can be scored against the same co-occurrence counts.
    """
    reference = [list(u) for u in (reference if reference is not None else unit_tokens)]
    key = cache_key(tokens=[list(u) for u in unit_tokens], reference=reference, ks=list(ks), seeds=list(seeds),
                    topn=topn, params={**LDA_DEFAULTS, **params}, vocab=sorted(vocab.dictionary.token2id))

    n_runs = len(ks) * len(seeds)
    bar = Progress(f"K sweep: {n_runs} runs ({len(unit_tokens)} units) ...") if progress else None

    def compute() -> pd.DataFrame:
        from gensim.corpora import Dictionary

        jobs = [(k, s) for k in ks for s in seeds]
        if bar:
            bar.update(f"K sweep: fitting {n_runs} models on {len(unit_tokens)} units in {n_jobs} processes ...")
        terms = fit_many(vocab, jobs, params, topn, n_jobs, progress)
        if bar:
            bar.update(f"K sweep: scoring coherence of {n_runs} models ...")
        ref_dict = Dictionary(reference)
        runs = [terms[j] for j in jobs]
        t0 = time.perf_counter()
        c_v = coherence_scores(runs, reference, ref_dict, "c_v")
        c_npmi = coherence_scores(runs, reference, ref_dict, "c_npmi")
        if progress:
            log(f"scored coherence of {len(runs)} models in {time.perf_counter() - t0:.1f} s")
        rows = []
        for k in ks:
            agree = np.eye(len(seeds))
            for i, j in combinations(range(len(seeds)), 2):
                agree[i, j] = agree[j, i] = ranking_agreement(terms[(k, seeds[i])], terms[(k, seeds[j])])
            for i, s in enumerate(seeds):
                stability = (agree[i].sum() - 1) / (len(seeds) - 1) if len(seeds) > 1 else float("nan")
                n = jobs.index((k, s))
                rows.append({"k": k, "seed": s, "c_v": c_v[n], "c_npmi": c_npmi[n], "stability": stability})
        return pd.DataFrame(rows).round(4)

    frame = cached_frame(cache_dir, f"k_sweep_{key}", compute)
    if bar:
        bar.update(f"K sweep: {n_runs} runs on {len(unit_tokens)} units, scored")
    return frame


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


def unit_topics(model: Any, vocab: Vocabulary) -> np.ndarray:
    """Units x topics matrix of topic proportions (every topic, no minimum probability)."""
    out = np.zeros((len(vocab.bow), model.num_topics))
    for i, doc in enumerate(vocab.bow):
        for t, p in model.get_document_topics(doc, minimum_probability=0.0):
            out[i, t] = p
    return out


def representative_units(theta: np.ndarray, units: pd.DataFrame, n: int = 2) -> pd.DataFrame:
    """For each topic (1-based), the ``n`` units with the highest proportion of it."""
    rows = []
    for t in range(theta.shape[1]):
        for idx in np.argsort(-theta[:, t], kind="stable")[:n]:
            unit = units.iloc[int(idx)]
            rows.append({"topic": t + 1, "proportion": round(float(theta[idx, t]), 2), "doc_id": unit["doc_id"],
                         "heading": unit["heading"], "text": unit["text"]})
    return pd.DataFrame(rows)


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
