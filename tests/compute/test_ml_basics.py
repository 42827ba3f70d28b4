"""ml.kmeans against scikit-learn's KMeans, ml.linear_fit against scikit-learn's LinearRegression."""

import numpy as np
import pytest
from sklearn.cluster import KMeans
from sklearn.linear_model import LinearRegression

from compute import ml_basics

BLOBS = [[1.0, 1.2], [1.3, 0.8], [0.9, 1.0], [5.0, 5.2], [5.3, 4.9], [4.8, 5.1], [1.1, 5.0], [0.8, 5.3],
         [1.2, 4.7]]


def _same_partition(a, b):
    return all((a[i] == a[j]) == (b[i] == b[j]) for i in range(len(a)) for j in range(len(a)))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_kmeans_matches_sklearn_on_separated_and_random_data(seed):
    rng = np.random.default_rng(seed)
    centres = rng.uniform(-10, 10, size=(3, 2))
    pts = np.concatenate([c + rng.normal(0, 0.5, size=(6, 2)) for c in centres]).tolist()
    for data in (BLOBS, pts):
        ours = ml_basics.kmeans(points=data, k=3)
        ref = KMeans(n_clusters=3, n_init=10, random_state=0).fit(np.array(data))
        assert _same_partition(ours["labels"], ref.labels_)
        assert ours["inertia"] == pytest.approx(ref.inertia_, rel=1e-9)
        for j, c in enumerate(ours["centres"]):
            assert c == pytest.approx(np.array(data)[np.array(ours["labels"]) == j].mean(0).tolist())


def test_kmeans_numbers_clusters_by_first_appearance_and_groups_the_points():
    out = ml_basics.kmeans(points=BLOBS, k=3)
    assert out["labels"] == [0, 0, 0, 1, 1, 1, 2, 2, 2]
    assert out["sizes"] == [3, 3, 3]
    assert out["grouped"] == [BLOBS[i] for i in out["order"]]


def test_linear_fit_matches_sklearn():
    x, y = [1.0, 2.0, 3.0, 4.0, 6.0], [2.1, 3.9, 6.2, 7.8, 12.3]
    out = ml_basics.linear_fit(x=x, y=y)
    ref = LinearRegression().fit(np.array(x)[:, None], y)
    assert out["w"] == pytest.approx(ref.coef_[0])
    assert out["b"] == pytest.approx(ref.intercept_)
    assert out["predictions"] == pytest.approx(ref.predict(np.array(x)[:, None]).tolist())
    assert out["mse"] == pytest.approx(np.mean((ref.predict(np.array(x)[:, None]) - y) ** 2))


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError):
        ml_basics.kmeans(points=BLOBS, k=20)
    with pytest.raises(ValueError):
        ml_basics.linear_fit(x=[1.0, 1.0], y=[2.0, 3.0])
