"""rl.dpg_step against torch autograd (the actor and critic written again in torch, the gradient of
Q(s, μ_θ(s)) taken by backward()); rl.soft_update, rl.td3_target and rl.td3_schedule against CleanRL-style
torch code written independently here (ddpg_continuous_action.py / td3_continuous_action.py)."""

import math

import pytest

from compute.rl_ddpg import dpg_step, soft_update, td3_schedule, td3_target

THETA, STATE, K, V = [0.5, -0.5], [1.0, 0.4], [0.6, 0.5], [1.0, 0.5]


@pytest.mark.parametrize(("theta", "state", "c", "lr"),
                         [(THETA, STATE, 1.0, 0.5), ([0.2, 0.1, -0.3], [0.5, -1.0, 2.0], 2.5, 0.1)])
def test_dpg_gradient_is_torch_autograd_of_q_of_mu(theta, state, c, lr):
    torch = pytest.importorskip("torch")
    k, v = [0.6, 0.5, -0.2][:len(state)], [1.0, 0.5, 0.3][:len(state)]
    out = dpg_step(theta=theta, state=state, critic_k=k, critic_v=v, critic_c=c, lr=lr)
    th = torch.tensor(theta, dtype=torch.float64, requires_grad=True)
    s, kk, vv = (torch.tensor(x, dtype=torch.float64) for x in (state, k, v))
    a = torch.tanh(th @ s)
    a.retain_grad()
    q = vv @ s - c * (a - kk @ s) ** 2
    q.backward()
    assert out["grad_theta"] == pytest.approx(th.grad.tolist(), abs=1e-12)
    assert out["dq_da"] == pytest.approx(a.grad.item(), abs=1e-12)
    jac = torch.autograd.functional.jacobian(lambda t: torch.tanh(t @ s), th.detach())
    assert out["dmu_dtheta"] == pytest.approx(jac.tolist(), abs=1e-12)
    assert out["action"] == pytest.approx(a.item()) and out["q"] == pytest.approx(q.item())
    with torch.no_grad():  # one step of gradient ascent, as torch.optim.SGD(maximize=True) would take
        opt = torch.optim.SGD([th], lr=lr, maximize=True)
        opt.step()
    assert out["theta_after"] == pytest.approx(th.tolist(), abs=1e-12)


def test_dpg_step_moves_the_action_towards_the_critics_best_and_raises_q():
    out = dpg_step(theta=THETA, state=STATE, critic_k=K, critic_v=V)
    assert out["best_action"] == pytest.approx(0.6 * 1.0 + 0.5 * 0.4)
    assert out["action"] < out["action_after"] < out["best_action"]
    assert out["q"] < out["q_after"] <= out["q_best"]
    nearest = min(range(len(out["a_grid"])), key=lambda i: abs(out["a_grid"][i] - out["best_action"]))
    assert out["q_grid"][nearest] == max(out["q_grid"])
    slope = (out["tangent_y"][1] - out["tangent_y"][0]) / (out["tangent_x"][1] - out["tangent_x"][0])
    assert slope == pytest.approx(out["dq_da"])


def _cleanrl_soft_update(torch, online_rows, target, tau):
    """CleanRL's DDPG target update: target_param.data.copy_(tau * param.data + (1 - tau) * target_param.data)."""
    net, tgt = torch.nn.Linear(len(target), 1, bias=False), torch.nn.Linear(len(target), 1, bias=False)
    with torch.no_grad():
        tgt.weight.copy_(torch.tensor([target], dtype=torch.float32))
    out = []
    for row in online_rows:
        with torch.no_grad():
            net.weight.copy_(torch.tensor([row], dtype=torch.float32))
        for param, target_param in zip(net.parameters(), tgt.parameters(), strict=True):
            target_param.data.copy_(tau * param.data + (1 - tau) * target_param.data)
        out.append(tgt.weight[0].tolist())
    return out


