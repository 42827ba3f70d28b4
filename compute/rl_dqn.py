"""The two input-output layouts of a DQN value network: Q(s, a) from a state-action pair, or Q(s, ·) for every
action from the state alone (Mnih et al. 2015 use the second: one forward pass scores all actions)."""

from compute._common import arr, jsonable

MAX_DIM = 4096
MAX_LAYERS = 8


def _mlp(sizes: list[int]) -> int:
    """Weights and biases of fully connected layers sizes[0] → sizes[1] → … (torch.nn.Linear each)."""
    return sum(i * o + o for i, o in zip(sizes, sizes[1:], strict=False))


def dqn_io_shapes(state_dim: int, n_actions: int, hidden: list[int], state: list[float] | None = None) -> dict:
    """Shapes, layer sizes and parameter counts of both DQN layouts for one state and a discrete action set.

    Pair layout: the input is the state concatenated with the action as a one-hot vector; scoring every action
    takes one row per action (a batch of n_actions rows, or as many forward passes), each giving one Q(s, a).
    State layout: the input is the state alone; its output has one Q(s, a) per action, so one row suffices.
    Both are MLPs with the `hidden` layer sizes (torch.nn.Linear layers, biases included).

    Returns:
        pair_layers: layer widths of the pair layout, state_dim + n_actions → hidden … → 1.
        pair_input_shape: [n_actions, state_dim + n_actions], every action's row.
        pair_output_shape: [n_actions, 1].
        pair_params: weights and biases of the pair layout.
        pair_input: the rows [state, one_hot(a)] for each action a (empty when no state is given).
        state_layers: layer widths of the state layout, state_dim → hidden … → n_actions.
        state_input_shape: [1, state_dim].
        state_output_shape: [1, n_actions].
        state_params: weights and biases of the state layout.
        rows_per_choice: rows the network evaluates to pick the greedy action, [pair, state].
    """
    if not (1 <= state_dim <= MAX_DIM and 1 <= n_actions <= MAX_DIM):
        raise ValueError(f"state_dim and n_actions must be in 1..{MAX_DIM}, got {state_dim} and {n_actions}")
    if len(hidden) > MAX_LAYERS or any(not 1 <= h <= MAX_DIM for h in hidden):
        raise ValueError(f"hidden takes at most {MAX_LAYERS} layer sizes in 1..{MAX_DIM}, got {hidden}")
    rows: list[list[float]] = []
    if state is not None:
        s = arr(state, "state", ndim=1)
        if s.size != state_dim:
            raise ValueError(f"state must have state_dim = {state_dim} entries, got {s.size}")
        rows = [[*s.tolist(), *(1.0 if j == a else 0.0 for j in range(n_actions))] for a in range(n_actions)]
    pair = [state_dim + n_actions, *hidden, 1]
    alone = [state_dim, *hidden, n_actions]
    return jsonable({"pair_layers": pair, "pair_input_shape": [n_actions, state_dim + n_actions],
                     "pair_output_shape": [n_actions, 1], "pair_params": _mlp(pair), "pair_input": rows,
                     "state_layers": alone, "state_input_shape": [1, state_dim],
                     "state_output_shape": [1, n_actions], "state_params": _mlp(alone),
                     "rows_per_choice": [n_actions, 1]})
