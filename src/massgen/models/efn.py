"""Energy Flow Network (Komiske, Metodiev, Thaler, arXiv:1810.05165), the PFN's
infrared- and collinear-safe sibling, after EnergyFlow's ``archs/efn.py``.

EFN(x) = F( sum_i z_i Phi(eta'_i, phi'_i) ): Phi sees only each particle's angular
position, and the sum weights it by its energy fraction z_i (here pT / pT_J), so a
particle split into two collinear halves or an added soft particle leaves the sum (to
first order) unchanged. Sizes as the PFN's (Phi 100, 100, 256; F 100, 100, 100); the
encoder is Phi plus the weighted sum, the head F.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from massgen.models import Tagger
from massgen.models.pfn import dense_stack, glorot, sum_over_particles


def feature_columns(dataset_meta: dict, names: Sequence[str], model: str) -> list[int]:
    """Column of each named feature in the dataset's point clouds (its meta.json)."""
    features = list(dataset_meta["features"])
    missing = [n for n in names if n not in features]
    if missing:
        raise ValueError(
            f"{model}: features {missing} are not in the dataset's {features} (models.{model})"
        )
    return [features.index(n) for n in names]


class WeightedSumOfPhi(nn.Module):
    """sum_i z_i Phi(coordinates_i) over real particles: (n_jets, n_particles, n_features)
    -> (n_jets, latent), with z and the coordinates taken from feature columns."""

    def __init__(self, weight_column: int, coordinate_columns: list[int], phi_sizes) -> None:
        super().__init__()
        self.weight_column = weight_column
        self.register_buffer("coordinates", torch.tensor(coordinate_columns), persistent=False)
        self.phi = dense_stack(len(coordinate_columns), phi_sizes)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        real = x[mask]
        per_particle = real[:, self.weight_column, None] * self.phi(real[:, self.coordinates])
        return sum_over_particles(per_particle, mask)


class EFN(Tagger):
    """Energy Flow Network returning class logits."""

    def __init__(
        self,
        weight_column: int,
        coordinate_columns: list[int],
        n_classes: int,
        phi_sizes: Sequence[int],
        f_sizes: Sequence[int],
    ) -> None:
        super().__init__()
        self.latent_width = phi_sizes[-1]
        self.encoder = WeightedSumOfPhi(weight_column, coordinate_columns, phi_sizes)
        self.head = nn.Sequential(
            dense_stack(phi_sizes[-1], f_sizes), nn.Linear(f_sizes[-1], n_classes)
        )
        glorot(self)


def build(
    dataset_meta: dict,
    *,
    phi_sizes: Sequence[int],
    f_sizes: Sequence[int],
    weight: str,
    coordinates: Sequence[str],
) -> EFN:
    """An EFN on a point-cloud dataset: ``weight`` and ``coordinates`` name its features
    (the defaults are the config schema's, models.efn)."""
    (weight_column,) = feature_columns(dataset_meta, [weight], "efn")
    return EFN(
        weight_column,
        feature_columns(dataset_meta, coordinates, "efn"),
        dataset_meta["n_classes"],
        phi_sizes,
        f_sizes,
    )
