"""The two leading jets' images (seed 001, Sec. 2): per event the image of each jet as
:mod:`massgen.representations.image` makes it (sum pT / pT_J over eta', phi' in [-1, 1],
centred, principal axis horizontal, hardest constituent upper right), leading jet
first. Events of a two-jet selection (``jets.n_leading`` 2) only; no mask."""

from __future__ import annotations

import awkward as ak
import numpy as np

from massgen.preprocess import IMAGE_EXTENT, images

N_JETS = 2


def arrays(n_events: int, settings: dict) -> dict[str, tuple[tuple[int, ...], type]]:
    """Shape and dtype of each array for ``n_events`` events: features (n, 2, pixels,
    pixels)."""
    pixels = settings["image_pixels"]
    return {"features": ((n_events, N_JETS, pixels, pixels), np.float32)}


def encode(events: ak.Array, settings: dict, zoom: bool) -> dict[str, np.ndarray]:
    """The images of each event's two leading jets (lists of two jets per event: jet_pt in
    GeV and constituents)."""
    counts = ak.to_numpy(ak.num(events.jet_pt))
    if len(counts) and (counts != N_JETS).any():
        raise ValueError(
            f"dijet images need {N_JETS} jets per event; an event has {counts[counts != N_JETS][0]}"
        )
    pixels = settings["image_pixels"]
    flat = images(
        ak.flatten(events.constituents, axis=1),
        ak.to_numpy(ak.flatten(events.jet_pt)),
        pixels,
        zoom,
    )
    return {"features": flat.reshape(len(events), N_JETS, pixels, pixels)}


def meta(settings: dict) -> dict:
    """What models read: the jets per event, pixels per side, and the half-width in eta',
    phi' per zoom."""
    return {"jets": N_JETS, "pixels": settings["image_pixels"], "extent": IMAGE_EXTENT}
