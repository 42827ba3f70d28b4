import math

import pytest

from compute import elo


def test_a_200_point_gap_is_about_a_75_percent_win_chance():
    # Silver et al. (2017), Fig. 6 caption: "a 200 point gap corresponds to a 75% probability of winning"
    out = elo.expected_score(ratings=[2200.0], opponents=[2000.0])
    assert out["difference"] == [200.0]
    assert out["expected"][0] == pytest.approx(0.76, abs=0.01)


@pytest.mark.parametrize(("ra", "rb"), [(5185.0, 4858.0), (1500.0, 1500.0), (3055.0, 5185.0), (0.0, -800.0)])
def test_expected_score_is_elos_logistic_and_symmetric(ra, rb):
    out = elo.expected_score(ratings=[ra, rb], opponents=[rb, ra])
    q_a, q_b = 10 ** (ra / 400), 10 ** (rb / 400)  # Elo's form Q_A / (Q_A + Q_B), written independently
    assert out["expected"][0] == pytest.approx(q_a / (q_a + q_b))
    assert math.isclose(sum(out["expected"]), 1.0)


@pytest.mark.parametrize("kwargs", [{"ratings": [], "opponents": []}, {"ratings": [1.0], "opponents": [1.0, 2.0]},
                                    {"ratings": [1.0], "opponents": [2.0], "scale": 0.0}])
def test_expected_score_rejects_bad_input(kwargs):
    with pytest.raises(ValueError):
        elo.expected_score(**kwargs)
