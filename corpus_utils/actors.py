"""Actors: find mentions of states, external powers, organisations and initiatives with a gazetteer."""

from __future__ import annotations

import hashlib
import json
import re
import sys
from collections.abc import Mapping, Sequence
from functools import lru_cache, partial
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import caching, engine
from .profiling import stage

ACTOR_TYPES = ("Central Asian state", "external power", "multilateral organisation", "initiative")
_APOSTROPHES = "'\u2019"


@lru_cache(maxsize=1)
def gazetteer() -> pd.DataFrame:
    """The actor gazetteer shipped in ``corpus_utils/data/gazetteer.csv``: alias, actor, type, kind."""
    with resources.files("corpus_utils.data").joinpath("gazetteer.csv").open(encoding="utf-8") as fh:
        table = pd.read_csv(fh, dtype=str, keep_default_na=False)
    unknown = sorted(set(table["type"]) - set(ACTOR_TYPES))
    if unknown:
        raise ValueError(f"gazetteer.csv: unknown actor types {unknown}; expected one of {ACTOR_TYPES}")
    return table


def _alias_pattern(alias: str, kind: str) -> str:
    """Regex for one alias: flexible spaces, either apostrophe, optional possessive, up to a word end.

    Abbreviations are case-sensitive; demonyms may take a plural s ("Russians").
    """
    body = re.escape(alias).replace(r"\ ", r"\s+").replace("'", f"[{_APOSTROPHES}]")
    core = body if kind == "abbreviation" else f"(?i:{body})"
    plural = "s?" if kind == "demonym" else ""
    return rf"{core}{plural}(?:[{_APOSTROPHES}]s?)?(?!\w)"


@lru_cache(maxsize=1)
def _matcher() -> tuple[re.Pattern[str], dict[str, tuple[str, str]]]:
    """One alternation regex over all aliases, longest first, and alias -> (actor, type)."""
    table = gazetteer()
    order = sorted(table.itertuples(), key=lambda r: (-len(r.alias), r.alias))
    groups, lookup = [], {}
    for i, row in enumerate(order):
        groups.append(f"(?P<a{i}>{_alias_pattern(row.alias, row.kind)})")
        lookup[f"a{i}"] = (row.actor, row.type)
    # the word-start test is shared by every alias, so it is checked once per position, not once per alias
    return re.compile(rf"(?<!\w)(?:{'|'.join(groups)})"), lookup


def find_actors(text: str) -> list[tuple[str, str, str]]:
    """Every actor mention in a text, in order: (matched text, actor, type).

    Abbreviations match case-sensitively (so "US" but not "us"); names, variants and demonyms match in
    any case, with an optional possessive ('s or \u2019s). A demonym ("Kazakh", "Russian") counts as its
    state. A hyphen is a word boundary: "Kazakh-Uzbek" counts once for each state, "NATO-led" as NATO.
    """
    pattern, lookup = _matcher()
    return [(m.group(0), *lookup[m.lastgroup]) for m in pattern.finditer(text)]


@stage("actors")
def actor_mentions(units: pd.DataFrame, keys: tuple[str, ...] = ("doc_id", "section"),
                   cache_dir: str | Path | None = None) -> pd.DataFrame:
    """Actor mention counts per unit (e.g. per section): the key columns, actor, type, mentions.

    Parameters
    ----------
    units : one row per unit, with the ``keys`` columns and ``text``.
    keys : the columns that name a unit.
    cache_dir : keep the table there, keyed by the units' keys and texts, the gazetteer, this module's code and
        pandas' version, so the next notebook on the same units reads it instead of searching every text again
        (a cut or altered entry is reported and recomputed; a folder that cannot be written only slows the next
        run down).
    """
    if cache_dir is None:
        return _mentions(units, keys)
    key = _mentions_key(units, keys)
    path = Path(cache_dir) / f"actors_{key}.pkl"

    def read() -> pd.DataFrame | None:
        found = caching.read_pickled(path, key)
        return found if isinstance(found, pd.DataFrame) and list(found.columns) == [*keys, *_COUNTED] else None

    return caching.kept(path, read, lambda: _mentions(units, keys),
                        lambda table: caching.write_pickled(path, key, table), "the actor mentions are not cached")


_COUNTED = ["actor", "type", "mentions"]


def _mentions(units: pd.DataFrame, keys: tuple[str, ...]) -> pd.DataFrame:
    """``actor_mentions`` computed: every unit's text searched, here or in the engine's workers."""
    records = units[[*keys, "text"]].to_dict("records")
    rows = [row for part in engine.mapper()(partial(_unit_mentions, keys), records) for row in part]
    return pd.DataFrame(rows, columns=[*keys, *_COUNTED])


