"""Representations of a jet for the networks: named products of the dataset stage.

A representation module (a registry entry, :data:`massgen.registry.REPRESENTATIONS`)
says which arrays it writes per jet (``arrays``), fills them from selected jets
(``encode``) and describes them in the dataset's meta.json (``meta``), from which models
read their input widths. The dataset stage adds what every representation shares: the
class label and the observers jet mass and pT.
"""

from __future__ import annotations

import importlib
from types import ModuleType

import numpy as np

from massgen.registry import REPRESENTATIONS


def cloud_arrays(
    n_jets: int, width: int, n_features: int
) -> dict[str, tuple[tuple[int, ...], type]]:
    """Shapes and dtypes of a point-cloud representation's arrays for ``n_jets`` jets of
    ``width`` zero-padded constituents: features (n, width, n_features), mask (n, width)."""
    return {
        "features": ((n_jets, width, n_features), np.float32),
        "mask": ((n_jets, width), np.bool_),
    }


def representation_module(name: str) -> ModuleType:
    """The module of a registered representation."""
    if name not in REPRESENTATIONS:
        raise ValueError(
            f"unknown representation {name!r}; registered: {', '.join(REPRESENTATIONS)}"
        )
    return importlib.import_module(REPRESENTATIONS[name].module)
