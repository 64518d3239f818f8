"""Particle Flow Network (Komiske, Metodiev, Thaler, arXiv:1810.05165) as in the paper.

PFN(x) = F( sum_i Phi(p_i) ): Phi maps each constituent's features to a latent vector
(100, 100, 256 nodes), the masked sum pools them, and F (100, 100, 100 nodes, then
one output per class) classifies the jet. ReLU activations, Glorot-uniform weights,
zero biases. The encoder (the paper's F_psi) is Phi plus the sum, the head (T_theta) F.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from massgen.models import Tagger


def dense_stack(n_in: int, sizes: Sequence[int], dropout: float | None = None) -> nn.Sequential:
    """Linear + ReLU layers of the given widths, each followed by dropout when given."""
    layers: list[nn.Module] = []
    for size in sizes:
        layers += [nn.Linear(n_in, size), nn.ReLU()]
        if dropout is not None:
            layers.append(nn.Dropout(dropout))
        n_in = size
    return nn.Sequential(*layers)


def sum_over_particles(per_particle: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Per-jet sums of the real constituents' rows: ``per_particle`` holds one row per
    true entry of the (n_jets, n_particles) ``mask``, in the order of ``x[mask]``; the
    result is (n_jets, width), zero for a jet without constituents."""
    jet_of = mask.nonzero(as_tuple=True)[0]
    pooled = per_particle.new_zeros(mask.shape[0], per_particle.shape[1])
    return pooled.index_add(0, jet_of, per_particle)


class SumOfPhi(nn.Module):
    """sum_i Phi(p_i) over real constituents: (n_jets, n_particles, n_features) ->
    (n_jets, latent). Phi runs on the real constituents only (padding never enters)."""

    def __init__(self, n_features: int, phi_sizes: Sequence[int]) -> None:
        super().__init__()
        self.phi = dense_stack(n_features, phi_sizes)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        return sum_over_particles(self.phi(x[mask]), mask)


class PFN(Tagger):
    """Particle Flow Network returning class logits (softmax gives the paper's output)."""

    def __init__(
        self,
        n_features: int,
        n_classes: int,
        phi_sizes: Sequence[int],
        f_sizes: Sequence[int],
        **unknown: object,
    ) -> None:
        if unknown:
            raise TypeError(f"unknown PFN hyperparameters: {', '.join(sorted(unknown))}")
        super().__init__()
        self.latent_width = phi_sizes[-1]
        self.encoder = SumOfPhi(n_features, phi_sizes)
        self.head = nn.Sequential(
            dense_stack(phi_sizes[-1], f_sizes), nn.Linear(f_sizes[-1], n_classes)
        )
        glorot(self)


def glorot(model: nn.Module) -> None:
    """Glorot-uniform weights and zero biases in every dense layer (Keras' defaults, as
    the paper's PFN)."""
    for module in model.modules():
        if isinstance(module, nn.Linear):
            nn.init.xavier_uniform_(module.weight)
            nn.init.zeros_(module.bias)


def build(dataset_meta: dict, **hparams: object) -> PFN:
    """A PFN whose input width is the dataset's feature count and output its class count."""
    return PFN(len(dataset_meta["features"]), dataset_meta["n_classes"], **hparams)
