"""The baseline: cross-entropy on the source masses, every parameter trained."""

from __future__ import annotations

from torch import nn

from massgen.training.loop import Batch, cross_entropy
from massgen.training.methods import Context, Plan


def prepare(model: nn.Module, train: Batch, settings: dict, context: Context) -> Plan:
    """Plain cross-entropy (the method has no settings)."""
    return Plan(train, cross_entropy, list(model.parameters()))
