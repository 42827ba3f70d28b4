"""The allow-list of compute functions a spec may call, by public name; modules import lazily."""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import inspect
from collections.abc import Callable
from functools import cache
from pathlib import Path

# public name -> "module:function". Only these are reachable from a spec.
FUNCTIONS: dict[str, str] = {
    "alibi.attention": "compute.alibi:attention",
    "alibi.bias": "compute.alibi:bias",
    "alibi.slopes": "compute.alibi:slopes",
    "attention.causal_mask": "compute.attention:causal_mask",
    "attention.causal_softmax": "compute.attention:causal_softmax",
    "attention.head_groups": "compute.attention:head_groups",
    "attention.kv_cache_bytes": "compute.attention:kv_cache_bytes",
    "attention.mla_cache_bytes": "compute.attention:mla_cache_bytes",
    "backprop.training_step": "compute.backprop:training_step",
    "benchmark.score": "compute.benchmark:score",
    "bon.expected_best": "compute.bon:expected_best",
    "bon.rejection_sampling": "compute.bon:rejection_sampling",
    "bpe.encode": "compute.bpe:encode",
    "contrastive.search": "compute.contrastive:search",
    "cot.evaluate": "compute.cot:evaluate",
    "decoding.beam_search": "compute.decoding:beam_search",
    "decoding.greedy": "compute.decoding:greedy",
    "distill.kd_loss": "compute.distill:kd_loss",
    "dola.contrast": "compute.dola:contrast",
    "dpo.beta_policy": "compute.dpo:beta_policy",
    "dpo.loss": "compute.dpo:loss",
    "dpo.sigmoid_weight_curve": "compute.dpo:sigmoid_weight_curve",
    "dpo.tiny_pair": "compute.dpo:tiny_pair",
    "dqn.overestimation": "compute.dqn:overestimation",
    "dqn.q_network": "compute.dqn:q_network",
    "elo.expected_score": "compute.elo:expected_score",
    "finetune.trainable": "compute.finetune:trainable",
    "generation.greedy_steps": "compute.generation:greedy_steps",
    "grpo.advantages": "compute.grpo:advantages",
    "imitation.behaviour_cloning": "compute.imitation:behaviour_cloning",
    "imitation.corridor_irl": "compute.imitation:corridor_irl",
    "llm.activations": "compute.llm:activations",
    "llm.output_layer": "compute.llm:output_layer",
    "llm.param_count": "compute.llm:param_count",
    "llm.swiglu": "compute.llm:swiglu",
    "lookahead.decode": "compute.lookahead:decode",
    "lora.param_counts": "compute.lora:param_counts",
    "lora.train_step": "compute.lora:train_step",
    "marl.feudal_hierarchy": "compute.marl:feudal_hierarchy",
    "marl.lane_game": "compute.marl:lane_game",
    "marl.maddpg_sizes": "compute.marl:maddpg_sizes",
    "mcts.run": "compute.mcts:run",
    "mcts.scores": "compute.mcts:scores",
    "metrics.classification": "compute.metrics:classification",
    "ml.kmeans": "compute.ml_basics:kmeans",
    "ml.linear_fit": "compute.ml_basics:linear_fit",
    "norms.batch_norm": "compute.norms:batch_norm",
    "norms.layer_norm": "compute.norms:layer_norm",
    "norms.residual_stack": "compute.norms:residual_stack",
    "norms.rms_norm": "compute.norms:rms_norm",
    "norms.steps": "compute.norm_steps:steps",
    "pg.actor_critic_step": "compute.policy_gradient:actor_critic_step",
    "pg.importance_sampling": "compute.policy_gradient:importance_sampling",
    "pg.reinforce": "compute.policy_gradient:reinforce",
    "pg.reinforce_trajectories": "compute.pg_multistep:reinforce_trajectories",
    "policy.outputs": "compute.policy:outputs",
    "policy.trpo_step": "compute.policy:trpo_step",
    "ppo.clip_objective": "compute.ppo:clip_objective",
    "ppo.kl_penalty": "compute.ppo:kl_penalty",
    "ppo.losses": "compute.ppo:losses",
    "ppo.token_logprobs": "compute.ppo:token_logprobs",
    "prefix.shapes": "compute.prefix:shapes",
    "prm.rank": "compute.prm:rank",
    "prm.step_beam": "compute.prm:step_beam",
    "prune.init_linear": "compute.prune:init_linear",
    "prune.magnitude": "compute.prune:magnitude",
    "quant.absmax_int8": "compute.quant:absmax_int8",
    "quant.affine": "compute.quant:affine",
    "quant.cast": "compute.quant:cast",
    "quant.encode": "compute.quant:encode",
    "quant.float_formats": "compute.quant:float_formats",
    "quant.int_formats": "compute.quant:int_formats",
    "rag.cosine_topk": "compute.rag:cosine_topk",
    "rag.rerank": "compute.rag:rerank",
    "reward.bradley_terry_loss": "compute.reward:bradley_terry_loss",
    "reward.rule_based": "compute.reward_feedback:rule_based",
    "reward.soft_label_loss": "compute.reward_feedback:soft_label_loss",
    "reward_model.forward": "compute.reward_model:forward",
    "reward_model.heads": "compute.reward_model:heads",
    "reward_model.loss_curve": "compute.reward_model:loss_curve",
    "reward_model.pairwise_step": "compute.reward_model:pairwise_step",
    "rl.advantage": "compute.rl:advantage",
    "rl.backup_cost": "compute.rl_backup:backup_cost",
    "rl.backup_diagrams": "compute.rl_backup:backup_diagrams",
    "rl.bandit_run": "compute.rl_bandit:bandit_run",
    "rl.bellman_q": "compute.rl:bellman_q",
    "rl.bellman_v": "compute.rl:bellman_v",
    "rl.categorical_return_distribution": "compute.rl:categorical_return_distribution",
    "rl.discounted_returns": "compute.rl:discounted_returns",
    "rl.dpg_step": "compute.rl_ddpg:dpg_step",
    "rl.dqn_io_shapes": "compute.rl_dqn:dqn_io_shapes",
    "rl.dqn_targets": "compute.rl:dqn_targets",
    "rl.dyna_q_corridor": "compute.rl_data:dyna_q_corridor",
    "rl.epsilon_schedule": "compute.rl:epsilon_schedule",
    "rl.gae": "compute.rl:gae",
    "rl.max_bias": "compute.rl:max_bias",
    "rl.mc_rollouts": "compute.rl_episodes:mc_rollouts",
    "rl.mc_td_targets": "compute.rl_targets:mc_td_targets",
    "rl.mc_value": "compute.rl:mc_value",
    "rl.n_step_td_target": "compute.rl:n_step_td_target",
    "rl.policy_gradient_variance": "compute.rl_targets:policy_gradient_variance",
    "rl.replay_versions": "compute.rl_data:replay_versions",
    "rl.return_terms": "compute.rl_episodes:return_terms",
    "rl.rollout": "compute.rl_rollout:rollout",
    "rl.soft_update": "compute.rl_ddpg:soft_update",
    "rl.td0_update": "compute.rl_backup:td0_update",
    "rl.td3_schedule": "compute.rl_ddpg:td3_schedule",
    "rl.td3_target": "compute.rl_ddpg:td3_target",
    "rl.td_error": "compute.rl:td_error",
    "rl.trajectory_values": "compute.rl_episodes:trajectory_values",
    "rlhf.ppo_memory": "compute.rlhf_models:ppo_memory",
    "rlhf.token_entropy": "compute.rlhf_models:token_entropy",
    "rlhf.value_head": "compute.rlhf_models:value_head",
    "rnn.unroll": "compute.rnn:unroll",
    "rope.angles": "compute.rope:angles",
    "rope.apply": "compute.rope:apply",
    "rope.frequencies": "compute.rope:frequencies",
    "rope.pair_rotation": "compute.rope:pair_rotation",
    "rope.rotation_matrix": "compute.rope:rotation_matrix",
    "sampling.multinomial": "compute.sampling:multinomial",
    "sampling.softmax": "compute.sampling:softmax",
    "sampling.temperature_curves": "compute.sampling:temperature_curves",
    "sampling.top_k": "compute.sampling:top_k",
    "sampling.top_p": "compute.sampling:top_p",
    "schedule.checkpointing": "compute.schedule:checkpointing",
    "schedule.grad_accumulation": "compute.schedule:grad_accumulation",
    "schedule.ppo_epochs": "compute.schedule:ppo_epochs",
    "schedule.ppo_minibatches": "compute.schedule:ppo_minibatches",
    "search.best_of_n": "compute.search:best_of_n",
    "search.exhaustive": "compute.search:exhaustive",
    "search.exhaustive_growth": "compute.search:exhaustive_growth",
    "search.majority_vote": "compute.search:majority_vote",
    "sft.packing": "compute.sft:packing",
    "sft.shifted_ce": "compute.sft:shifted_ce",
    "speculative.generate": "compute.speculative:generate",
    "taxonomy.leaf_counts": "compute.taxonomy:leaf_counts",
    "vlm.shapes": "compute.vlm:shapes",
}


