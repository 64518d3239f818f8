"""Particle Flow Network (Komiske, Metodiev, Thaler, arXiv:1810.05165) as in the paper.

PFN(x) = F( sum_i Phi(p_i) ): Phi maps each constituent's features to a latent vector
(100, 100, 256 nodes), the masked sum pools them, and F (100, 100, 100 nodes, then
2 outputs) classifies the jet. ReLU activations, Glorot-uniform weights, zero biases.
The paper's F_psi (feature extractor) is Phi plus the sum, its T_theta (task network)
is F.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn


def dense_stack(n_in: int, sizes: Sequence[int]) -> nn.Sequential:
    """Linear + ReLU layers of the given widths."""
    layers: list[nn.Module] = []
    for size in sizes:
        layers += [nn.Linear(n_in, size), nn.ReLU()]
        n_in = size
    return nn.Sequential(*layers)


class PFN(nn.Module):
    """Particle Flow Network returning 2-class logits (softmax gives the paper's output)."""

    def __init__(
        self,
        n_features: int = 4,
        phi_sizes: Sequence[int] = (100, 100, 256),
        f_sizes: Sequence[int] = (100, 100, 100),
        n_classes: int = 2,
        **unknown: object,
    ) -> None:
        if unknown:
            raise TypeError(f"unknown PFN hyperparameters: {', '.join(sorted(unknown))}")
        super().__init__()
        self.hparams = {
            "n_features": n_features,
            "phi_sizes": list(phi_sizes),
            "f_sizes": list(f_sizes),
            "n_classes": n_classes,
        }
        self.phi = dense_stack(n_features, phi_sizes)
        self.f = nn.Sequential(
            dense_stack(phi_sizes[-1], f_sizes), nn.Linear(f_sizes[-1], n_classes)
        )
        for module in self.modules():
            if isinstance(module, nn.Linear):
                nn.init.xavier_uniform_(module.weight)
                nn.init.zeros_(module.bias)

    def latent(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Sum of Phi over real constituents: (n_jets, n_particles, n_features) -> (n_jets, latent).

        Phi runs on the real constituents only (padding never enters), and their outputs
        are summed per jet with ``index_add``.
        """
        jet_of = mask.nonzero(as_tuple=True)[0]
        per_particle = self.phi(x[mask])
        pooled = per_particle.new_zeros(x.shape[0], per_particle.shape[1])
        return pooled.index_add(0, jet_of, per_particle)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Logits (n_jets, n_classes); padded constituents (mask False) contribute nothing."""
        return self.f(self.latent(x, mask))


def build_model(n_features: int, **hparams: object) -> PFN:
    """A PFN whose input width comes from the dataset's feature list."""
    return PFN(n_features=n_features, **hparams)
