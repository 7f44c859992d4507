"""Validation: blind coding packets, reference codings, agreement (Cohen's kappa, Krippendorff's alpha) and
classification scores with bootstrap intervals."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from .caching import atomic_write
from .framing import frame_names, load_codebook
from .profiling import stage

NONE = "none_other"  # the blind packet's answer for "no frame / function of the codebook fits"
SALIENCE = tuple(range(4))  # 0 absent, 1 mentioned, 2 developed, 3 central
KEYS = ["doc_id", "section"]


def salience_columns() -> list[str]:
    """The blind coding's salience columns, one per frame in codebook order."""
    return [f"salience_{frame}" for frame in frame_names()]


def blind_key(sections: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Shuffled opaque unit codes (U01, U02, ...) for the sections: unit, doc_id, section, in packet order."""
    order = np.random.default_rng(seed).permutation(len(sections))
    width = len(str(len(sections)))
    table = sections.iloc[order][KEYS].reset_index(drop=True)
    return table.assign(unit=[f"U{i + 1:0{width}d}" for i in range(len(table))])[["unit", *KEYS]]


def blind_packet(sections: pd.DataFrame, key: pd.DataFrame) -> str:
    """The blind coding packet (markdown): definitions, answer format and every section under its opaque code,
    in the key's shuffled order, without article labels, titles or any score."""
    book = load_codebook()
    frames = "\n".join(f"* **{name}**: {f['definition']}  \n  *Example:* {f['example']}"
                       for name, f in book["frames"].items())
    functions = "\n".join(f"* **{name}**: {f['definition']}" for name, f in book["functions"].items())
    text = sections.set_index(KEYS)
    units = "\n\n".join(
        f"### {row.unit}\n\n**{text.loc[(row.doc_id, row.section), 'heading']}**\n\n"
        f"{text.loc[(row.doc_id, row.section), 'text']}" for row in key.itertuples())
    columns = ", ".join(["unit", "primary_frame", "function", *salience_columns(), "confidence", "note"])
    return f"""# Blind coding packet: frames, salience and function of each text unit

Each unit below is one section of a web article on Central Asian security, shown with its heading. Units
are in random order under opaque codes; which article a unit comes from is not shown. Read each unit
against the definitions and record, in one CSV row per unit (`{columns}`):

* `primary_frame`: the ONE frame the unit makes most salient, or `{NONE}` when none of the nine fits.
* `function`: the ONE framing function the unit mainly performs (after Entman 1993), judged from what the
  body text does and its modality (must / should / need signal prescription), not from the heading alone;
  or `{NONE}`.
* `salience_<frame>` for each of the nine frames: 0 absent, 1 mentioned in passing, 2 developed (a
  sentence or more), 3 central (the unit is mostly about it).
* `confidence`: 1 (hard call), 2, or 3 (clear). `note`: a few words on why, especially for hard calls.

## Frames

{frames}

## Functions

{functions}

## Units

{units}
"""


def write_blind_packet(sections: pd.DataFrame, folder: str | Path, seed: int) -> pd.DataFrame:
    """Write ``coding_packet.md`` and ``key.csv`` (unit code -> section; not for coders) into ``folder``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    key = blind_key(sections, seed)
    atomic_write(folder / "coding_packet.md", blind_packet(sections, key))
    atomic_write(folder / "key.csv", key.to_csv(index=False))
    return key


def _delta2(metric: str, values: np.ndarray, totals: np.ndarray) -> np.ndarray:
    """Krippendorff's squared difference function over the sorted values (nominal, ordinal or interval)."""
    k = len(values)
    if metric == "nominal":
        return 1.0 - np.eye(k)
    if metric == "interval":
        v = values.astype(float)
        return (v[:, None] - v[None, :]) ** 2
    if metric == "ordinal":
        cum = np.concatenate([[0.0], np.cumsum(totals)])
        d = np.zeros((k, k))
        for c in range(k):
            for j in range(k):
                lo, hi = min(c, j), max(c, j)
                d[c, j] = (cum[hi + 1] - cum[lo] - (totals[c] + totals[j]) / 2) ** 2
        return d
    raise ValueError(f"unknown metric {metric!r}: use 'nominal', 'ordinal' or 'interval'")


def krippendorff_alpha(data: Sequence[Sequence[object]] | np.ndarray, metric: str = "nominal") -> float:
    """Krippendorff's alpha for units x coders (any number of coders; None or NaN = missing).

    Built from the coincidence matrix (Krippendorff 2011, "Computing Krippendorff's alpha-reliability"):
    alpha = 1 - (n - 1) * sum(o_ck d2_ck) / sum(n_c n_k d2_ck). Units with fewer than two values are not
    pairable and are left out. Ordinal and interval values must be sortable (numbers or ordered codes).
    """
    values, units = unit_coincidences(data)
    return alpha_from_coincidences(units.sum(axis=0), values, metric)


def unit_coincidences(data: Sequence[Sequence[object]] | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(sorted values, one coincidence matrix per unit) of units x coders data; a unit with fewer than two
    values is not pairable and contributes zeros. Summing the matrices of a resample of units gives its
    coincidence matrix, so a bootstrap needs no second pass over the data."""
    rows = [[v for v in row if v is not None and not (isinstance(v, float) and np.isnan(v))] for row in data]
    values = np.array(sorted({v for row in rows if len(row) >= 2 for v in row}), dtype=object)
    index = {v: i for i, v in enumerate(values)}
    units = np.zeros((len(rows), len(values), len(values)))
    for u, row in enumerate(rows):
        if len(row) >= 2:
            counts = np.bincount([index[v] for v in row], minlength=len(values)).astype(float)
            units[u] = (np.outer(counts, counts) - np.diag(counts)) / (len(row) - 1)
    return values, units


def alpha_from_coincidences(o: np.ndarray, values: np.ndarray, metric: str = "nominal") -> float:
    """Krippendorff's alpha from a coincidence matrix over ``values`` (NaN with no pairable unit, 1.0 with
    one value only)."""
    totals = o.sum(axis=1)
    if (totals > 0).sum() < 2:
        return float("nan") if totals.sum() == 0 else 1.0
    n = totals.sum()
    d2 = _delta2(metric, values, totals)
    expected = (np.outer(totals, totals) * d2).sum()
    return float(1 - (n - 1) * (o * d2).sum() / expected) if expected > 0 else 1.0


def cohen_kappa(a: Sequence[str], b: Sequence[str]) -> float:
    """Cohen's kappa of two codings of the same units (scikit-learn's), 1.0 when both give every unit one code."""
    from sklearn.metrics import cohen_kappa_score

    a, b = list(a), list(b)
    return 1.0 if len(set(a) | set(b)) == 1 else float(cohen_kappa_score(a, b))


def macro_f1(truth: Sequence[str], predicted: Sequence[str]) -> float:
    """Mean F1 over the classes present in the truth (scikit-learn's macro F1 over those classes)."""
    from sklearn.metrics import f1_score

    return float(f1_score(list(truth), list(predicted), labels=sorted(set(truth)), average="macro",
                          zero_division=0.0))


def bootstrap_interval(n: int, statistic: Callable[[np.ndarray], float], n_boot: int = 2000, seed: int = 0,
                       level: float = 0.95) -> tuple[float, float]:
    """Percentile interval of ``statistic(indices)`` over ``n_boot`` resamples of the n units (with
    replacement); resamples where the statistic is undefined (NaN) are skipped."""
    rng = np.random.default_rng(seed)
    draws = np.array([statistic(rng.integers(0, n, size=n)) for _ in range(n_boot)], dtype=float)
    draws = draws[~np.isnan(draws)]
    if not len(draws):
        return float("nan"), float("nan")
    return float(np.percentile(draws, (1 - level) / 2 * 100)), float(np.percentile(draws, (1 + level) / 2 * 100))


def classification_scores(truth: Sequence[str], predicted: Sequence[str], n_boot: int = 2000,
                          seed: int = 0) -> dict[str, float]:
    """Accuracy, macro-F1 and Cohen's kappa of ``predicted`` against ``truth`` (scikit-learn's measures), each
    with a 95% bootstrap interval over units (columns ``<measure>_low`` and ``<measure>_high``; the resamples
    are scored from their confusion matrix, the same measures computed faster)."""
    from sklearn.metrics import accuracy_score

    truth, predicted = np.asarray(truth, dtype=object), np.asarray(predicted, dtype=object)
    measures = {"accuracy": lambda t, p: float(accuracy_score(list(t), list(p))), "macro_f1": macro_f1,
                "kappa": lambda t, p: cohen_kappa(list(t), list(p))}
    row: dict[str, float] = {"n": len(truth)}
    labels = sorted(set(truth) | set(predicted))
    codes = {v: i for i, v in enumerate(labels)}
    pairs = np.array([codes[t] * len(labels) + codes[p] for t, p in zip(truth, predicted, strict=True)], dtype=int)
    fast = {"accuracy": _accuracy, "macro_f1": _macro_f1, "kappa": _kappa}  # the same measures, from a confusion
    for name, fn in measures.items():
        row[name] = round(fn(truth, predicted), 3)
        lo, hi = bootstrap_interval(len(truth), lambda idx, f=fast[name]: f(np.bincount(
            pairs[idx], minlength=len(labels) ** 2).reshape(len(labels), len(labels))), n_boot, seed)
        row[f"{name}_low"], row[f"{name}_high"] = round(lo, 3), round(hi, 3)
    return row


def _accuracy(cm: np.ndarray) -> float:
    """Accuracy from a confusion matrix (rows truth, columns prediction)."""
    return float(np.trace(cm) / cm.sum())


def _kappa(cm: np.ndarray) -> float:
    """Cohen's kappa from a confusion matrix, as ``cohen_kappa`` computes it from the codings."""
    n = cm.sum()
    observed = np.trace(cm) / n
    expected = (cm.sum(axis=1) * cm.sum(axis=0)).sum() / (n * n)
    return 1.0 if expected == 1 else float((observed - expected) / (1 - expected))


def _macro_f1(cm: np.ndarray) -> float:
    """Macro-F1 over the classes present in the truth, from a confusion matrix, as ``macro_f1`` computes it."""
    tp, truth, predicted = np.diag(cm), cm.sum(axis=1), cm.sum(axis=0)
    present = truth > 0
    f1 = np.where(tp > 0, 2 * tp / np.maximum(truth + predicted, 1), 0.0)
    return float(f1[present].mean())


def agreement(codings: Mapping[str, pd.DataFrame], column: str, metric: str = "nominal", n_boot: int = 2000,
              seed: int = 0) -> dict[str, float]:
    """Agreement of any number of coders on one column: coders, units, raw agreement (all coders equal),
    Cohen's kappa (two coders only) and Krippendorff's alpha, each with a 95% bootstrap interval over units."""
    data = np.column_stack([table[column].to_numpy(dtype=object) for table in codings.values()])
    row: dict[str, float] = {"coders": data.shape[1], "units": data.shape[0],
                             "agreement": round(float(np.mean([len(set(r)) == 1 for r in data])), 3)}
    stats: dict[str, Callable[[np.ndarray], float]] = {
        "krippendorff_alpha": lambda d: krippendorff_alpha(d, metric)}
    if data.shape[1] == 2:
        stats["cohen_kappa"] = lambda d: cohen_kappa(list(d[:, 0]), list(d[:, 1]))
    values, units = unit_coincidences(data)
    fast = {"krippendorff_alpha": lambda idx: alpha_from_coincidences(
        np.tensordot(np.bincount(idx, minlength=len(data)).astype(float), units, axes=1), values, metric)}
    for name, fn in stats.items():
        row[name] = round(fn(data), 3)
        statistic = fast.get(name, lambda idx, fn=fn: fn(data[idx]))
        lo, hi = bootstrap_interval(len(data), statistic, n_boot, seed)
        row[f"{name}_low"], row[f"{name}_high"] = round(lo, 3), round(hi, 3)
    return row


def confusion_table(truth: Sequence[str], predicted: Sequence[str], labels: Sequence[str]) -> pd.DataFrame:
    """Counts of (reference code, predicted code) pairs: rows the reference coding, columns the prediction."""
    table = pd.crosstab(pd.Categorical(truth, categories=labels), pd.Categorical(predicted, categories=labels),
                        dropna=False)
    table.index.name, table.columns.name = "reference", "dictionary"
    return table


def confusion_tables(reference: pd.DataFrame, predicted: pd.DataFrame, codes: Mapping[str, Sequence[str]]
                     ) -> pd.DataFrame:
    """Confusion counts of every coded column (``codes``: column -> its codes, e.g. primary_frame -> the frames)
    in one tidy table: column, reference, dictionary, units (every pair of codes, zeros too)."""
    parts = [confusion_table(reference[col], predicted[col], labels).stack().rename("units").reset_index()
             .assign(column=col) for col, labels in codes.items()]
    return pd.concat(parts, ignore_index=True)[["column", "reference", "dictionary", "units"]]


def confusion_matrix(table: pd.DataFrame, column: str) -> pd.DataFrame:
    """One column's confusion matrix (rows the reference coding, columns the dictionary) from ``confusion_tables``."""
    part = table[table["column"] == column]
    order = list(dict.fromkeys(part["reference"]))
    matrix = part.pivot(index="reference", columns="dictionary", values="units").reindex(index=order, columns=order)
    matrix.columns.name = "dictionary"
    return matrix


@stage("validation")
def load_coding(folder: str | Path, units: pd.DataFrame,
                names: Sequence[str] = ("coder_a", "coder_b", "adjudicated")) -> dict[str, pd.DataFrame] | None:
    """The codings ``coding_<name>.csv`` in ``folder``, in the order of ``units``, or None when one is missing
    or they do not cover exactly these units (another corpus): validation is then skipped, not faked.

    A blind coding names units by opaque codes; its ``key.csv`` maps them to (doc_id, section).
    """
    folder = Path(folder)
    key = pd.read_csv(folder / "key.csv") if (folder / "key.csv").exists() else None
    target = units[KEYS].reset_index(drop=True)
    codings = {}
    for name in names:
        path = folder / f"coding_{name}.csv"
        if not path.exists():
            return None
        table = pd.read_csv(path)
        if key is not None and "unit" in table:
            table = key.merge(table, on="unit", how="inner", validate="one_to_one")
        if len(table) != len(target) or set(map(tuple, table[KEYS].to_numpy())) != set(map(tuple, target.to_numpy())):
            return None
        codings[name] = target.merge(table, on=KEYS, how="left", validate="one_to_one")
    return codings


def leave_one_group_out(features: Sequence[object], labels: Sequence[str], groups: Sequence[str],
                        fit: Callable[[list[object], list[str]], Callable[[list[object]], Sequence[str]]]
                        ) -> np.ndarray:
    """Out-of-group predictions: for each group, ``fit`` on the units of all other groups (it returns a predict
    function), then predict the held-out group's units. Never trains on the group it predicts."""
    features, labels, groups = list(features), np.asarray(labels, dtype=object), np.asarray(groups, dtype=object)
    predicted = np.empty(len(labels), dtype=object)
    for group in dict.fromkeys(groups):
        held = groups == group
        predict = fit([f for f, h in zip(features, held, strict=True) if not h], list(labels[~held]))
        predicted[held] = list(predict([f for f, h in zip(features, held, strict=True) if h]))
    return predicted


def term_classifier(docs: list[object], labels: list[str], c: float = 1.0, seed: int = 0
                    ) -> Callable[[list[object]], Sequence[str]]:
    """Fit a multinomial logistic regression on tf-idf of token lists; return its predict function."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    model = make_pipeline(TfidfVectorizer(analyzer=lambda toks: toks, sublinear_tf=True, min_df=2),
                          LogisticRegression(C=c, max_iter=2000, random_state=seed))
    model.fit(docs, labels)
    return lambda new: model.predict(new)


def feature_classifier(rows: list[object], labels: list[str], c: float = 1.0, seed: int = 0
                       ) -> Callable[[list[object]], Sequence[str]]:
    """Fit a multinomial logistic regression (balanced class weights) on numeric feature rows; return its
    predict function (for ``framing.function_feature_matrix`` rows)."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=c, max_iter=2000, class_weight="balanced", random_state=seed)
    model.fit(np.asarray(rows, dtype=float), labels)
    return lambda new: model.predict(np.asarray(new, dtype=float))


def disagreements(first: pd.DataFrame, second: pd.DataFrame, fields: Sequence[str] = ("primary_frame", "function")
                  ) -> pd.DataFrame:
    """Units where two codings differ on a nominal field: unit, field, coder_1, coder_2 (unit order)."""
    a, b = first.set_index("unit").sort_index(), second.set_index("unit").sort_index()
    rows = [{"unit": u, "field": f, "coder_1": a.loc[u, f], "coder_2": b.loc[u, f]}
            for f in fields for u in a.index if a.loc[u, f] != b.loc[u, f]]
    return pd.DataFrame(rows, columns=["unit", "field", "coder_1", "coder_2"])


def adjudicate(first: pd.DataFrame, second: pd.DataFrame, decisions: pd.DataFrame,
               fields: Sequence[str] = ("primary_frame", "function")) -> pd.DataFrame:
    """The reference coding: codes both coders gave are kept ("agreed"); each disagreement takes the
    adjudicator's decision ("adjudicated", with its note); salience is the mean of the two coders' ratings.
    A disagreement without a decision, or a decision on an agreed code, is an error."""
    a, b = first.set_index("unit").sort_index(), second.set_index("unit").sort_index()
    todo = disagreements(first, second, fields)
    decided = decisions.set_index(["unit", "field"])
    if set(decided.index) != set(zip(todo["unit"], todo["field"], strict=True)):
        raise ValueError("the decisions must cover exactly the disagreements: "
                         f"{sorted(set(zip(todo['unit'], todo['field'], strict=True)) ^ set(decided.index))}")
    reference = a[list(fields)].copy()
    reference["resolution"], reference["note"] = "agreed", ""
    for (unit, field), row in decided.iterrows():
        reference.loc[unit, field] = row["decision"]
        reference.loc[unit, "resolution"] = "adjudicated"
        reference.loc[unit, "note"] = (reference.loc[unit, "note"] + " " + f"{field}: {row['note']}").strip()
    salience = (a[salience_columns()] + b[salience_columns()]) / 2
    return reference.join(salience).reset_index()[["unit", *fields, *salience_columns(), "resolution", "note"]]


@stage("validation")
def agreement_table(codings: Mapping[str, pd.DataFrame], n_boot: int = 2000, seed: int = 0) -> pd.DataFrame:
    """Coder agreement on primary frame and function (nominal) and, when coded, on the salience ratings
    (ordinal; every unit x frame rating is one item): one row per coding with ``agreement``'s columns."""
    rows = [{"coding": "primary frame", "metric": "nominal", **agreement(codings, "primary_frame", "nominal",
                                                                       n_boot, seed)},
            {"coding": "function", "metric": "nominal", **agreement(codings, "function", "nominal", n_boot, seed)}]
    if all(set(salience_columns()) <= set(t) for t in codings.values()):
        long = {name: pd.DataFrame({"salience": t[salience_columns()].to_numpy().ravel()})
                for name, t in codings.items()}
        rows.append({"coding": "salience (unit x frame)", "metric": "ordinal",
                     **agreement(long, "salience", "ordinal", n_boot, seed)})
    return pd.DataFrame(rows)


@stage("validation")
def method_table(truth: Sequence[str], predictions: Mapping[str, Sequence[str]], n_boot: int = 2000,
                 seed: int = 0) -> pd.DataFrame:
    """``classification_scores`` of each method's predictions against one reference, side by side."""
    return pd.DataFrame([{"method": name, **classification_scores(truth, pred, n_boot, seed)}
                         for name, pred in predictions.items()])


def score_salience(scores: pd.DataFrame, reference: pd.DataFrame, frames: Sequence[str]) -> pd.DataFrame:
    """Does the dictionary's continuous score track the coded salience? Per frame: Spearman rho between the
    score and the reference's mean salience over units, p-value and Benjamini-Hochberg q-value."""
    from scipy.stats import spearmanr

    from .stats import benjamini_hochberg

    rows = []
    for f in frames:
        x, y = scores[f].to_numpy(dtype=float), reference[f"salience_{f}"].to_numpy(dtype=float)
        res = spearmanr(x, y) if np.ptp(x) > 0 and np.ptp(y) > 0 else None
        rows.append({"frame": f, "rho": float(res.statistic) if res else np.nan,
                     "p_value": float(res.pvalue) if res else np.nan})
    table = pd.DataFrame(rows)
    table["q_value"] = benjamini_hochberg(table["p_value"])
    return table


def all_coder_agreement(codings: Mapping[str, pd.DataFrame], n_boot: int = 2000, seed: int = 0) -> pd.DataFrame:
    """Krippendorff's alpha among every coder at once, each coding only some units if so (missing codes are
    left out, as alpha allows): primary frame and function (nominal), salience (ordinal, unit x frame items);
    with the units coded by two or more and a 95% bootstrap interval over units."""
    columns = [("primary frame", "primary_frame", "nominal"), ("function", "function", "nominal")]
    rows = []
    tables = list(codings.values())
    for label, column, metric in columns:
        data = np.column_stack([t[column].to_numpy(dtype=object) for t in tables])
        rows.append((label, metric, data))
    if all(set(salience_columns()) <= set(t) for t in tables):
        data = np.column_stack([t[salience_columns()].to_numpy(dtype=float).ravel() for t in tables])
        rows.append(("salience (unit x frame)", "ordinal", data))
    out = []
    for label, metric, data in rows:
        values, units = unit_coincidences(data)
        pairable = int((units.sum(axis=(1, 2)) > 0).sum())

        def fast(idx: np.ndarray, units: np.ndarray = units, values: np.ndarray = values, metric: str = metric
                 ) -> float:
            return alpha_from_coincidences(np.tensordot(np.bincount(idx, minlength=len(units)).astype(float),
                                                        units, axes=1), values, metric)

        alpha = alpha_from_coincidences(units.sum(axis=0), values, metric) if pairable else float("nan")
        lo, hi = bootstrap_interval(len(data), fast, n_boot, seed) if pairable else (float("nan"), float("nan"))
        out.append({"coding": label, "metric": metric, "coders": data.shape[1], "units_coded_twice": pairable,
                    "krippendorff_alpha": round(alpha, 3), "alpha_low": round(lo, 3), "alpha_high": round(hi, 3)})
    return pd.DataFrame(out)


def against_each(predicted: pd.DataFrame, codings: Mapping[str, pd.DataFrame], n_boot: int = 2000, seed: int = 0,
                 fields: Sequence[str] = ("primary_frame", "function")) -> pd.DataFrame:
    """A measurement (e.g. the dictionary) against each coder in turn, on the units that coder coded:
    ``classification_scores`` per coder and field (the coder's codes as truth). ``predicted`` and every coding
    are aligned to the same units."""
    rows = []
    for who, table in codings.items():
        for field in fields:
            coded = table[field].notna().to_numpy()
            if not coded.any():
                continue
            rows.append({"coder": who, "field": field, **classification_scores(
                table[field].to_numpy(dtype=object)[coded], predicted[field].to_numpy(dtype=object)[coded],
                n_boot, seed)})
    return pd.DataFrame(rows)
