"""Point clouds (paper Sec. III): per jet at most ``max_constituents`` rows of
(pT/pT_J, eta', phi', g(pid)), zero-padded, with a mask of the real constituents;
centred on the leading constituent, rotated and optionally zoomed
(:func:`massgen.preprocess.point_clouds`)."""

from __future__ import annotations

import awkward as ak
import numpy as np

from massgen.preprocess import point_clouds
from massgen.representations import cloud_arrays

FEATURES = ("pt_fraction", "eta_rot", "phi_rot", "g_pid")


def arrays(n_jets: int, settings: dict) -> dict[str, tuple[tuple[int, ...], type]]:
    """Shape and dtype of each array for ``n_jets`` jets: features (n, max, 4), mask (n, max)."""
    return cloud_arrays(n_jets, settings["max_constituents"], len(FEATURES))


def encode(jets: ak.Array, settings: dict, zoom: bool) -> dict[str, np.ndarray]:
    """The arrays of ``jets`` (selected jets with constituents and jet_pt in GeV)."""
    features, mask = point_clouds(
        jets.constituents, ak.to_numpy(jets.jet_pt), settings["max_constituents"], zoom
    )
    return {"features": features, "mask": mask}


def meta(settings: dict) -> dict:
    """What models read: the feature names (input width) and the padded length."""
    return {"features": FEATURES, "max_constituents": settings["max_constituents"]}
