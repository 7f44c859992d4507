"""Word and topic intrusion tests (Chang et al. 2009): seeded items, and scores that follow the answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from corpus_utils import intrusion


@pytest.fixture
def model():
    rng = np.random.default_rng(0)
    phi = rng.dirichlet(np.full(40, 0.3), size=4)
    theta = rng.dirichlet(np.full(4, 0.5), size=30)
    return phi, [f"w{i}" for i in range(40)], theta


def _answers(items, pick):
    return pd.DataFrame([{"item": i["item"], "item_digest": i["digest"], "chosen": pick(i)} for i in items])


@pytest.mark.parametrize("seed", [1, 7, 42])
def test_the_same_seed_gives_the_same_test(model, seed):
    phi, terms, theta = model
    assert intrusion.word_items(phi, terms, seed) == intrusion.word_items(phi, terms, seed)
    assert intrusion.topic_items(theta, list(map(str, range(30))), seed) == \
        intrusion.topic_items(theta, list(map(str, range(30))), seed)


def test_another_seed_gives_another_test(model):
    theta = model[2]
    units = list(map(str, range(30)))
    assert intrusion.topic_items(theta, units, 1) != intrusion.topic_items(theta, units, 2)


@pytest.mark.parametrize("seed", [1, 7, 42])
def test_a_word_intruder_is_improbable_in_its_topic_and_probable_in_another(model, seed):
    phi, terms, _ = model
    for item in intrusion.word_items(phi, terms, seed):
        t, w = item["topic"] - 1, terms.index(item["intruder"])
        assert item["intruder"] in item["options"] and len(item["options"]) == 6
        assert (phi[t] > phi[t, w]).sum() >= len(terms) // 2
        assert any((phi[o] > phi[o, w]).sum() < max(5, 0.1 * len(terms)) for o in range(len(phi)) if o != t)


@pytest.mark.parametrize("seed", [1, 7, 42])
def test_a_topic_intruder_is_in_the_units_least_probable_half(model, seed):
    _, _, theta = model
    for item in intrusion.topic_items(theta, list(map(str, range(30))), seed):
        row = theta[item["row"]]
        assert (row > row[int(item["intruder"]) - 1]).sum() >= len(row) // 2


def test_finding_every_intruder_scores_precision_one_and_log_odds_zero(model):
    phi, terms, theta = model
    items = intrusion.word_items(phi, terms, 3) + intrusion.topic_items(theta, list(map(str, range(30))), 3)
    answers = _answers(items, lambda i: i["intruder"])
    assert (intrusion.model_precision(items, answers)["model_precision"] == 1.0).all()
    assert (intrusion.topic_log_odds(items, answers, theta)["topic_log_odds"] == 0.0).all()


def test_missing_every_intruder_scores_precision_zero_and_negative_log_odds(model):
    phi, terms, theta = model
    items = intrusion.word_items(phi, terms, 3) + intrusion.topic_items(theta, list(map(str, range(30))), 3)
    answers = _answers(items, lambda i: next(o for o in i["options"] if o != i["intruder"]))
    assert (intrusion.model_precision(items, answers)["model_precision"] == 0.0).all()
    assert (intrusion.topic_log_odds(items, answers, theta)["topic_log_odds"] < 0).all()


def test_answers_to_items_of_another_model_are_not_scored(model):
    phi, terms, _ = model
    items = intrusion.word_items(phi, terms, 3)
    answers = _answers(items, lambda i: i["intruder"]).assign(item_digest="other")
    assert intrusion.model_precision(items, answers).empty
    assert intrusion.stale_answers(items, answers) == len(items)


def test_two_topics_give_items_with_two_options_and_chance_one_half():
    theta = np.array([[0.9, 0.1], [0.3, 0.7], [0.5, 0.5]])
    items = intrusion.topic_items(theta, ["a", "b", "c"], 0)
    assert all(len(i["options"]) == 2 for i in items)
    answers = _answers(items, lambda i: i["intruder"])
    assert (intrusion.topic_log_odds(items, answers, theta)["chance"] == 0.5).all()


@pytest.mark.parametrize("v", [1, 3, 7])
def test_a_small_vocabulary_never_offers_a_topic_word_as_its_intruder(v):
    phi = np.random.default_rng(1).dirichlet(np.ones(v), size=3)
    for item in intrusion.word_items(phi, [f"w{i}" for i in range(v)], 1):
        assert len(set(item["options"])) == len(item["options"])