def names() -> list[str]:
    """All registered names, sorted."""
    return sorted(FUNCTIONS)


# packages a compute module may need that the base install leaves out: package -> the extra that installs it
OPTIONAL = {"torch": "torch", "tokenizers": "tokenizers"}


class MissingPackage(ImportError):
    """A registered function whose module needs an optional package that is not installed."""

    def __init__(self, name: str, package: str) -> None:
        super().__init__(f"{name} needs the Python package '{package}', which is not installed "
                         f"(expected it installed: pip install 'vizspec[{OPTIONAL[package]}]')")
        self.package = package


@cache
def get(name: str) -> Callable[..., dict]:
    """The function registered as `name` (KeyError when not in the allow-list, MissingPackage, see OPTIONAL)."""
    module, attr = FUNCTIONS[name].split(":")
    try:
        loaded = importlib.import_module(module)
    except ModuleNotFoundError as e:
        top = (e.name or "").split(".")[0]
        if top in OPTIONAL:
            raise MissingPackage(name, top) from None
        raise
    return getattr(loaded, attr)


@cache
def source_hash(name: str) -> str:
    """Hash of the source of the module defining `name`, of its data files (compute/data/<module>-*) and of
    compute/'s shared helpers."""
    module = FUNCTIONS[name].split(":")[0]
    spec = importlib.util.find_spec(module)
    h = hashlib.sha256()
    here = Path(__file__).parent
    files = [Path(spec.origin), *sorted((here / "data").glob(f"{module.rsplit('.', 1)[-1]}-*")),
             *sorted(here.glob("_*.py"))]
    for f in files:
        h.update(f.read_bytes())
    return h.hexdigest()[:16]


def doc(name: str) -> str:
    """First line of the function's docstring."""
    return (inspect.getdoc(get(name)) or "").splitlines()[0] if inspect.getdoc(get(name)) else ""
