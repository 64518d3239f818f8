"""A study's own model and method, registered from outside the package: the growth test.

Named in a config's ``extensions``, this module is imported where the DAG is built; the
training jobs then find both through the registry entries' "module:function" targets.
"""

from __future__ import annotations

import torch
from torch import nn

from massgen.models import Tagger
from massgen.registry import register_method, register_model
from massgen.training.loop import Batch, cross_entropy
from massgen.training.methods import Context, Plan


class MeanTagger(Tagger):
    """Mean of the constituents' features (encoder), then one linear layer (head)."""

    def __init__(self, n_features: int, n_classes: int, width: int) -> None:
        super().__init__()
        self.latent_width = width
        self.encoder = MeanEncoder(n_features, width)
        self.head = nn.Linear(width, n_classes)


class MeanEncoder(nn.Module):
    def __init__(self, n_features: int, width: int) -> None:
        super().__init__()
        self.layer = nn.Linear(n_features, width)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        mean = (x * mask[..., None]).sum(1) / mask.sum(1, keepdim=True).clamp(min=1)
        return torch.relu(self.layer(mean))


def build_mean(dataset_meta: dict, width: int = 8) -> MeanTagger:
    return MeanTagger(len(dataset_meta["features"]), dataset_meta["n_classes"], width)


def prepare_head_only(model: nn.Module, train: Batch, settings: dict, context: Context) -> Plan:
    """Cross-entropy, training the head alone (the encoder stays as initialised)."""
    return Plan(train, cross_entropy, list(model.head.parameters()))


register_model("mean", "tests.toy_extension:build_mean")
register_method("head_only", "tests.toy_extension:prepare_head_only")
