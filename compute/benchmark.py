"""Scoring a multiple-choice benchmark run (MMLU, C-Eval, CMMLU style): extract each answer, compare, average.

Generation-based evaluation as in OpenCompass' "gen" mode or C-Eval's answer extraction: the model writes free
text, the first option letter standing on its own (not inside a word) is taken as its answer, and an output
without one counts as wrong. Accuracy is reported over all items (micro) and as the mean of the per-subject
accuracies (macro), each also as a score out of 100.
"""

from __future__ import annotations

import re

from compute._common import jsonable


def _letter_pattern(options: str) -> re.Pattern[str]:
    """A letter among `options` with no Latin letter right before or after it (CJK text around it is fine)."""
    return re.compile(rf"(?<![A-Za-z])([{re.escape(options)}])(?![A-Za-z])")


def extract(output: str, options: str = "ABCD") -> str:
    """The answer letter in a model's output: the first option letter standing alone; "" when there is none."""
    m = _letter_pattern(options).search(output)
    return m.group(1) if m else ""


def _by_subject(subjects: list[str], correct: list[bool]) -> tuple[list[str], list[int], list[int]]:
    """Distinct subjects in first-seen order, with their item counts and correct counts."""
    order: dict[str, list[int]] = {}
    for s, c in zip(subjects, correct, strict=True):
        order.setdefault(s, [0, 0])
        order[s][0] += 1
        order[s][1] += int(c)
    return list(order), [v[0] for v in order.values()], [v[1] for v in order.values()]


def score(gold: list[str], outputs: list[str], subjects: list[str], options: str = "ABCD") -> dict:
    """Extract each output's answer letter, mark it against the gold letter, and average (micro and macro).

    Returns:
        extracted: the letter taken from each output ("" when it names none).
        correct: whether each extracted letter equals its gold letter.
        n: number of items.
        n_correct: items answered correctly.
        n_unparsed: outputs that named no option (counted wrong).
        accuracy: n_correct / n (micro: every item weighs the same).
        score: 100 × accuracy.
        subjects: the distinct subjects, in first-seen order.
        subject_n: items per subject.
        subject_correct: correct items per subject.
        subject_accuracy: correct / items per subject.
        subject_score: 100 × subject_accuracy.
        macro_accuracy: mean of the per-subject accuracies (every subject weighs the same).
        macro_score: 100 × macro_accuracy.
    """
    if not gold or not len(gold) == len(outputs) == len(subjects):
        raise ValueError("gold, outputs and subjects must be non-empty and of the same length")
    if not options or len(set(options)) != len(options) or not options.isalpha():
        raise ValueError("options must be distinct letters, e.g. 'ABCD'")
    if any(g not in options or len(g) != 1 for g in gold):
        raise ValueError(f"every gold answer must be one of the letters {options!r}")
    extracted = [extract(o, options) for o in outputs]
    correct = [e == g for e, g in zip(extracted, gold, strict=True)]
    names, totals, rights = _by_subject(subjects, correct)
    per = [r / t for r, t in zip(rights, totals, strict=True)]
    accuracy = sum(correct) / len(correct)
    macro = sum(per) / len(per)
    return jsonable(
        {
            "extracted": extracted,
            "correct": correct,
            "n": len(gold),
            "n_correct": sum(correct),
            "n_unparsed": extracted.count(""),
            "accuracy": accuracy,
            "score": 100 * accuracy,
            "subjects": names,
            "subject_n": totals,
            "subject_correct": rights,
            "subject_accuracy": per,
            "subject_score": [100 * p for p in per],
            "macro_accuracy": macro,
            "macro_score": 100 * macro,
        }
    )
