"""Greedy and beam search over a small next-token probability tree (the toy "model" of a decoding diagram).

The tree maps each candidate next token to its conditional probability and its own continuations:

    {"在": {"p": 0.4, "next": {"哪里": {"p": 0.25, "next": {...}}, "干": {"p": 0.2}}},
     "好": {"p": 0.3, "next": {...}}, "有": {"p": 0.1}}

Sibling probabilities are p(token | prefix); they may sum to less than 1 (the rest of the vocabulary is
not shown). A node without "next" ends its branch. Conventions follow Hugging Face `generate`
(transformers 5.x `GenerationMixin._sample` / `_beam_search`): greedy takes the argmax (first on ties);
beam search ranks running beams by the raw sum of log-probs, keeps the top `beams`, and scores finished
hypotheses by sum_logprobs / generated_len ** length_penalty.
"""

import math
from collections.abc import Callable
from typing import NotRequired

from typing_extensions import TypedDict

from compute._common import jsonable


class TokenNode(TypedDict):
    """One candidate next token: its conditional probability and (optionally) its continuations."""

    p: float
    next: NotRequired[dict[str, "TokenNode"]]


Children = Callable[[tuple[str, ...]], list[tuple[str, float]]]  # prefix -> [(token, logprob)] in order


def _tree_children(tree: dict[str, TokenNode]) -> Children:
    def check(level: dict[str, TokenNode], where: str) -> None:
        total = 0.0
        for tok, node in level.items():
            p = node["p"]
            if not 0 < p <= 1:
                raise ValueError(f"probability of {where + tok!r} must be in (0, 1], got {p}")
            total += p
            check(node.get("next", {}), where + tok + " ")
        if total > 1 + 1e-6:
            raise ValueError(f"probabilities after {where.strip() or 'the prompt'!r} sum to {total:.6g} > 1")

    check(tree, "")

    def children(prefix: tuple[str, ...]) -> list[tuple[str, float]]:
        level = tree
        for tok in prefix:
            level = level[tok].get("next", {})
        return [(tok, math.log(node["p"])) for tok, node in level.items()]

    return children


def _greedy(children: Children, steps: int, eos: str | None) -> dict:
    path: list[str] = []
    logp, per_step = 0.0, []
    for step in range(1, steps + 1):
        cands = children(tuple(path))
        if not cands:
            break
        best = max(range(len(cands)), key=lambda i: (cands[i][1], -i))  # first index on ties
        per_step.append({"step": step, "prefix": list(path), "candidates": [
            {"token": t, "p": math.exp(lp), "cumulative": math.exp(logp + lp), "chosen": i == best}
            for i, (t, lp) in enumerate(cands)]})
        tok, lp = cands[best]
        path.append(tok)
        logp += lp
        if eos is not None and tok == eos:
            break
    return {"path": path, "logprob": logp, "steps": per_step}


def greedy(tree: dict[str, TokenNode], steps: int = 10, prompt: str = "", eos: str = "<END>",
           sep: str = "") -> dict:
    """Greedy decoding over a next-token tree: take the most probable token at every step (first on ties).

    Returns:
        path: the chosen tokens.
        text: prompt + the chosen tokens joined with `sep`.
        probs: conditional probability of each chosen token.
        cumulative: probability of the chosen prefix after each step (product of probs).
        logprob: log-probability of the whole path.
        steps: per step, {step, prefix, candidates: [{token, p, cumulative, chosen}]}.
    """
    if steps < 1:
        raise ValueError(f"steps must be >= 1, got {steps}")
    out = _greedy(_tree_children(tree), steps, eos or None)
    probs = [next(c["p"] for c in s["candidates"] if c["chosen"]) for s in out["steps"]]
    cum = [next(c["cumulative"] for c in s["candidates"] if c["chosen"]) for s in out["steps"]]
    return jsonable({"path": out["path"], "text": prompt + sep.join(out["path"]), "probs": probs,
                     "cumulative": cum, "logprob": out["logprob"], "steps": out["steps"]})


