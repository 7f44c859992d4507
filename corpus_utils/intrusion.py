"""Intrusion: word and topic intrusion tests of a topic model for people to answer, and their scores
(Chang, Boyd-Graber, Gerrish, Wang & Blei 2009, "Reading tea leaves: how humans interpret topic models").

Word intrusion: a topic's most probable words and one intruder, a word improbable in this topic but among the
most probable of another; model precision is the share of answers that find the intruder. Topic intrusion:
a text unit with the topics most probable in it and one improbable intruder topic; the topic log odds is the
mean of log theta(intruder) - log theta(chosen) (0 when the intruder is found, more negative the worse).
Items are generated from a seed, so the same model and seed give the same test again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

WORD, TOPIC = "word", "topic"


def _digest(*parts: object) -> str:
    """Short sha256 of an item's content: an answer counts only for the very item that was shown."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:12]


def word_items(phi: np.ndarray, terms: Sequence[str], seed: int, n_words: int = 5, top_share: float = 0.1
               ) -> list[dict[str, object]]:
    """One word intrusion item per topic: its ``n_words`` most probable words and an intruder drawn from the
    words that are in the top ``top_share`` of some other topic but in the bottom half of this one, options
    shuffled (``seed``). A topic with no such word gets no item (as with a single topic).

    Parameters
    ----------
    phi : topics x terms probabilities of the model.
    terms : the vocabulary, in phi's column order.
    seed : seeds the intruders and the option order.
    n_words : the topic's own words shown.
    top_share : how high in another topic an intruder must rank (share of the vocabulary).
    """
    rng = np.random.default_rng(seed)
    k, v = phi.shape
    order = np.argsort(-phi, axis=1, kind="stable")
    rank = np.empty_like(order)
    rank[np.arange(k)[:, None], order] = np.arange(v)[None, :]
    high = max(n_words, int(np.ceil(top_share * v)))
    items: list[dict[str, object]] = []
    for t in range(k):
        own = [terms[i] for i in order[t, :n_words]]
        others = [o for o in range(k) if o != t]
        pool = sorted({int(i) for o in others for i in order[o, :high] if rank[t, i] >= max(v // 2, n_words)})
        if not pool:
            continue
        intruder = terms[int(rng.choice(pool))]
        options = [*own, intruder]
        options = [options[i] for i in rng.permutation(len(options))]
        items.append({"item": f"word-{t + 1:02d}", "kind": WORD, "topic": t + 1, "options": options,
                      "intruder": intruder, "digest": _digest(WORD, t + 1, options, intruder)})
    return items


def topic_items(theta: np.ndarray, units: Sequence[str], seed: int, n_items: int = 10, n_shown: int = 4
                ) -> list[dict[str, object]]:
    """Topic intrusion items (at least two options each) for ``n_items`` units drawn at random (``seed``): the
    unit's most probable topics (``n_shown`` - 1, at most K - 1) and an intruder drawn from its least probable
    half of topics, shuffled.
    With two topics an item shows the top topic and the other one: chance is then 1 in 2.

    Parameters
    ----------
    theta : units x topics proportions of the model.
    units : a unit id for each row of theta (e.g. "doc_id/section/paragraph").
    seed : seeds the units, the intruders and the option order.
    n_items : how many units to test.
    n_shown : topics shown per item, the intruder included.
    """
    rng = np.random.default_rng(seed)
    n, k = theta.shape
    if k < 2 or n == 0:
        return []
    shown = max(2, min(n_shown, k))
    picked = sorted(rng.choice(n, size=min(n_items, n), replace=False).tolist())
    items: list[dict[str, object]] = []
    for number, u in enumerate(picked, start=1):
        order = [int(t) for t in np.argsort(-theta[u], kind="stable")]
        top = order[: shown - 1]
        low = [t for t in order[len(order) // 2 :] if t not in top] or [order[-1]]
        intruder = int(rng.choice(low))
        options = [t + 1 for t in top] + [intruder + 1]
        options = [options[i] for i in rng.permutation(len(options))]
        items.append({"item": f"topic-{number:02d}", "kind": TOPIC, "unit": units[u], "row": u,
                      "options": [str(o) for o in options], "intruder": str(intruder + 1),
                      "digest": _digest(TOPIC, units[u], options, intruder + 1)})
    return items


def current_answers(items: Sequence[Mapping[str, object]], answers: pd.DataFrame) -> pd.DataFrame:
    """The answers to these very items (item id and content digest match, the answer one of the options), with
    the item's intruder; other answers are left out (``stale_answers`` counts them)."""
    table = pd.DataFrame([{"item": i["item"], "item_digest": i["digest"], "intruder": i["intruder"],
                           "topic": i.get("topic"), "row": i.get("row"), "n_options": len(i["options"]),  # type: ignore[arg-type]
                           "options": tuple(map(str, i["options"]))}  # type: ignore[call-overload]
                          for i in items], columns=["item", "item_digest", "intruder", "topic", "row", "n_options",
                                                    "options"])
    found = answers.astype({"item": str, "item_digest": str}).merge(table, on=["item", "item_digest"], how="inner")
    keep = [str(c) in o for c, o in zip(found["chosen"], found["options"], strict=True)]
    return found.loc[np.array(keep, dtype=bool)].drop(columns="options")


def stale_answers(items: Sequence[Mapping[str, object]], answers: pd.DataFrame) -> int:
    """How many answers are to items this model and seed do not generate (another model, corpus or seed)."""
    return len(answers) - len(current_answers(items, answers))


def model_precision(items: Sequence[Mapping[str, object]], answers: pd.DataFrame) -> pd.DataFrame:
    """Per topic: answers, model precision (share of answers that picked the intruder), and chance (1 / options)."""
    found = current_answers([i for i in items if i["kind"] == WORD], answers)
    if found.empty:
        return pd.DataFrame(columns=["topic", "answers", "model_precision", "chance"])
    found = found.assign(correct=(found["chosen"].astype(str) == found["intruder"].astype(str)).astype(float))
    table = found.groupby("topic").agg(answers=("correct", "size"), model_precision=("correct", "mean"),
                                      n_options=("n_options", "first")).reset_index()
    return table.assign(chance=1 / table.pop("n_options"), topic=table["topic"].astype(int)).round(3)


def topic_log_odds(items: Sequence[Mapping[str, object]], answers: pd.DataFrame, theta: np.ndarray,
                   floor: float = 1e-12) -> pd.DataFrame:
    """Per tested unit: answers, topic log odds (mean of log theta(intruder) - log theta(chosen); 0 is best),
    and the share of answers that found the intruder."""
    found = current_answers([i for i in items if i["kind"] == TOPIC], answers)
    if found.empty:
        return pd.DataFrame(columns=["item", "answers", "topic_log_odds", "found", "chance"])
    rows = found["row"].astype(int).to_numpy()
    log_theta = np.log(np.maximum(theta, floor))
    intruder = log_theta[rows, found["intruder"].astype(int).to_numpy() - 1]
    chosen = log_theta[rows, found["chosen"].astype(int).to_numpy() - 1]
    found = found.assign(log_odds=intruder - chosen, correct=(found["chosen"].astype(str) == found["intruder"]))
    table = found.groupby("item").agg(answers=("log_odds", "size"), topic_log_odds=("log_odds", "mean"),
                                      found=("correct", "mean"), n_options=("n_options", "first")).reset_index()
    return table.assign(chance=1 / table.pop("n_options")).round(3)


def items_table(items: Sequence[Mapping[str, object]]) -> pd.DataFrame:
    """The items as a table without their answers (what a coder may see): item, kind, options."""
    return pd.DataFrame([{"item": i["item"], "kind": i["kind"], "options": ", ".join(map(str, i["options"]))}  # type: ignore[call-overload]
                         for i in items], columns=["item", "kind", "options"])
