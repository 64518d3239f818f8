"""Log-momentum point clouds (seed 004, Sec. 3.1): per jet its ``max_constituents``
hardest constituents as (log E, log pT, eta', phi'), zero-padded, with a mask; centred on
the pT-weighted centroid, principal axis along eta', hardest constituent in the upper
right (:func:`massgen.preprocess.log_clouds`). No zoom: seed 004's jets share one pT
window."""

from __future__ import annotations

import awkward as ak
import numpy as np

from massgen.preprocess import log_clouds
from massgen.representations import cloud_arrays

FEATURES = ("log_e", "log_pt", "eta_rot", "phi_rot")


def arrays(n_jets: int, settings: dict) -> dict[str, tuple[tuple[int, ...], type]]:
    """Shape and dtype of each array for ``n_jets`` jets: features (n, max, 4), mask (n, max)."""
    return cloud_arrays(n_jets, settings["max_constituents"], len(FEATURES))


def encode(jets: ak.Array, settings: dict, zoom: bool) -> dict[str, np.ndarray]:
    """The arrays of ``jets`` (selected jets with constituents); ``zoom`` must be False."""
    if zoom:
        raise ValueError("log_cloud: seed 004's point clouds have no zoomed variant")
    features, mask = log_clouds(jets.constituents, settings["max_constituents"])
    return {"features": features, "mask": mask}


def meta(settings: dict) -> dict:
    """What models read: the feature names (input width) and the padded length."""
    return {"features": FEATURES, "max_constituents": settings["max_constituents"]}
