"""Retrieval for RAG: cosine similarity between a query embedding and document embeddings, top-k."""

import numpy as np

from compute._common import arr, jsonable


def cosine_topk(query: list[float], docs: list[list[float]], k: int = 3,
                doc_ids: list[str] | None = None) -> dict:
    """Cosine similarity of the query to every document vector and the k most similar (ties: lower index).

    Returns:
        scores: cosine similarity per document.
        ranked: document indices by descending similarity.
        topk: the first k of `ranked`.
        topk_scores: their similarities.
        topk_ids: their doc_ids (or indices as strings when no ids are given).
    """
    q, d = arr(query, "query", ndim=1), arr(docs, "docs", ndim=2)
    if d.shape[1] != q.size:
        raise ValueError(f"every document vector must have the query's dimension {q.size}")
    nq, nd = np.linalg.norm(q), np.linalg.norm(d, axis=1)
    if nq == 0 or np.any(nd == 0):
        raise ValueError("cosine similarity is undefined for zero vectors")
    if doc_ids is not None and len(doc_ids) != d.shape[0]:
        raise ValueError("doc_ids must have one id per document")
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}")
    scores = d @ q / (nd * nq)
    ranked = np.argsort(-scores, kind="stable")
    top = ranked[:k]
    ids = doc_ids if doc_ids is not None else [str(i) for i in range(d.shape[0])]
    return jsonable({"scores": scores, "ranked": ranked, "topk": top, "topk_scores": scores[top],
                     "topk_ids": [ids[i] for i in top]})


def rerank(candidates: list[int], scores: list[float], keep: int = 2) -> dict:
    """Re-rank retrieved candidates by a second scorer (e.g. a cross-encoder's relevance) and keep the best.

    `candidates` are document indices in retrieval order (e.g. cosine_topk's `topk`); `scores` holds the
    second scorer's value for every document, by document index. Ties keep the retrieval order.

    Returns:
        scores: the second score of each candidate, in retrieval order.
        order: the candidates by descending second score.
        kept: one bool per candidate (retrieval order), True for the `keep` best.
        top: the kept document indices, best first.
    """
    if not candidates:
        raise ValueError("rerank needs at least one candidate")
    if keep < 1:
        raise ValueError(f"keep must be >= 1, got {keep}")
    for c in candidates:
        if not 0 <= c < len(scores):
            raise ValueError(f"candidate {c} has no score (scores has {len(scores)} entries)")
    if len(set(candidates)) != len(candidates):
        raise ValueError("candidates must be distinct document indices")
    s = [float(scores[c]) for c in candidates]
    rank = sorted(range(len(candidates)), key=lambda i: -s[i])  # stable: retrieval order on ties
    top = rank[:keep]
    return jsonable({"scores": s, "order": [candidates[i] for i in rank],
                     "kept": [i in top for i in range(len(candidates))], "top": [candidates[i] for i in top]})
