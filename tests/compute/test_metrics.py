import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compute import metrics

# deterministic, no per-example deadline (first examples import torch), short on 2 cores
PROPS = settings(deadline=None, max_examples=60, derandomize=True)

Y = [1, 0, 1, 1, 0, 0, 1, 0, 1, 0]
S = [0.9, 0.8, 0.7, 0.6, 0.55, 0.5, 0.4, 0.3, 0.2, 0.1]


def test_confusion_counts_hand_worked():
    out = metrics.classification(y_true=Y, y_score=S, threshold=0.5)
    # predicted positive: .9 .8 .7 .6 .55 .5 -> tp 3, fp 3; negatives: .4 .3 .2 .1 -> fn 2, tn 2
    assert (out["tp"], out["fp"], out["fn"], out["tn"]) == (3, 3, 2, 2)
    assert out["precision"] == 0.5 and out["recall"] == 0.6
    assert out["f1"] == pytest.approx(2 * 0.5 * 0.6 / 1.1)
    assert out["accuracy"] == 0.5


def _check_against_sklearn(y, s, thr):
    sk = pytest.importorskip("sklearn.metrics")
    out = metrics.classification(y_true=y, y_score=s, threshold=thr)
    pred = [int(v >= thr) for v in s]
    kw = dict(zero_division=0)
    assert out["precision"] == pytest.approx(sk.precision_score(y, pred, **kw))
    assert out["recall"] == pytest.approx(sk.recall_score(y, pred, **kw))
    assert out["f1"] == pytest.approx(sk.f1_score(y, pred, **kw))
    assert out["accuracy"] == pytest.approx(sk.accuracy_score(y, pred))
    assert out["auc"] == pytest.approx(sk.roc_auc_score(y, s))
    assert out["average_precision"] == pytest.approx(sk.average_precision_score(y, s))
    fpr, tpr, _ = sk.roc_curve(y, s, drop_intermediate=False)
    assert np.allclose(out["roc"]["fpr"], fpr) and np.allclose(out["roc"]["tpr"], tpr)
    p, r, _ = sk.precision_recall_curve(y, s)
    assert np.allclose(out["pr"]["precision"], p[::-1]) and np.allclose(out["pr"]["recall"], r[::-1])


def test_matches_sklearn_on_the_example():
    _check_against_sklearn(Y, S, 0.5)


@PROPS
@given(st.lists(st.tuples(st.integers(0, 1), st.sampled_from([0.0, 0.1, 0.25, 0.5, 0.5, 0.75, 0.9, 1.0])),
                min_size=2, max_size=30).filter(lambda xs: len({y for y, _ in xs}) == 2),
       st.sampled_from([0.3, 0.5, 0.8]))
def test_matches_sklearn_with_ties(pairs, thr):
    y, s = zip(*pairs, strict=True)
    _check_against_sklearn(list(y), list(s), thr)


def test_zero_division_gives_zero():
    out = metrics.classification(y_true=[0, 1], y_score=[0.1, 0.2], threshold=0.9)
    assert out["precision"] == 0.0 and out["f1"] == 0.0


def test_error_rate_and_pr_step_hand_worked():
    # scores descending: labels 1 1 0 1; thresholds .9 .8 .7 .6 give (R, P) = (1/3, 1) (2/3, 1) (2/3, 2/3) (1, 3/4);
    # the third point adds no recall, so it draws no step
    out = metrics.classification(y_true=[1, 1, 0, 1], y_score=[0.9, 0.8, 0.7, 0.6], threshold=0.75)
    assert out["error_rate"] == pytest.approx(1 - out["accuracy"]) == pytest.approx(1 / 4)
    r, p = out["pr_step"]["recall"], out["pr_step"]["precision"]
    assert r == pytest.approx([0, 1 / 3, 1 / 3, 2 / 3, 2 / 3, 1])
    assert p == pytest.approx([1, 1, 1, 1, 3 / 4, 3 / 4])


@PROPS
@given(st.lists(st.tuples(st.integers(0, 1), st.sampled_from([0.0, 0.1, 0.25, 0.5, 0.5, 0.75, 0.9, 1.0])),
                min_size=2, max_size=30).filter(lambda xs: len({y for y, _ in xs}) == 2))
def test_area_under_the_pr_step_plot_is_sklearns_average_precision(pairs):
    sk = pytest.importorskip("sklearn.metrics")
    y, s = map(list, zip(*pairs, strict=True))
    out = metrics.classification(y_true=y, y_score=s)
    r, p = np.asarray(out["pr_step"]["recall"]), np.asarray(out["pr_step"]["precision"])
    assert np.all(np.diff(r) >= 0)  # a step plot: recall never goes back
    assert np.trapezoid(p, r) == pytest.approx(sk.average_precision_score(y, s))