def _beam(children: Children, beams: int, steps: int, length_penalty: float, eos: str | None) -> dict:
    def score(lp: float, n: int) -> float:
        return lp / (n ** length_penalty) if n else lp

    running: list[tuple[tuple[str, ...], float]] = [((), 0.0)]
    finished: list[dict] = []
    per_step = []
    for step in range(1, steps + 1):
        cands, ended = [], []
        for b, (prefix, lp) in enumerate(running):
            ch = children(prefix)
            if not ch:  # a branch of the table ends: the hypothesis is complete
                ended.append({"tokens": list(prefix), "logprob": lp, "score": score(lp, len(prefix)),
                              "step": step - 1})
            for tok, tlp in ch:
                cands.append({"tokens": [*prefix, tok], "token": tok, "parent": b, "p": math.exp(tlp),
                              "logprob": lp + tlp, "cumulative": math.exp(lp + tlp), "kept": False,
                              "finished": eos is not None and tok == eos})
        finished += ended
        order = sorted(range(len(cands)), key=lambda i: -cands[i]["logprob"])  # stable: table order on ties
        nxt, done = [], []
        for rank, i in enumerate(order[:2 * beams]):
            c = cands[i]
            if c["finished"]:
                if rank < beams:  # HF: an EOS candidate counts only if it ranks among the top `beams`
                    c["kept"] = True
                    done.append(c["tokens"])
                    finished.append({"tokens": c["tokens"], "logprob": c["logprob"],
                                     "score": score(c["logprob"], len(c["tokens"])), "step": step})
            elif len(nxt) < beams:
                c["kept"] = True
                nxt.append((tuple(c["tokens"]), c["logprob"]))
        kept = [{"tokens": list(t), "logprob": lp, "cumulative": math.exp(lp)} for t, lp in nxt]
        per_step.append({"step": step, "candidates": cands, "kept": kept, "finished": done})
        running = nxt
        if not running:
            break
    finished += [{"tokens": list(t), "logprob": lp, "score": score(lp, len(t)), "step": steps}
                 for t, lp in running]
    finished.sort(key=lambda h: -h["score"])
    for h in finished:
        h["cumulative"] = math.exp(h["logprob"])
    return {"steps": per_step, "sequences": finished}


def beam_search(tree: dict[str, TokenNode], beams: int = 2, steps: int = 3, length_penalty: float = 1.0,
                prompt: str = "", eos: str = "<END>", sep: str = "") -> dict:
    """Beam search over a next-token tree: keep the `beams` most probable prefixes at every step.

    A hypothesis finishes when it emits `eos` (only if it ranks in the top `beams`, as in HF) or when its
    branch of the table ends; after `steps` the running beams finish too. Hypotheses are ranked by
    logprob / len ** length_penalty (len = generated tokens); length_penalty = 0 ranks by probability.

    Returns:
        best: tokens of the best hypothesis.
        best_text: prompt + best tokens joined with `sep`.
        best_score: its length-normalised score.
        steps: per step, {step, candidates: [{tokens, token, parent, p, logprob, cumulative, kept, finished}],
            kept: [{tokens, logprob, cumulative}], finished: [tokens of the hypotheses that emitted `eos` and
            ranked in the top `beams` at this step]} (parent indexes the previous step's kept list).
        sequences: every finished hypothesis {tokens, logprob, cumulative, score, step}, best first.
        evaluated: every scored prefix, its tokens joined by spaces ("a r e") -> its probability (the product
            along its path); a prefix the search never scored is absent.
        pruned: tokens of every scored prefix the search dropped (not kept, not finished), step by step.
    """
    if beams < 1 or steps < 1:
        raise ValueError(f"beams and steps must be >= 1, got beams={beams}, steps={steps}")
    out = _beam(_tree_children(tree), beams, steps, length_penalty, eos or None)
    best = out["sequences"][0]
    cands = [c for s in out["steps"] for c in s["candidates"]]
    return jsonable({"best": best["tokens"], "best_text": prompt + sep.join(best["tokens"]),
                     "best_score": best["score"], "steps": out["steps"], "sequences": out["sequences"],
                     "evaluated": {" ".join(c["tokens"]): c["cumulative"] for c in cands},
                     "pruned": [c["tokens"] for c in cands if not c["kept"]]})
