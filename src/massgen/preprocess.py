"""Jet preprocessing of the paper (Sec. III): point clouds, zoom and jet images.

Each jet becomes at most ``max_constituents`` rows of (pT/pT_J, eta', phi', g(pid)):
constituents are translated so that the leading one sits at the origin of the
(eta, phi) plane, rotated so that the pT-weighted centre lies directly below it
(negative phi' axis), and optionally zoomed: eta' and phi' are scaled so that the mean
distance of the other constituents from the leading one is ``ZOOM_DISTANCE`` = 0.1.
"""

from __future__ import annotations

import awkward as ak
import numpy as np

ZOOM_DISTANCE = 0.1

# g(pid): "small floats beginning at 0.05 and incrementing 0.1 for each class", with the
# classes in the order of the paper's dataset record (DESIGN.md).
GPID_CLASSES = (
    (22, "photon"),
    (-11, "e+"),
    (11, "e-"),
    (-13, "mu+"),
    (13, "mu-"),
    (0, "neutral hadron"),
    (-211, "pi-"),
    (211, "pi+"),
    (-321, "K-"),
    (321, "K+"),
    (-2212, "antiproton"),
    (2212, "proton"),
)
GPID = {pid: 0.05 + 0.1 * i for i, (pid, _) in enumerate(GPID_CLASSES)}


def g_pid(pid: np.ndarray, charge: np.ndarray) -> np.ndarray:
    """The paper's g(pid) per constituent.

    Listed species take their class value; other charged particles count as the pion of
    the same charge, other neutral particles (our neutral-hadron candidates) as
    neutral hadrons.
    """
    pid = np.asarray(pid)
    charge = np.asarray(charge)
    out = np.where(charge > 0, GPID[211], np.where(charge < 0, GPID[-211], GPID[0]))
    for code, value in GPID.items():
        out = np.where(pid == code, value, out)
    return out.astype(np.float32)


def wrap_phi(dphi: np.ndarray) -> np.ndarray:
    """Azimuthal differences mapped into [-pi, pi)."""
    return np.mod(dphi + np.pi, 2 * np.pi) - np.pi


def point_clouds(
    constituents: ak.Array, jet_pt: np.ndarray, max_constituents: int, zoom: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Preprocessed, zero-padded point clouds and their mask.

    Parameters
    ----------
    constituents
        Per jet, constituents (pt, eta, phi, pid, charge) ordered by decreasing pT.
    jet_pt
        Jet transverse momenta in GeV, shape (n_jets,).

    Returns
    -------
    features : (n_jets, max_constituents, 4) float32, (pT/pT_J, eta', phi', g(pid))
    mask : (n_jets, max_constituents) bool, True for real constituents
    """
    padded = ak.pad_none(constituents[:, :max_constituents], max_constituents, clip=True)
    mask = ak.to_numpy(~ak.is_none(padded.pt, axis=1))
    filled = {
        f: ak.to_numpy(ak.fill_none(padded[f], 0)).astype(np.float64)
        for f in ("pt", "eta", "phi", "pid", "charge")
    }
    pt = filled["pt"]
    deta = (filled["eta"] - filled["eta"][:, :1]) * mask
    dphi = wrap_phi(filled["phi"] - filled["phi"][:, :1]) * mask
    weight = pt / np.maximum(pt.sum(axis=1, keepdims=True), 1e-12)
    centre = np.arctan2((weight * dphi).sum(axis=1), (weight * deta).sum(axis=1))
    angle = (-np.pi / 2 - centre)[:, None]
    x = deta * np.cos(angle) - dphi * np.sin(angle)
    y = deta * np.sin(angle) + dphi * np.cos(angle)
    if zoom:
        scale = ZOOM_DISTANCE / mean_distance(x, y, mask)
        x, y = x * scale[:, None], y * scale[:, None]
    features = (
        np.stack(
            [
                pt / np.asarray(jet_pt, dtype=np.float64)[:, None],
                x,
                y,
                g_pid(filled["pid"], filled["charge"]),
            ],
            axis=-1,
        )
        * mask[..., None]
    )
    return features.astype(np.float32), mask


def mean_distance(x: np.ndarray, y: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Mean (eta', phi') distance of the non-leading constituents from the leading one."""
    others = mask.copy()
    others[:, 0] = False
    distance = np.hypot(x, y) * others
    return np.maximum(distance.sum(axis=1) / np.maximum(others.sum(axis=1), 1), 1e-6)


def jet_images(features: np.ndarray, bins: int = 40, extent: float = 1.0) -> np.ndarray:
    """Average pT-fraction image of preprocessed jets on a bins x bins grid in [-extent, extent]^2.

    Returns (bins, bins) with axis 0 = eta', axis 1 = phi'.
    """
    edges = np.linspace(-extent, extent, bins + 1)
    # Not hist: it puts a point on the top edge (+extent) in overflow; histogram2d counts it.
    image, _, _ = np.histogram2d(
        features[..., 1].ravel(),
        features[..., 2].ravel(),
        bins=(edges, edges),
        weights=features[..., 0].ravel(),
    )
    return image / max(len(features), 1)
