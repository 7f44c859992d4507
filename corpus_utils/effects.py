"""Effects: topic or frame prevalence modelled on document metadata, like stm's ``estimateEffect``: a linear
model per outcome on the group and, when documents are dated, a smooth trend in time (a restricted cubic
spline); uncertainty by the method of composition over a topic model's runs, or by a bootstrap."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .profiling import stage
from .stats import holm

MIN_DATES = 4  # distinct dates below which time is not modelled (a trend needs more than a few points)
MIN_DATED_SHARE = 0.5  # share of units with a date needed to model time (the undated are then left out)
GRID = 40  # dates on which the expected prevalence is shown
LEVEL = 0.95
BOOT_BATCH = 100  # bootstrap replicates computed together (memory: this many x clusters counts)
EFFECT_COLUMNS = ["outcome", "contrast", "group", "reference", "estimate", "ci_low", "ci_high", "p_value", "p_holm",
                  "n_units", "n_docs", "uncertainty"]
TREND_COLUMNS = ["outcome", "group", "date", "estimate", "ci_low", "ci_high"]


@dataclass(frozen=True)
class Design:
    """The model's design: matrix (units used x terms), term names, group levels (the first is the reference),
    which units are used, their clusters, the date basis (knots in years since ``origin``) and a note."""

    matrix: np.ndarray
    terms: list[str]
    levels: list[str]
    used: np.ndarray
    clusters: np.ndarray
    group_index: np.ndarray  # the level of each used unit
    n_docs: int
    knots: tuple[float, ...] | None
    origin: dt.date | None
    span: tuple[float, float] | None
    note: str


def spline_basis(years: np.ndarray, knots: Sequence[float]) -> np.ndarray:
    """Restricted (natural) cubic spline basis (Harrell): the linear term, then one column per inner knot;
    linear beyond the outer knots, so the trend does not swing at the ends."""
    x = np.asarray(years, dtype=float)
    columns = [x]
    t = np.asarray(knots, dtype=float)
    if len(t) >= 3:
        k, scale = len(t), (t[-1] - t[0]) ** 2

        def cube(v: np.ndarray) -> np.ndarray:
            return np.clip(v, 0, None) ** 3

        for j in range(k - 2):
            columns.append((cube(x - t[j]) - cube(x - t[-2]) * (t[-1] - t[j]) / (t[-1] - t[-2])
                            + cube(x - t[-1]) * (t[-2] - t[j]) / (t[-1] - t[-2])) / scale)
    return np.column_stack(columns)


def _knots(years: np.ndarray) -> tuple[float, ...]:
    """Knots at Harrell's quantiles of the distinct dates: 3 knots below 10 distinct dates, else 4; none
    (a straight line) below ``MIN_DATES``."""
    distinct = np.unique(years)
    if len(distinct) < MIN_DATES:
        return ()
    quantiles = (0.1, 0.5, 0.9) if len(distinct) < 10 else (0.05, 0.35, 0.65, 0.95)
    return tuple(float(q) for q in np.quantile(distinct, quantiles))


def design(doc_ids: Sequence[str], groups: Mapping[str, str], dates: Mapping[str, str] | None = None) -> Design:
    """The design for units of documents ``doc_ids``: an intercept, one indicator per group but the first
    (sorted), and a spline in the date when enough units are dated (else time is left out and the note says
    why). Units are clustered by document when groups hold several documents, else each unit is its own.

    Parameters
    ----------
    doc_ids : sequence of str
        The document of each unit (section or paragraph), in the order of the outcomes.
    groups : mapping
        doc_id -> group (e.g. ``loading.comparison_groups``).
    dates : mapping, optional
        doc_id -> YYYY-MM-DD ('' when unknown), e.g. the ``date`` column of ``loading.load_metadata``.
    """
    docs = np.asarray(doc_ids, dtype=object)
    group = np.array([groups.get(d, "") for d in docs], dtype=object)
    parsed = np.array([_years(dates.get(d, "")) if dates else np.nan for d in docs])
    dated = ~np.isnan(parsed)
    notes = []
    use_time = bool(dates) and dated.mean() >= MIN_DATED_SHARE and len(np.unique(parsed[dated])) >= 2
    if dates and not use_time:
        distinct = len(np.unique(parsed[dated]))
        notes.append(f"time not modelled: {dated.mean():.0%} of units dated, {distinct} distinct date(s)")
    used = dated if use_time else np.ones(len(docs), dtype=bool)
    if use_time and not dated.all():
        notes.append(f"{int((~dated).sum())} of {len(docs)} units left out: their document has no date")
    levels = sorted(set(group[used]))
    columns = [np.ones(int(used.sum()))] + [(group[used] == g).astype(float) for g in levels[1:]]
    terms = ["(intercept)"] + [f"group: {g}" for g in levels[1:]]
    knots, origin, span = None, None, None
    if use_time:
        first = float(parsed[used].min())
        origin = _date(first)
        years = parsed[used] - first
        knots = _knots(years)
        basis = spline_basis(years, knots)
        columns += list(basis.T)
        terms += ["time (years)"] + [f"time spline {j + 1}" for j in range(basis.shape[1] - 1)]
        span = (float(years.min()), float(years.max()))
    matrix = np.column_stack(columns)
    per_group = len(set(docs[used])) / max(len(levels), 1)
    clusters = docs[used] if per_group >= 2 else np.arange(int(used.sum())).astype(str)
    rank = np.linalg.matrix_rank(matrix)
    if rank < matrix.shape[1]:
        notes.append(f"design has rank {rank} of {matrix.shape[1]} terms: groups and time are confounded")
    index = np.array([levels.index(g) for g in group[used]], dtype=int)
    return Design(matrix, terms, levels, used, np.asarray(clusters, dtype=object), index, len(set(docs[used])),
                  knots, origin, span, "; ".join(notes))


def _years(value: str) -> float:
    """Years since 1970 of a YYYY-MM-DD date (NaN when empty or not a date)."""
    try:
        return (dt.date.fromisoformat(str(value)[:10]) - dt.date(1970, 1, 1)).days / 365.25
    except ValueError:
        return float("nan")


def _date(years: float) -> dt.date:
    """The date ``years`` after 1970-01-01."""
    return dt.date(1970, 1, 1) + dt.timedelta(days=round(years * 365.25))


def _rows(d: Design, group: str, years: np.ndarray) -> np.ndarray:
    """Design rows for one group at times ``years`` (since the first date; ignored without time)."""
    dummies = [np.full(len(years), float(group == g)) for g in d.levels[1:]]
    columns = [np.ones(len(years)), *dummies]
    if d.knots is not None:
        columns += list(spline_basis(years, d.knots).T)
    return np.column_stack(columns)


def coefficients(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Least-squares coefficients (terms x outcomes) of every column of ``y`` on ``x``."""
    return np.linalg.pinv(x.T @ x) @ (x.T @ y)