def _mentions_key(units: pd.DataFrame, keys: tuple[str, ...]) -> str:
    """Digest of everything ``actor_mentions`` depends on: the units' keys and texts, the gazetteer, this
    module's code, the Python minor version (its regex engine) and pandas' version (the pickled table)."""
    digest = hashlib.sha256()
    gazetteer_bytes = resources.files("corpus_utils.data").joinpath("gazetteer.csv").read_bytes()
    python = f"{sys.version_info[0]}.{sys.version_info[1]}"
    for part in (json.dumps(list(keys)).encode(), gazetteer_bytes, python.encode()):
        digest.update(hashlib.sha256(part).digest())
    for row in units[[*keys, "text"]].itertuples(index=False):  # a digest per field: no two tables share a key
        for value in row:
            digest.update(hashlib.sha256(str(value).encode("utf-8")).digest())
    return caching.cache_key(("actors",), ("pandas",), units=digest.hexdigest())


def _unit_mentions(keys: Sequence[str], record: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Actor mention counts of one unit: its keys, actor, type, mentions (actors in name order)."""
    counts: dict[tuple[str, str], int] = {}
    for _, actor, kind in find_actors(record["text"]):
        counts[(actor, kind)] = counts.get((actor, kind), 0) + 1
    return [{**{k: record[k] for k in keys}, "actor": actor, "type": kind, "mentions": n}
            for (actor, kind), n in sorted(counts.items())]


def per_1000(mentions: pd.Series, doc_ids: pd.Series, words: Mapping[str, int]) -> pd.Series:
    """Mentions per 1,000 words of their document or group (``words``: doc_id -> words), unrounded."""
    return mentions / doc_ids.map(words).astype(float) * 1000


@stage("actors")
def mention_rates(mentions: pd.DataFrame, words: Mapping[str, int]) -> pd.DataFrame:
    """Mentions per 1,000 words of each actor in each document or group (the ``doc_id`` column):
    doc_id, actor, type, mentions, per_1000 (unrounded)."""
    table = mentions.groupby(["doc_id", "actor", "type"], as_index=False)["mentions"].sum()
    return table.assign(per_1000=per_1000(table["mentions"], table["doc_id"], words))


@stage("actors")
def actor_salience(mentions: pd.DataFrame, words: Mapping[str, int], digits: int = 2) -> pd.DataFrame:
    """Mentions per 1,000 words by document or group and actor type, every type of every group of ``words``
    (zero when unnamed): doc_id, type, mentions, per_1000 (rounded to ``digits``)."""
    table = mentions.groupby(["doc_id", "type"], as_index=False)["mentions"].sum()
    full = pd.MultiIndex.from_product([list(words), list(ACTOR_TYPES)], names=["doc_id", "type"])
    table = table.set_index(["doc_id", "type"]).reindex(full, fill_value=0).reset_index()
    table["per_1000"] = per_1000(table["mentions"], table["doc_id"], words).round(digits)
    return table


@stage("actors")
def cooccurrence_graph(mentions: pd.DataFrame, keys: tuple[str, ...] = ("doc_id", "section")) -> Any:
    """networkx Graph of actors: node weight = units mentioning the actor, edge weight = units naming both."""
    import networkx as nx

    graph = nx.Graph()
    for actor, kind in sorted(set(zip(mentions["actor"], mentions["type"], strict=True))):
        graph.add_node(actor, type=kind, units=0)
    for _, unit in mentions.groupby(list(keys)):
        actors = sorted(set(unit["actor"]))
        for actor in actors:
            graph.nodes[actor]["units"] += 1
        for i, a in enumerate(actors):
            for b in actors[i + 1 :]:
                weight = graph.get_edge_data(a, b, {"weight": 0})["weight"]
                graph.add_edge(a, b, weight=weight + 1)
    return graph


def short_name(actor: str) -> str:
    """The actor's abbreviation from the gazetteer (e.g. SCO), or its name when it has none or is short."""
    table = gazetteer()
    abbreviations = table[(table["actor"] == actor) & (table["kind"] == "abbreviation")]["alias"]
    if len(actor) <= 14 or abbreviations.empty:
        return actor
    return sorted(abbreviations, key=lambda a: (len(a), a))[0]


def tie_sources(mentions: pd.DataFrame, keys: tuple[str, ...] = ("doc_id", "section")) -> pd.DataFrame:
    """Each co-mention tie with the units behind it: actor_a, actor_b, weight (units naming both) and
    ``from_largest``: the tie comes only from the unit that names the most actors."""
    units = {key: sorted(set(part["actor"])) for key, part in mentions.groupby(list(keys))}
    largest = max(units, key=lambda k: (len(units[k]), k)) if units else None
    rows: dict[tuple[str, str], list[object]] = {}
    for key, names in units.items():
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                rows.setdefault((a, b), []).append(key)
    table = pd.DataFrame([{"actor_a": a, "actor_b": b, "weight": len(src), "from_largest": src == [largest]}
                          for (a, b), src in sorted(rows.items())],
                         columns=["actor_a", "actor_b", "weight", "from_largest"])
    return table


TIE_COLUMNS = ["group", "actor_a", "actor_b", "sections", "jaccard", "expected", "p_value", "q_value",
               "single_section"]


def naming_units(mentions: pd.DataFrame, groups: Mapping[str, str],
                 keys: tuple[str, ...] = ("doc_id", "section")) -> pd.Series:
    """Per group, how many units name at least one actor."""
    units = mentions[list(keys)].drop_duplicates()
    return units.groupby(units["doc_id"].map(groups)).size()


@stage("actors")
def group_ties(mentions: pd.DataFrame, groups: Mapping[str, str], n_perm: int = 1000, seed: int = 0,
               keys: tuple[str, ...] = ("doc_id", "section"), max_units: int | None = None) -> pd.DataFrame:
    """Co-mention ties per group (e.g. per article) against a permutation null.

    Parameters
    ----------
    mentions : ``actor_mentions`` output (one row per unit and actor).
    groups : doc_id -> group.
    n_perm : null draws; each redraws the group's unit x actor incidence with the same number of actors per
        unit and units per actor (``stats.curveball``), so a unit listing many actors stays as large.
    seed : seed of the null draws.
    max_units : a group with more units that name an actor is tested on a seeded sample of this many of them
        (ties counted and redrawn on the sample): the null's cost grows with the units, n_perm x 5 swaps each.

    Returns
    -------
    One row per tie and group: sections naming both, ``jaccard`` (sections naming both / sections naming
    either, comparable across groups of different size), ``expected`` (mean under the null), one-sided
    ``p_value`` (share of draws with at least as many co-mentions, +1 corrected), Benjamini-Hochberg
    ``q_value`` over the group's ties, and ``single_section`` (the tie rests on one section).
    """
    from .stats import benjamini_hochberg, curveball

    rng = np.random.default_rng(seed)
    frames = []
    table = mentions.assign(group=mentions["doc_id"].map(groups))
    for group, part in table.groupby("group", sort=False):
        incidence = pd.crosstab([part[k] for k in keys], part["actor"]).clip(upper=1)
        if max_units is not None and len(incidence) > max_units:  # its own seed: the null draws are unchanged
            pick = np.random.default_rng([seed, len(incidence)]).choice(len(incidence), max_units, replace=False)
            incidence = incidence.iloc[np.sort(pick)]
            incidence = incidence.loc[:, incidence.sum(axis=0) > 0]
        names, matrix = list(incidence.columns), incidence.to_numpy()
        together = matrix.T @ matrix
        pairs = [(a, b) for a in range(len(names)) for b in range(a + 1, len(names)) if together[a, b] > 0]
        if not pairs:
            continue
        idx_a, idx_b = np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])
        observed = together[idx_a, idx_b]
        draws = np.empty((n_perm, len(pairs)))
        for d in range(n_perm):
            null = curveball(matrix, rng)
            draws[d] = (null.T @ null)[idx_a, idx_b]
        either = matrix.sum(axis=0)[idx_a] + matrix.sum(axis=0)[idx_b] - observed
        p = (1 + (draws >= observed).sum(axis=0)) / (n_perm + 1)
        frames.append(pd.DataFrame({
            "group": group, "actor_a": [names[i] for i in idx_a], "actor_b": [names[i] for i in idx_b],
            "sections": observed, "jaccard": (observed / either).round(3), "expected": draws.mean(axis=0).round(2),
            "p_value": p.round(4), "q_value": benjamini_hochberg(p).round(4), "single_section": observed == 1}))
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=bool if c == "single_section" else float if c in (
            "sections", "jaccard", "expected", "p_value", "q_value") else str) for c in TIE_COLUMNS})
    return pd.concat(frames, ignore_index=True)[TIE_COLUMNS]


def group_nodes(mentions: pd.DataFrame, groups: Mapping[str, str],
                keys: tuple[str, ...] = ("doc_id", "section")) -> pd.DataFrame:
    """Actors per group: group, actor, type, sections (units of the group naming the actor)."""
    table = mentions.assign(group=mentions["doc_id"].map(groups))
    return (table.drop_duplicates([*keys, "actor"]).groupby(["group", "actor", "type"], sort=False)
            .size().rename("sections").reset_index())
