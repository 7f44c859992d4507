"""Stats: descriptive comparisons between documents, bootstrap intervals and permutation tests."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from .profiling import stage

MAX_CELLS = 20_000_000  # largest temporary array (cells) a resampling step builds: about 160 MB of floats


@stage("stats")
def vocabulary_overlap(tokens_by_doc: Mapping[str, Sequence[str]]) -> pd.DataFrame:
    """Per document: types, types shared by all documents, by some other, and its own only."""
    vocab = {doc: set(toks) for doc, toks in tokens_by_doc.items()}
    common = set.intersection(*vocab.values()) if vocab else set()
    rows = []
    for doc, types in vocab.items():
        others = set().union(*(v for d, v in vocab.items() if d != doc))
        own = types - others
        rows.append({"doc_id": doc, "types": len(types), "shared_all": len(types & common),
                     "shared_some": len((types & others) - common), "own": len(own),
                     "own_share": round(len(own) / len(types), 3) if types else 0.0})
    return pd.DataFrame(rows, columns=["doc_id", "types", "shared_all", "shared_some", "own", "own_share"])


@stage("stats")
def distinct_terms(tokens_by_doc: Mapping[str, Sequence[str]], n: int = 10) -> pd.DataFrame:
    """Each document's most frequent terms that no other document uses: doc_id, rank, term, count."""
    counts = {doc: Counter(toks) for doc, toks in tokens_by_doc.items()}
    rows = []
    for doc, counter in counts.items():
        others = set().union(*(set(c) for d, c in counts.items() if d != doc))
        own = sorted(((c, t) for t, c in counter.items() if t not in others), key=lambda x: (-x[0], x[1]))
        rows += [{"doc_id": doc, "rank": i + 1, "term": t, "count": c} for i, (c, t) in enumerate(own[:n])]
    return pd.DataFrame(rows, columns=["doc_id", "rank", "term", "count"])


@stage("stats")
def corpus_summary(sections: pd.DataFrame, labels: Mapping[str, str]) -> pd.DataFrame:
    """One row per document: label, title, sections, words and median words per section."""
    grouped = sections.groupby("doc_id", sort=False)
    table = pd.DataFrame({
        "label": [labels.get(d, d) for d in grouped.groups],
        "title": grouped["title"].first(),
        "sections": grouped.size(),
        "words": grouped["n_words"].sum(),
        "median_section_words": grouped["n_words"].median().round(0).astype(int),
    })
    return table.reset_index()


@stage("tokens")
def pool_by_group(groups: Sequence[str], unit_tokens: Sequence[Sequence[str]]) -> dict[str, list[str]]:
    """Concatenate the tokens of units (sections, paragraphs) per group (a document, or a metadata group: one
    entry per unit), groups in order of first appearance."""
    pooled: dict[str, list[str]] = {}
    for group, toks in zip(groups, unit_tokens, strict=True):
        pooled.setdefault(group, []).extend(toks)
    return pooled


