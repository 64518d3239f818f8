"""Fully connected network of seed 004 (App. B): the inputs of the hardest particles of a
jet, flattened, through Dense 256 and 128 (ReLU, dropout 0.2 after each) and Dense 12
(ReLU) to the class logits.

The seed feeds it the four-momenta (E, px, py, pz) of the 20 hardest constituents,
"properly normalized"; here it reads the point cloud's per-particle features of the
``constituents`` hardest ones (already of order one; a jet with fewer particles has zero
rows). Unlike the set-based taggers it sees the particles in pT order. The encoder is
every hidden layer but the last, the head the last hidden layer and the output, as the
PFN's F.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from massgen.models import Tagger
from massgen.models.pfn import dense_stack, glorot


class FlatEncoder(nn.Module):
    """The first ``constituents`` rows of each jet's features, padding zeroed, flattened
    and through the hidden layers: (n_jets, n_particles, n_features) -> (n_jets, latent)."""

    def __init__(self, constituents: int, layers: nn.Module) -> None:
        super().__init__()
        self.constituents = constituents
        self.layers = layers

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        rows = (x * mask[..., None])[:, : self.constituents]
        missing = self.constituents - rows.shape[1]
        if missing > 0:  # fewer particle slots than the network reads
            rows = nn.functional.pad(rows, (0, 0, 0, missing))
        return self.layers(rows.flatten(1))


class FCN(Tagger):
    """Fully connected network returning class logits."""

    def __init__(
        self,
        n_features: int,
        n_classes: int,
        constituents: int,
        sizes: Sequence[int],
        dropout: float,
    ) -> None:
        super().__init__()
        *encoder_sizes, last = sizes
        self.latent_width = encoder_sizes[-1] if encoder_sizes else constituents * n_features
        self.encoder = FlatEncoder(
            constituents, dense_stack(constituents * n_features, encoder_sizes, dropout)
        )
        self.head = nn.Sequential(
            nn.Linear(self.latent_width, last), nn.ReLU(), nn.Linear(last, n_classes)
        )
        glorot(self)


def build(dataset_meta: dict, *, constituents: int, sizes: Sequence[int], dropout: float) -> FCN:
    """An FCN on a point-cloud dataset (its feature count from its meta.json)."""
    return FCN(
        len(dataset_meta["features"]), dataset_meta["n_classes"], constituents, sizes, dropout
    )
