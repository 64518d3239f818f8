"""Training methods (paper Sec. II and IV), each a registry entry in its own module.

A method's ``prepare(model, data, settings, context)`` returns a :class:`Plan`: the
training data as the loop sees it (planing reweights it), the objective the one training
loop minimises and the parameters it moves. ``settings`` are the method's own
(config ``training.<method>``); meta-learners meta-train first and keep that state in
``context.state_path`` for a rerun of a killed job with the same settings and data.

- ``baseline``: cross-entropy.
- ``planing``: per-jet weights flattening each class's jet-mass distribution.
- ``l1`` / ``l2``: an L1 or L2 penalty on the head's weights.
- ``mldg``, ``metareg``, ``feature_critic``: meta-learning across source masses.
- ``disco``, ``adversary``: cross-entropy with a penalty on the dependence of the QCD
  output on the jet mass (distance correlation; an adversary predicting the mass).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import torch
from torch import nn

from massgen.registry import resolve
from massgen.training.loop import Batch, MethodState, Objective


@dataclass(frozen=True)
class Context:
    """What a method may need besides the model, data and its settings: the loop's batch
    size, the job's seed, where meta-trained state is kept for a rerun of a killed job,
    and the job's fingerprint (model, method, data) that such state must match."""

    batch_size: int
    seed: int
    state_path: Path
    fingerprint: object = None


@dataclass
class Plan:
    """How the training loop runs a method: its data, objective, the model parameters it
    moves, any state the objective changes as it runs (checkpointed by the loop), the
    loss early stopping watches on the validation jets (None: the cross-entropy), and
    whether the loop stops early at all (else it keeps the last epoch)."""

    train: Batch
    objective: Objective
    parameters: list[nn.Parameter]
    state: MethodState | None = None
    validation: Objective | None = None
    early_stopping: bool = True


def prepare(target: str, model: nn.Module, train: Batch, settings: dict, context: Context) -> Plan:
    """The :class:`Plan` of the method whose ``prepare`` is ``target`` (a registry
    entry's "module:function")."""
    plan = resolve(target)(model, train, settings, context)
    if not isinstance(plan, Plan):
        raise TypeError(f"{target} returned a {type(plan).__name__}, not a Plan")
    return plan


def reweighted(batch: Batch, weight: torch.Tensor) -> Batch:
    """``batch`` with other per-jet weights."""
    return replace(batch, weight=weight)
