"""rl.rollout: the trajectory follows the policy through the map; returns are the forward discounted sums."""

import pytest

from compute import rl_rollout

T = {"home": ["a", "b"], "a": ["end"], "b": ["c", "end"], "c": ["end"]}
R = {"a": 1.0, "b": -1.0, "c": 2.0, "end": 10.0}


def test_rollout_follows_the_policy_and_sums_rewards_forward():
    out = rl_rollout.rollout(transitions=T, rewards=R, policy={"home": "b", "b": "c", "c": "end"}, start="home",
                             gamma=0.5)
    assert out["states"] == ["home", "b", "c", "end"]
    assert out["actions"] == ["b", "c", "end"]
    assert out["rewards"] == [-1.0, 2.0, 10.0]
    # G_t = Σ_k γ^k R_{t+k+1} (Sutton & Barto eq. 3.8), written out
    assert out["returns"] == [-1 + 0.5 * 2 + 0.25 * 10, 2 + 0.5 * 10, 10.0, 0.0]
    assert out["undiscounted"] == [11.0, 12.0, 10.0, 0.0]
    assert out["total"] == out["returns"][0]
    assert out["steps"] == 3 and out["choices"] == [2, 2, 1]


def test_rollout_recursion_matches_the_direct_sum_for_any_gamma():
    policy = {"home": "b", "b": "c", "c": "end"}
    for gamma in (0.0, 0.3, 0.9, 1.0):
        out = rl_rollout.rollout(transitions=T, rewards=R, policy=policy, start="home", gamma=gamma)
        r = out["rewards"]
        for t in range(len(r)):
            assert out["returns"][t] == pytest.approx(sum(gamma ** k * x for k, x in enumerate(r[t:])))


@pytest.mark.parametrize(("policy", "start"), [
    ({"home": "c"}, "home"),                 # not an action of home
    ({"home": "a"}, "nowhere"),              # unknown start
    ({"home": "b"}, "home"),                 # no action for b
])
def test_rollout_rejects_bad_policies(policy, start):
    with pytest.raises(ValueError):
        rl_rollout.rollout(transitions=T, rewards=R, policy=policy, start=start)


def test_rollout_refuses_a_cycle():
    with pytest.raises(ValueError, match="cycle"):
        rl_rollout.rollout(transitions={"x": ["y"], "y": ["x"]}, rewards={"x": 0, "y": 1}, policy={"x": "y", "y": "x"},
                           start="x")
