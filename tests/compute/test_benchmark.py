"""benchmark.score against an independent answer extractor, scikit-learn's accuracy and a per-subject mean."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compute import benchmark

PROPS = settings(deadline=None, max_examples=80, derandomize=True)


def _reference_letter(text: str, options: str = "ABCD") -> str:
    """Scan left to right for an option letter whose neighbours are not ASCII letters (written without re)."""
    ascii_letter = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
    for i, ch in enumerate(text):
        if ch in options:
            before = text[i - 1] if i else ""
            after = text[i + 1] if i + 1 < len(text) else ""
            if before not in ascii_letter and after not in ascii_letter:
                return ch
    return ""


@pytest.mark.parametrize(
    ("text", "letter"),
    [
        ("The answer is B.", "B"),
        ("答案是C。", "C"),
        ("(D) Perth", "D"),
        ("A", "A"),
        ("Because Canberra is the capital, B", "B"),  # the C of "Canberra" and "capital" is inside a word
        ("I cannot tell.", ""),  # "I" is no option; the capital A… never stands alone
        ("It is 12.", ""),
    ],
)
def test_extract_takes_the_first_letter_standing_alone(text, letter):
    assert benchmark.extract(text) == letter == _reference_letter(text)


@PROPS
@given(st.text(alphabet="ABCDEab .答案是（）:1", max_size=20))
def test_extract_agrees_with_the_reference_scanner(text):
    assert benchmark.extract(text) == _reference_letter(text)


OUTPUTS = ["A", "B", "C", "D", "answer: C", "no idea", "答案是 D"]


@PROPS
@given(
    st.lists(
        st.tuples(st.sampled_from("ABCD"), st.sampled_from(OUTPUTS), st.sampled_from(["math", "law", "bio"])),
        min_size=1,
        max_size=15,
    )
)
def test_score_matches_sklearn_accuracy_and_a_per_subject_mean(items):
    sk = pytest.importorskip("sklearn.metrics")
    gold, outputs, subjects = (list(x) for x in zip(*items, strict=True))
    out = benchmark.score(gold=gold, outputs=outputs, subjects=subjects)
    predicted = [_reference_letter(o) for o in outputs]
    assert out["extracted"] == predicted
    assert out["accuracy"] == pytest.approx(sk.accuracy_score(gold, predicted))
    assert out["n_correct"] == sk.accuracy_score(gold, predicted, normalize=False)
    assert out["score"] == pytest.approx(100 * out["accuracy"])
    seen = list(dict.fromkeys(subjects))
    per = []
    for s in seen:
        idx = [i for i, x in enumerate(subjects) if x == s]
        per.append(sk.accuracy_score([gold[i] for i in idx], [predicted[i] for i in idx]))
    assert out["subjects"] == seen
    assert out["subject_accuracy"] == pytest.approx(per)
    assert out["macro_accuracy"] == pytest.approx(sum(per) / len(per))
    assert out["n_unparsed"] == predicted.count("")


def test_micro_and_macro_differ_when_subjects_differ_in_size():
    # 3 of 3 right in math, 0 of 1 in law: micro 3/4, macro (1 + 0) / 2
    out = benchmark.score(
        gold=["A", "B", "C", "D"], outputs=["A", "B", "C", "A"], subjects=["math", "math", "math", "law"]
    )
    assert out["accuracy"] == pytest.approx(0.75) and out["macro_accuracy"] == pytest.approx(0.5)
    assert out["subject_n"] == [3, 1] and out["subject_correct"] == [3, 0]


@pytest.mark.parametrize(
    "bad",
    [
        {"gold": [], "outputs": [], "subjects": []},
        {"gold": ["A"], "outputs": ["A", "B"], "subjects": ["x"]},
        {"gold": ["E"], "outputs": ["E"], "subjects": ["x"]},
        {"gold": ["A"], "outputs": ["A"], "subjects": ["x"], "options": "AAB"},
    ],
)
def test_score_rejects_malformed_input(bad):
    with pytest.raises(ValueError):
        benchmark.score(**bad)
