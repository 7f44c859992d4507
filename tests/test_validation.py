"""Validation: Krippendorff's alpha, agreement with intervals, blind packets, adjudication, out-of-group fits."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from corpus_utils import validation

# Krippendorff (2011), "Computing Krippendorff's alpha-reliability", section C: 4 coders x 12 units with
# missing values; published alpha: nominal 0.743, ordinal 0.815, interval 0.849.
N = None
KRIPPENDORFF_2011 = list(zip(
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N], strict=True))


@pytest.mark.parametrize(("metric", "published"), [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849)])
def test_krippendorff_alpha_matches_the_published_worked_example(metric, published):
    assert round(validation.krippendorff_alpha(KRIPPENDORFF_2011, metric), 3) == published


def test_krippendorff_alpha_is_one_for_perfect_agreement_and_near_zero_for_unrelated_codes():
    assert validation.krippendorff_alpha([["a", "a"], ["b", "b"], ["a", "a"]]) == 1.0
    rng = np.random.default_rng(0)
    random_codes = rng.integers(0, 3, size=(400, 2)).tolist()
    assert abs(validation.krippendorff_alpha(random_codes)) < 0.1


def test_krippendorff_alpha_with_two_coders_and_nominal_codes_is_close_to_scotts_pi():
    a = ["x", "x", "y", "y", "x", "z"]
    b = ["x", "y", "y", "y", "x", "x"]
    n = len(a)
    pooled = pd.Series(a + b).value_counts(normalize=True)
    observed = np.mean([p == q for p, q in zip(a, b, strict=True)])
    pi = (observed - (pooled**2).sum()) / (1 - (pooled**2).sum())
    # alpha = pi corrected for sample size: 1 - (1 - pi) * (2n - 1) / (2n)
    expected = 1 - (1 - pi) * (2 * n - 1) / (2 * n)
    assert validation.krippendorff_alpha(list(zip(a, b, strict=True))) == pytest.approx(expected)


def test_classification_scores_gives_intervals_that_contain_the_estimate():
    rng = np.random.default_rng(1)
    truth = rng.choice(list("abc"), size=60)
    predicted = np.where(rng.random(60) < 0.7, truth, rng.choice(list("abc"), size=60))
    report = validation.classification_scores(truth, predicted, n_boot=300, seed=0)
    for measure in ("accuracy", "macro_f1", "kappa"):
        assert report[f"{measure}_low"] <= report[measure] <= report[f"{measure}_high"]
        assert report[f"{measure}_high"] - report[f"{measure}_low"] > 0.05  # 60 units: not a point


def test_agreement_reports_kappa_only_for_two_coders():
    codings = {name: pd.DataFrame({"code": list(codes)}) for name, codes in
               {"a": "xxyyz", "b": "xxyyx", "c": "xyyyz"}.items()}
    three = validation.agreement(codings, "code", n_boot=50)
    two = validation.agreement({k: codings[k] for k in "ab"}, "code", n_boot=50)
    assert "cohen_kappa" not in three and three["coders"] == 3
    assert two["agreement"] == 0.8 and "cohen_kappa" in two


def test_blind_packet_hides_articles_and_shuffles_units():
    sections = pd.DataFrame({"doc_id": ["d1"] * 3 + ["d2"] * 3, "title": ["Secret title"] * 6,
                             "section": [0, 1, 2, 0, 1, 2], "heading": [f"H{i}" for i in range(6)],
                             "text": [f"Body number {i}." for i in range(6)]})
    key = validation.blind_key(sections, seed=3)
    packet = validation.blind_packet(sections, key)
    assert "d1" not in packet and "d2" not in packet and "Secret title" not in packet
    assert validation.NONE in packet and "salience_governance_reform" in packet
    order = [int(packet.index(f"Body number {i}.")) for i in range(6)]
    assert order != sorted(order)  # not in reading order
    assert sorted(key["unit"]) == [f"U{i}" for i in range(1, 7)]


def _coder(frames, functions, salience):
    table = pd.DataFrame({"unit": ["U1", "U2", "U3"], "primary_frame": frames, "function": functions})
    for col in validation.salience_columns():
        table[col] = salience
    return table


def test_adjudication_keeps_agreed_codes_takes_decisions_and_averages_salience():
    a = _coder(["x", "y", "z"], ["remedy"] * 3, [0, 2, 3])
    b = _coder(["x", "y", "w"], ["remedy"] * 3, [1, 2, 3])
    decisions = pd.DataFrame({"unit": ["U3"], "field": ["primary_frame"], "decision": ["w"], "note": ["why"]})
    ref = validation.adjudicate(a, b, decisions)
    assert ref["primary_frame"].tolist() == ["x", "y", "w"]
    assert ref["resolution"].tolist() == ["agreed", "agreed", "adjudicated"]
    assert ref[validation.salience_columns()[0]].tolist() == [0.5, 2.0, 3.0]


def test_adjudication_refuses_decisions_that_miss_a_disagreement():
    a = _coder(["x", "y", "z"], ["remedy"] * 3, 0)
    b = _coder(["x", "q", "w"], ["remedy"] * 3, 0)
    decisions = pd.DataFrame({"unit": ["U3"], "field": ["primary_frame"], "decision": ["w"], "note": [""]})
    with pytest.raises(ValueError, match="U2"):
        validation.adjudicate(a, b, decisions)


def test_leave_one_group_out_never_trains_on_the_held_out_group():
    groups = ["g1", "g1", "g2", "g2", "g3"]
    features = [f"{g}-{i}" for i, g in enumerate(groups)]
    seen = []

    def fit(train, labels):
        seen.append(set(train))
        return lambda new: [labels[0]] * len(new)

    predicted = validation.leave_one_group_out(features, ["a", "a", "b", "b", "c"], groups, fit)
    assert len(seen) == 3
    for trained, group in zip(seen, ["g1", "g2", "g3"], strict=True):
        assert not any(f.startswith(group) for f in trained)
    assert predicted.tolist() == ["b", "b", "a", "a", "a"]


def test_bootstrap_interval_skips_undefined_resamples():
    lo, hi = validation.bootstrap_interval(5, lambda idx: math.nan if idx[0] == 0 else 1.0, n_boot=50)
    assert lo == hi == 1.0


def test_cohen_kappa_of_a_known_table():
    # 2x2 table: both yes 20, both no 15, a-yes/b-no 5, a-no/b-yes 10: po = 0.7, pe = 0.5, kappa = 0.4
    a = ["y"] * 20 + ["n"] * 15 + ["y"] * 5 + ["n"] * 10
    b = ["y"] * 20 + ["n"] * 15 + ["n"] * 5 + ["y"] * 10
    assert validation.cohen_kappa(a, b) == pytest.approx(0.4)


def test_classification_scores_counts_accuracy_and_macro_f1():
    report = validation.classification_scores(["a", "a", "b", "b"], ["a", "b", "b", "b"])
    assert report["accuracy"] == 0.75
    assert report["macro_f1"] == pytest.approx(round((2 / 3 + 0.8) / 2, 3))


def test_confusion_table_has_every_label_on_both_axes():
    table = validation.confusion_table(["a", "b"], ["a", "a"], ["a", "b", "c"])
    assert table.shape == (3, 3) and table.loc["b", "a"] == 1


def test_validation_is_skipped_when_the_coding_does_not_cover_the_units(tmp_path):
    units = pd.DataFrame({"doc_id": ["a", "a"], "section": [0, 1]})
    assert validation.load_coding(tmp_path, units) is None
    for name in ("coder_a", "coder_b", "adjudicated"):
        (tmp_path / f"coding_{name}.csv").write_text("doc_id,section,primary_frame,function\na,0,x,y\n")
    assert validation.load_coding(tmp_path, units) is None  # one section missing: not this corpus's coding


def test_feature_classifier_separates_linearly_separable_rows():
    rows = [[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.1, 0.9]]
    predict = validation.feature_classifier(rows, ["a", "a", "b", "b"], c=10.0)
    assert list(predict([[0.95, 0.0], [0.0, 0.95]])) == ["a", "b"]


def test_alpha_of_a_resample_from_summed_unit_coincidences_equals_alpha_of_the_resampled_data():
    rng = np.random.default_rng(3)
    data = rng.integers(0, 4, size=(60, 2)).astype(object)
    data[5, 1] = None  # an unpairable unit
    values, units = validation.unit_coincidences(data)
    for metric in ("nominal", "ordinal", "interval"):
        for _ in range(20):
            idx = rng.integers(0, len(data), size=len(data))
            summed = np.tensordot(np.bincount(idx, minlength=len(data)).astype(float), units, axes=1)
            assert validation.alpha_from_coincidences(summed, values, metric) == pytest.approx(
                validation.krippendorff_alpha(data[idx], metric), abs=1e-12)


def test_confusion_matrix_measures_equal_the_measures_on_the_codings():
    rng = np.random.default_rng(4)
    labels = ["a", "b", "c", "d"]
    for _ in range(50):
        truth = list(rng.choice(labels, size=30))
        predicted = list(rng.choice(labels[:3], size=30))
        codes = {v: i for i, v in enumerate(labels)}
        cm = np.zeros((4, 4), dtype=int)
        for t, p in zip(truth, predicted, strict=True):
            cm[codes[t], codes[p]] += 1
        assert validation._kappa(cm) == pytest.approx(validation.cohen_kappa(truth, predicted), abs=1e-12)
        assert validation._macro_f1(cm) == pytest.approx(validation.macro_f1(truth, predicted), abs=1e-12)
        assert validation._accuracy(cm) == pytest.approx(np.mean(np.array(truth) == np.array(predicted)))