@stage("stats")
def bootstrap_group_means(values: np.ndarray, groups: Sequence[str], n_boot: int = 2000, seed: int = 0,
                          level: float = 0.95) -> pd.DataFrame:
    """Mean of each column per group with a percentile bootstrap interval (units resampled within group).

    Returns group, column (1-based), mean, ci_low, ci_high.
    """
    rng = np.random.default_rng(seed)
    groups = np.asarray(groups)
    rows = []
    lo, hi = (1 - level) / 2 * 100, (1 + level) / 2 * 100
    for group in dict.fromkeys(groups):
        block = values[groups == group]
        idx = rng.integers(0, len(block), size=(n_boot, len(block)))
        step = max(1, MAX_CELLS // max(block.size, 1))  # resample in batches: memory stays bounded
        boot = np.concatenate([block[idx[i : i + step]].mean(axis=1) for i in range(0, n_boot, step)])
        for col in range(values.shape[1]):
            rows.append({"group": group, "column": col + 1, "mean": block[:, col].mean(),
                         "ci_low": np.percentile(boot[:, col], lo), "ci_high": np.percentile(boot[:, col], hi)})
    return pd.DataFrame(rows)


@stage("stats")
def bootstrap_over_runs(center: np.ndarray, runs: np.ndarray, groups: Sequence[str], n_boot: int = 2000,
                        seed: int = 0, level: float = 0.95) -> pd.DataFrame:
    """Group means of ``center`` (units x columns) with percentile intervals whose replicates each draw one run
    of ``runs`` (runs x units x columns, e.g. the seeds of a topic ensemble) and resample units within the
    group: the interval carries the variation between seeds as well as between units.

    Returns group, column (1-based), mean, ci_low, ci_high.
    """
    rng = np.random.default_rng(seed)
    groups = np.asarray(groups)
    lo, hi = (1 - level) / 2 * 100, (1 + level) / 2 * 100
    rows = []
    for group in dict.fromkeys(groups):
        block = runs[:, groups == group, :]
        pick = rng.integers(0, block.shape[0], size=n_boot)
        idx = rng.integers(0, block.shape[1], size=(n_boot, block.shape[1]))
        step = max(1, MAX_CELLS // max(block.shape[1] * block.shape[2], 1))
        boot = np.concatenate([block[pick[i : i + step, None], idx[i : i + step]].mean(axis=1)
                               for i in range(0, n_boot, step)])
        for col in range(center.shape[1]):
            rows.append({"group": group, "column": col + 1, "mean": center[groups == group, col].mean(),
                         "ci_low": np.percentile(boot[:, col], lo), "ci_high": np.percentile(boot[:, col], hi)})
    return pd.DataFrame(rows)


def group_codes(groups: Sequence[str]) -> tuple[np.ndarray, list[str]]:
    """Integer code per unit and the group names in order of first appearance (code i names ``names[i]``)."""
    names = list(dict.fromkeys(groups))
    index = {name: code for code, name in enumerate(names)}
    return np.fromiter((index[g] for g in groups), dtype=np.intp, count=len(groups)), names


def between_group_share(values: np.ndarray, groups: Sequence[str]) -> float:
    """Share of the total sum of squares (all columns) that lies between group means (eta squared)."""
    codes, names = group_codes(groups)
    grand = values.mean(axis=0)
    total = ((values - grand) ** 2).sum()
    between = sum(((values[codes == c].mean(axis=0) - grand) ** 2).sum() * (codes == c).sum()
                  for c in range(len(names)))  # codes number the groups in order of first appearance
    return float(between / total) if total > 0 else 0.0


def _group_sums(by_column: np.ndarray, codes: np.ndarray, n_groups: int) -> np.ndarray:
    """Sums per integer-coded group (groups x columns) of ``by_column`` (columns x units, each contiguous)."""
    return np.stack([np.bincount(codes, weights=column, minlength=n_groups) for column in by_column], axis=1)


@stage("stats")
def permutation_test(values: np.ndarray, groups: Sequence[str], n_perm: int = 2000, seed: int = 0) -> dict[str, float]:
    """Do groups differ in their mean profiles? Permute group labels over units; statistic = eta squared.

    Returns the observed eta squared, the permutation p-value ((hits + 1) / (n_perm + 1)) and n_perm.
    """
    rng = np.random.default_rng(seed)
    codes, names = group_codes(groups)
    observed = between_group_share(values, groups)
    centered = np.ascontiguousarray((values - values.mean(axis=0)).T)
    total = (centered**2).sum()
    sizes = np.bincount(codes, minlength=len(names)).astype(float)
    hits = 0
    for _ in range(n_perm):  # the same draws as permuting the labels; eta squared from the groups' sums
        sums = _group_sums(centered, rng.permutation(codes), len(names))
        hits += bool(total > 0 and ((sums**2).sum(axis=1) / sizes).sum() / total >= observed - 1e-12)
    hits = hits if total > 0 else n_perm  # no variation at all: every relabelling ties with the observed 0
    return {"eta_squared": round(observed, 4), "p_value": round((hits + 1) / (n_perm + 1), 4), "n_perm": n_perm}


@stage("stats")
def distinguishing(values: np.ndarray, groups: Sequence[str], columns: Sequence[str], n_perm: int = 2000,
                   seed: int = 0) -> pd.DataFrame:
    """For each group and column: group mean, mean of all other units, difference and permutation p-value.

    The p-value is two-sided: how often a random relabelling of units gives a difference at least as large
    in absolute value ((hits + 1) / (n_perm + 1)).
    """
    rng = np.random.default_rng(seed)
    groups = np.asarray(groups)
    codes, names = group_codes(groups) if len(groups) else (np.array([], dtype=np.intp), [])
    observed = np.array([values[codes == code].mean(axis=0) - values[codes != code].mean(axis=0)
                         for code in range(len(names))]).reshape(len(names), values.shape[1])
    sizes = np.bincount(codes, minlength=len(names)).astype(float)[:, None]
    total, n, by_column = values.sum(axis=0), len(values), np.ascontiguousarray(values.T)
    hits = np.zeros_like(observed)
    for _ in range(n_perm):  # one relabelling at a time (the same draws as permuting the labels themselves)
        sums = _group_sums(by_column, rng.permutation(codes), len(names))
        with np.errstate(invalid="ignore", divide="ignore"):
            diff = sums / sizes - (total - sums) / (n - sizes)
        hits += np.abs(diff) >= np.abs(observed) - 1e-12
    rows = []
    for code, group in enumerate(names):
        inside = codes == code
        for j, col in enumerate(columns):
            rows.append({"group": group, "column": col, "mean": values[inside, j].mean(),
                         "mean_others": values[~inside, j].mean(), "diff": observed[code][j],
                         "p_value": (hits[code][j] + 1) / (n_perm + 1)})
    return pd.DataFrame(rows)


def holm(p_values: Sequence[float]) -> np.ndarray:
    """Holm's step-down adjusted p-values (family-wise error), in the input order; NaN stays NaN."""
    p = np.asarray(p_values, dtype=float)
    out = np.full_like(p, np.nan)
    ok = ~np.isnan(p)
    q = p[ok]
    order = np.argsort(q, kind="stable")
    m = len(q)
    adjusted = np.maximum.accumulate((m - np.arange(m)) * q[order]).clip(max=1.0)
    result = np.empty(m)
    result[order] = adjusted
    out[ok] = result
    return out


def benjamini_hochberg(p_values: Sequence[float]) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (q-values, false discovery rate), in the input order; NaN stays NaN."""
    p = np.asarray(p_values, dtype=float)
    out = np.full_like(p, np.nan)
    ok = ~np.isnan(p)
    q = p[ok]
    m = len(q)
    order = np.argsort(q, kind="stable")
    ranked = q[order] * m / np.arange(1, m + 1)
    adjusted = np.minimum.accumulate(ranked[::-1])[::-1].clip(max=1.0)
    result = np.empty(m)
    result[order] = adjusted
    out[ok] = result
    return out


def block_indices(blocks: Sequence[Sequence[int]], rng: np.random.Generator) -> np.ndarray:
    """One block-bootstrap draw: as many blocks as there are, drawn with replacement, their rows concatenated."""
    picks = rng.integers(0, len(blocks), size=len(blocks))
    return np.concatenate([np.asarray(blocks[i], dtype=int) for i in picks]) if len(blocks) else np.array([], int)


def moving_blocks(n: int, length: int) -> list[list[int]]:
    """Consecutive, non-overlapping blocks of ``length`` rows (the last may be shorter) over ``n`` rows."""
    return [list(range(i, min(i + length, n))) for i in range(0, n, max(1, length))]


def _block_rows(picks: np.ndarray, n: int, length: int) -> np.ndarray:
    """The rows of the picked blocks of ``moving_blocks(n, length)``, concatenated in the order picked."""
    starts = picks * length
    sizes = np.minimum(starts + length, n) - starts
    ends = np.cumsum(sizes)
    return np.arange(ends[-1] if len(ends) else 0) - np.repeat(ends - sizes - starts, sizes)


@stage("stats")
def block_bootstrap_group_means(values: np.ndarray, groups: Sequence[str], block: int = 3, n_boot: int = 2000,
                                seed: int = 0, level: float = 0.95) -> pd.DataFrame:
    """Mean of each column per group with a percentile interval from a block bootstrap within each group:
    runs of ``block`` neighbouring units (reading order) are resampled together, so intervals keep the
    dependence between neighbouring sections. Returns group, column (1-based), mean, ci_low, ci_high."""
    rng = np.random.default_rng(seed)
    groups = np.asarray(groups)
    lo, hi = (1 - level) / 2 * 100, (1 + level) / 2 * 100
    length = max(1, block)
    rows = []
    for group in dict.fromkeys(groups):
        part = values[groups == group]
        n_blocks = -(-len(part) // length)
        # the draws of block_indices(moving_blocks(...)), one call per replicate; the rows found in numpy
        boot = np.stack([part[_block_rows(rng.integers(0, n_blocks, size=n_blocks), len(part), length)].mean(axis=0)
                         for _ in range(n_boot)])
        for col in range(values.shape[1]):
            rows.append({"group": group, "column": col + 1, "mean": part[:, col].mean(),
                         "ci_low": np.percentile(boot[:, col], lo), "ci_high": np.percentile(boot[:, col], hi)})
    return pd.DataFrame(rows)


def spearman_table(left: pd.DataFrame, right: pd.DataFrame) -> pd.DataFrame:
    """Spearman correlation of every column of ``left`` with every column of ``right`` (same rows), with the
    two-sided p-value and the Benjamini-Hochberg q-value over all pairs: left, right, rho, p_value, q_value."""
    from scipy.stats import spearmanr

    rows = []
    for a in left.columns:
        for b in right.columns:
            x, y = left[a].to_numpy(dtype=float), right[b].to_numpy(dtype=float)
            if np.ptp(x) == 0 or np.ptp(y) == 0:
                rho, p = np.nan, np.nan
            else:
                res = spearmanr(x, y)
                rho, p = float(res.statistic), float(res.pvalue)
            rows.append({"left": a, "right": b, "rho": rho, "p_value": p})
    table = pd.DataFrame(rows, columns=["left", "right", "rho", "p_value"])
    table["q_value"] = benjamini_hochberg(table["p_value"])
    return table


def dispersion_dp(counts: np.ndarray, sizes: Sequence[float]) -> np.ndarray:
    """Gries' deviation of proportions per term (rows of ``counts``, terms x parts): 0.5 * sum over parts of
    |share of the term's occurrences in the part - the part's share of the corpus|; 0 = spread evenly, near
    1 = concentrated in one small part. NaN for a term that never occurs. ``counts`` may be a scipy sparse
    matrix (a large corpus: only the non-zero cells are visited)."""
    from scipy import sparse

    expected = np.asarray(sizes, dtype=float) / np.sum(sizes)
    if sparse.issparse(counts):  # a part without the term adds its whole share: |0 - expected|
        cells = sparse.coo_matrix(counts, dtype=float)
        totals = np.bincount(cells.row, weights=cells.data, minlength=cells.shape[0])
        with np.errstate(invalid="ignore", divide="ignore"):
            gap = np.abs(cells.data / totals[cells.row] - expected[cells.col])
        present = np.bincount(cells.row, weights=gap, minlength=cells.shape[0])
        present_share = np.bincount(cells.row, weights=expected[cells.col], minlength=cells.shape[0])
        return np.where(totals > 0, 0.5 * (present + expected.sum() - present_share), np.nan)
    counts = np.asarray(counts, dtype=float)
    totals = counts.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        observed = counts / totals
    return np.where(totals[:, 0] > 0, 0.5 * np.abs(observed - expected).sum(axis=1), np.nan)


def curveball(matrix: np.ndarray, rng: np.random.Generator, swaps: int | None = None) -> np.ndarray:
    """A random 0/1 matrix with the same row and column sums (Strona et al. 2014's curveball algorithm):
    ``swaps`` times (default 5 x rows), two rows trade a random part of the columns only one of them holds."""
    rows = [set(np.flatnonzero(r)) for r in np.asarray(matrix, dtype=bool)]
    n = len(rows)
    for _ in range(5 * n if swaps is None else swaps):
        if n < 2:
            break
        i, j = rng.choice(n, size=2, replace=False)
        only_i, only_j = sorted(rows[i] - rows[j]), sorted(rows[j] - rows[i])
        if not only_i or not only_j:
            continue
        pool = np.array(only_i + only_j)
        rng.shuffle(pool)
        shared = rows[i] & rows[j]
        rows[i] = shared | set(pool[: len(only_i)].tolist())
        rows[j] = shared | set(pool[len(only_i) :].tolist())
    out = np.zeros(np.shape(matrix), dtype=int)
    for r, cols in enumerate(rows):
        out[r, sorted(cols)] = 1
    return out