def ols(x: np.ndarray, y: np.ndarray, clusters: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Least squares of every column of ``y`` on ``x``: coefficients (terms x outcomes) and their
    cluster-robust covariance (outcomes x terms x terms, CR1; with one unit per cluster, HC1)."""
    bread = np.linalg.pinv(x.T @ x)
    beta = bread @ x.T @ y
    resid = y - x @ beta
    codes, index = np.unique(clusters, return_inverse=True)
    n, p, g = x.shape[0], x.shape[1], len(codes)
    factor = g / max(g - 1, 1) * (n - 1) / max(n - p, 1)
    cov = np.empty((y.shape[1], p, p))
    for k in range(y.shape[1]):
        scores = np.zeros((g, p))
        np.add.at(scores, index, x * resid[:, [k]])
        cov[k] = factor * bread @ (scores.T @ scores) @ bread
    return beta, cov


def _p_values(draws: np.ndarray) -> np.ndarray:
    """Two-sided p-values of 'the effect is zero' from simulation draws (draws x effects), never below
    1 / (draws + 1)."""
    n = draws.shape[0]
    below = ((draws <= 0).sum(axis=0) + 1) / (n + 1)
    above = ((draws >= 0).sum(axis=0) + 1) / (n + 1)
    return np.minimum(1.0, 2 * np.minimum(below, above))


def _contrasts(d: Design) -> tuple[list[tuple[str, str, str]], np.ndarray]:
    """(name, group, reference) and rows (contrasts x terms) of the effects reported: each group against the
    reference group, and, with time, the change from the 10th to the 90th percentile date."""
    names, rows = [], []
    for j, g in enumerate(d.levels[1:], start=1):
        row = np.zeros(len(d.terms))
        row[j] = 1.0
        names.append((f"{g} vs {d.levels[0]}", g, d.levels[0]))
        rows.append(row)
    if d.knots is not None:
        start = len(d.levels)
        years = d.matrix[:, start]
        lo, hi = np.quantile(years, [0.1, 0.9])
        if hi > lo:
            basis = spline_basis(np.array([lo, hi]), d.knots)
            row = np.zeros(len(d.terms))
            row[start:] = basis[1] - basis[0]
            names.append((f"time: {_date(lo + _origin_years(d))} to {_date(hi + _origin_years(d))}", "", ""))
            rows.append(row)
    return names, np.array(rows).reshape(len(rows), len(d.terms))


def _origin_years(d: Design) -> float:
    """Years since 1970 of the design's first date."""
    return _years(d.origin.isoformat()) if d.origin else 0.0


def _tables(d: Design, center: np.ndarray, draws: np.ndarray, outcomes: Sequence[str], uncertainty: str
            ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Effects and trends from the point estimate ``center`` (terms x outcomes) and coefficient draws
    (draws x terms x outcomes): estimates, percentile intervals, p-values (Holm over the whole table)."""
    lo, hi = (1 - LEVEL) / 2, (1 + LEVEL) / 2
    names, rows = _contrasts(d)
    effects = []
    if len(names):
        est = rows @ center
        sims = np.einsum("ct,stk->sck", rows, draws)
        p = _p_values(sims.reshape(sims.shape[0], -1)).reshape(len(names), len(outcomes))
        for c, name in enumerate(names):
            for k, outcome in enumerate(outcomes):
                effects.append([outcome, *name, est[c, k], np.quantile(sims[:, c, k], lo),
                                np.quantile(sims[:, c, k], hi), p[c, k]])
    table = pd.DataFrame(effects, columns=EFFECT_COLUMNS[:8])
    table.insert(8, "p_holm", holm(table["p_value"].tolist()) if len(table) else [])
    table = table.assign(n_units=int(d.used.sum()), n_docs=d.n_docs, uncertainty=uncertainty)
    trends = []
    if d.knots is not None and d.span is not None:
        grid = np.linspace(d.span[0], d.span[1], GRID)
        for g in d.levels:
            x = _rows(d, g, grid)
            est = x @ center
            sims = np.einsum("gt,stk->sgk", x, draws)
            low, high = np.quantile(sims, lo, axis=0), np.quantile(sims, hi, axis=0)
            for i, years in enumerate(grid):
                day = _date(years + _origin_years(d)).isoformat()
                trends += [[outcome, g, day, est[i, k], low[i, k], high[i, k]] for k, outcome in enumerate(outcomes)]
    return table, pd.DataFrame(trends, columns=TREND_COLUMNS)


@stage("stats")
def composition_effects(runs: np.ndarray, d: Design, outcomes: Sequence[str],
                        n_sims: int = 1000, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Effects of the design's terms on topic proportions by the method of composition (stm's
    ``estimateEffect``): for each run of the topic model, fit the linear model and draw coefficients from
    their sampling distribution; the draws pooled over runs carry the model's own uncertainty (the runs
    disagree) as well as the regression's.

    Parameters
    ----------
    runs : ndarray
        Runs x units x topics: the proportions of each run (aligned topics), e.g. ``Ensemble.run_theta``. As in
        stm, the estimate is the mean of the pooled draws.
    d : Design
        From ``design`` for the same units.
    outcomes : sequence of str
        A name per topic.

    Returns
    -------
    (effects, trends)
        Effects: outcome, contrast (its group and reference group; empty for time), estimate, 95% interval,
        p-value, Holm-adjusted p-value, units and documents used, how the uncertainty was found. Trends (only with
        dates): expected proportion per outcome, group and date with its 95% interval.
    """
    rng = np.random.default_rng(seed)
    per_run = int(np.ceil(n_sims / runs.shape[0]))
    draws = []
    for run in runs:
        beta, cov = ols(d.matrix, run[d.used], d.clusters)
        sims = np.stack([rng.multivariate_normal(beta[:, k], cov[k], size=per_run, method="eigh")
                         for k in range(beta.shape[1])], axis=2)
        draws.append(sims)
    what = (f"method of composition: {runs.shape[0]} runs x {per_run} draws, "
            f"{'clustered by document' if _by_document(d) else 'units independent'}")
    pooled = np.concatenate(draws)[:n_sims]
    return _tables(d, pooled.mean(axis=0), pooled, outcomes, what)


def _by_document(d: Design) -> bool:
    """True when the design clusters units by document (not one cluster per unit)."""
    return len(set(d.clusters)) < len(d.clusters)


@stage("stats")
def bootstrap_effects(values: np.ndarray, d: Design, outcomes: Sequence[str], n_boot: int = 1000,
                      seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Effects of the design's terms on unit scores (e.g. frame scores) with a bootstrap: clusters (documents,
    or units when each group is one document) resampled within their group, the model refitted each time.

    Parameters
    ----------
    values : ndarray
        Units x outcomes.
    d : Design
        From ``design`` for the same units.
    outcomes : sequence of str
        A name per column of ``values``.

    Returns
    -------
    (effects, trends)
        As ``composition_effects``.
    """
    rng = np.random.default_rng(seed)
    y = values[d.used]
    center = coefficients(d.matrix, y)
    codes, index = np.unique(d.clusters, return_inverse=True)
    p = d.matrix.shape[1]
    # the model on a resample is a weighted fit: each cluster's cross-products, times how often it was drawn
    xx = np.zeros((len(codes), p * p))
    xy = np.zeros((len(codes), p * y.shape[1]))
    np.add.at(xx, index, np.einsum("ui,uj->uij", d.matrix, d.matrix).reshape(len(y), -1))
    np.add.at(xy, index, np.einsum("ui,uk->uik", d.matrix, y).reshape(len(y), -1))
    stratum = np.zeros(len(codes), dtype=int)
    stratum[index] = d.group_index
    strata = [np.flatnonzero(stratum == s) for s in range(len(d.levels))]
    draws = np.empty((n_boot, *center.shape))
    for start in range(0, n_boot, BOOT_BATCH):
        size = min(BOOT_BATCH, n_boot - start)
        counts = np.zeros((size, len(codes)))
        for members in strata:
            if len(members):
                counts[:, members] = rng.multinomial(len(members), np.full(len(members), 1 / len(members)), size=size)
        a, b = (counts @ xx).reshape(size, p, p), (counts @ xy).reshape(size, p, -1)
        draws[start : start + size] = np.linalg.pinv(a) @ b
    what = f"bootstrap: {n_boot} resamples of {'documents' if _by_document(d) else 'units'} within groups"
    return _tables(d, center, draws, outcomes, what)
