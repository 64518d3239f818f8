"""Jet images (seed 001, Sec. 2): per jet a pixels x pixels array of sum pT / pT_J over
(eta', phi'), centred on the pT-weighted centroid, principal axis horizontal, hardest
constituent in the upper right, optionally zoomed (:func:`massgen.preprocess.images`).
Images have no padding: the dataset holds no mask."""

from __future__ import annotations

import awkward as ak
import numpy as np

from massgen.preprocess import IMAGE_EXTENT, images


def arrays(n_jets: int, settings: dict) -> dict[str, tuple[tuple[int, ...], type]]:
    """Shape and dtype of each array for ``n_jets`` jets: features (n, pixels, pixels)."""
    pixels = settings["image_pixels"]
    return {"features": ((n_jets, pixels, pixels), np.float32)}


def encode(jets: ak.Array, settings: dict, zoom: bool) -> dict[str, np.ndarray]:
    """The images of ``jets`` (selected jets with constituents and jet_pt in GeV)."""
    pixels = settings["image_pixels"]
    return {"features": images(jets.constituents, ak.to_numpy(jets.jet_pt), pixels, zoom)}


def meta(settings: dict) -> dict:
    """What models read: the pixels per side, and the half-width in eta', phi' per zoom."""
    return {"pixels": settings["image_pixels"], "extent": IMAGE_EXTENT}