def test_soft_update_matches_cleanrl_and_hard_copy_copies():
    torch = pytest.importorskip("torch")
    online = [[1.0, -0.5], [1.2, -0.4], [1.1, -0.6], [1.3, -0.2]]
    out = soft_update(online=online, target=[0.0, 0.0], tau=0.1, copy_every=2)
    for ours, ref in zip(out["soft"], _cleanrl_soft_update(torch, online, [0.0, 0.0], 0.1), strict=True):
        assert ours == pytest.approx(ref, abs=1e-6)
    assert out["hard"] == [[0.0, 0.0], online[1], online[1], online[3]]
    assert out["soft_start"][0] == [0.0, 0.0] and out["steps_start"] == [0, 1, 2, 3, 4]
    assert out["kept"] == pytest.approx(0.9)
    assert out["online_series"] == [[r[0] for r in online], [r[1] for r in online]]
    assert out["soft_series"][1] == [row[1] for row in out["soft_start"]]
    assert out["hard_series"][0] == [0.0, 0.0, 1.2, 1.2, 1.3]
    # a fixed online weight w is approached geometrically: w − θ′_t = (1 − τ)^t (w − θ′_0)
    fixed = soft_update(online=[[2.0]] * 10, target=[0.0], tau=0.2)
    assert [g[0] for g in fixed["gap"]] == pytest.approx([2.0 * 0.8 ** t for t in range(1, 11)])


CRITICS = [{"peak": 0.2, "height": 5.0, "curvature": 1.0}, {"peak": 0.6, "height": 4.6, "curvature": 2.0}]


@pytest.mark.parametrize(("noise", "done"), [(0.7, False), (-0.2, False), (0.1, True)])
def test_td3_target_matches_cleanrl_style_torch(noise, done):
    torch = pytest.importorskip("torch")
    r, mu_next, gamma, clip_c = 1.0, 0.3, 0.9, 0.5
    out = td3_target(reward=r, target_action=mu_next, noise=noise, critics=CRITICS, gamma=gamma, done=done,
                     noise_clip=clip_c)

    def qf(i, a):
        c = CRITICS[i]
        return c["height"] - c["curvature"] * (a - c["peak"]) ** 2

    actions = torch.tensor([mu_next], dtype=torch.float64)
    clipped_noise = torch.tensor([noise], dtype=torch.float64).clamp(-clip_c, clip_c)
    next_state_actions = (actions + clipped_noise).clamp(-1.0, 1.0)
    qf1_next_target, qf2_next_target = qf(0, next_state_actions), qf(1, next_state_actions)
    min_qf_next_target = torch.min(qf1_next_target, qf2_next_target)
    dones = torch.tensor([float(done)], dtype=torch.float64)
    next_q_value = r + (1 - dones) * gamma * min_qf_next_target
    ddpg_value = r + (1 - dones) * gamma * qf(0, actions)
    assert out["smoothed_action"] == pytest.approx(next_state_actions.item())
    assert out["q_next"] == pytest.approx([qf1_next_target.item(), qf2_next_target.item()])
    assert out["y_td3"] == pytest.approx(next_q_value.item())
    assert out["y_ddpg"] == pytest.approx(ddpg_value.item())
    assert out["q_min"] == min(out["q_next"]) and out["q_next"][out["argmin"]] == out["q_min"]


def test_td3_target_checks_its_critics():
    with pytest.raises(ValueError):
        td3_target(reward=0.0, target_action=0.0, noise=0.0, critics=[{"peak": 0.0}])
    with pytest.raises(ValueError):
        td3_target(reward=0.0, target_action=0.0, noise=math.inf, critics=CRITICS)


def test_td3_schedule_follows_the_policy_frequency_loop():
    out = td3_schedule(steps=7, policy_delay=3)
    ref = []  # CleanRL: `if global_step % args.policy_frequency == 0:` update actor and targets
    for global_step in range(1, 8):
        ref.append(global_step % 3 == 0)
    assert out["actor"] == ref and out["targets"] == ref and all(out["critic"])
    assert out["actor_updates"] == 2 and out["critic_updates"] == 7 and out["ddpg_actor_updates"] == 7
    assert td3_schedule(steps=4, policy_delay=1)["actor"] == [True] * 4
