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


def test_rerank_keeps_the_best_by_the_second_score():
    # the reference: sort the retrieved candidates by the second score (stable), keep the first `keep`
    candidates, scores = [1, 3, 0], [0.81, 0.96, 0.02, 0.12]
    out = rag.rerank(candidates=candidates, scores=scores, keep=2)
    ref = sorted(candidates, key=lambda c: -scores[c])
    assert out["order"] == ref == [1, 0, 3]
    assert out["top"] == ref[:2]
    assert out["kept"] == [True, False, True]
    assert out["scores"] == [0.96, 0.12, 0.81]


def test_rerank_ties_keep_retrieval_order_and_bad_input_is_refused():
    assert rag.rerank(candidates=[2, 0], scores=[0.5, 0.1, 0.5], keep=1)["top"] == [2]
    with pytest.raises(ValueError, match="no score"):
        rag.rerank(candidates=[5], scores=[0.1], keep=1)
    with pytest.raises(ValueError, match="distinct"):
        rag.rerank(candidates=[0, 0], scores=[0.1], keep=1)
