import numpy as np
import pytest

from compute import rag


def test_cosine_topk_hand_worked():
    out = rag.cosine_topk(query=[1.0, 0.0], docs=[[0.0, 1.0], [1.0, 1.0], [2.0, 0.0]], k=2,
                          doc_ids=["a", "b", "c"])
    assert out["scores"] == pytest.approx([0.0, 2 ** -0.5, 1.0])
    assert out["topk_ids"] == ["c", "b"] and out["ranked"] == [2, 1, 0]


def test_matches_sklearn_cosine_similarity():
    sk = pytest.importorskip("sklearn.metrics.pairwise")
    rng = np.random.default_rng(0)
    q, d = rng.normal(size=8), rng.normal(size=(20, 8))
    out = rag.cosine_topk(query=q.tolist(), docs=d.tolist(), k=5)
    ref = sk.cosine_similarity(q[None], d)[0]
    assert np.allclose(out["scores"], ref)
    assert out["topk"] == np.argsort(-ref, kind="stable")[:5].tolist()
