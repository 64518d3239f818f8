"""Jet preprocessing: the founding paper's point clouds (Sec. III) and zoom, and seed
001's jet images.

Point clouds: each jet becomes at most ``max_constituents`` rows of (pT/pT_J, eta',
phi', g(pid)): constituents are translated so that the leading one sits at the origin of
the (eta, phi) plane, rotated so that the pT-weighted centre lies directly below it
(negative phi' axis), and optionally zoomed: eta' and phi' are scaled so that the mean
distance of the other constituents from the leading one is ``ZOOM_DISTANCE`` = 0.1.

Jet images (seed 001, Sec. 2): constituents are centred on the pT-weighted centroid,
rotated so that the principal axis of the pT-weighted constituents is horizontal (the
eta' axis), flipped so that the hardest constituent lies in the upper right quadrant,
optionally zoomed by the same factor as the point clouds, and pixelated: pixel = sum of
pT / pT_J over [-1, 1]^2 in (eta', phi') ([-0.5, 0.5]^2 after zoom, as Fig. 1).

Log-momentum point clouds (seed 004, Sec. 3.1): the jet images' frame (centroid,
principal axis, flip; no zoom) and per constituent (log E, log pT, eta', phi'), E and
pT in GeV.
"""

from __future__ import annotations

import awkward as ak
import numpy as np

ZOOM_DISTANCE = 0.1
IMAGE_EXTENT = {"nozoom": 1.0, "zoom": 0.5}  # half-width of jet images in eta', phi'

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
    filled, mask = _padded(constituents, max_constituents)
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


def _padded(
    constituents: ak.Array,
    width: int | None = None,
    fields: tuple[str, ...] = ("pt", "eta", "phi", "pid", "charge"),
) -> tuple[dict, np.ndarray]:
    """``fields`` of each jet's first ``width`` constituents (all when None) as
    zero-padded float64 arrays, and the mask of real constituents."""
    if width is None:
        width = max(int(ak.max(ak.num(constituents, axis=1), initial=0)), 1)
    padded = ak.pad_none(constituents[:, :width], width, clip=True)
    mask = ak.to_numpy(~ak.is_none(padded.pt, axis=1))
    filled = {f: ak.to_numpy(ak.fill_none(padded[f], 0)).astype(np.float64) for f in fields}
    return filled, mask


def image_coordinates(
    pt: np.ndarray, eta: np.ndarray, phi: np.ndarray, mask: np.ndarray, zoom: bool
) -> tuple[np.ndarray, np.ndarray]:
    """(eta', phi') of padded constituents (pT-ordered, the hardest first) after seed 001's
    centring on the pT-weighted centroid, rotation of the principal axis to the eta'
    axis and flip of the hardest constituent into the upper right quadrant; with
    ``zoom`` scaled by the point clouds' zoom factor."""
    deta = (eta - eta[:, :1]) * mask
    dphi = wrap_phi(phi - phi[:, :1]) * mask
    weight = pt * mask / np.maximum((pt * mask).sum(axis=1, keepdims=True), 1e-12)
    x = (deta - (weight * deta).sum(axis=1, keepdims=True)) * mask
    y = (dphi - (weight * dphi).sum(axis=1, keepdims=True)) * mask
    sxx, syy, sxy = ((weight * a * b).sum(axis=1) for a, b in ((x, x), (y, y), (x, y)))
    axis = (0.5 * np.arctan2(2 * sxy, sxx - syy))[:, None]  # major axis of the pT ellipse
    x, y = x * np.cos(axis) + y * np.sin(axis), -x * np.sin(axis) + y * np.cos(axis)
    if zoom:
        scale = ZOOM_DISTANCE / mean_distance(deta, dphi, mask)
        x, y = x * scale[:, None], y * scale[:, None]
    x = x * np.where(x[:, :1] < 0, -1.0, 1.0)
    y = y * np.where(y[:, :1] < 0, -1.0, 1.0)
    return x, y


def log_clouds(constituents: ak.Array, max_constituents: int) -> tuple[np.ndarray, np.ndarray]:
    """Seed 004's point clouds and their mask: per jet its ``max_constituents`` hardest
    constituents (zero-padded) as (log E, log pT, eta', phi'), with E and pT in GeV and
    (eta', phi') in the frame of :func:`image_coordinates` found from all constituents.

    Returns features (n_jets, max_constituents, 4) float32 and mask (n_jets,
    max_constituents) bool.
    """
    filled, mask = _padded(constituents, fields=("pt", "eta", "phi", "mass"))
    x, y = image_coordinates(filled["pt"], filled["eta"], filled["phi"], mask, zoom=False)
    energy = np.hypot(filled["pt"] * np.cosh(filled["eta"]), filled["mass"])
    logs = [np.log(np.where(mask, v, 1.0)) for v in (energy, filled["pt"])]
    features = np.stack([*logs, x, y], axis=-1) * mask[..., None]
    width = min(max_constituents, features.shape[1])
    out = np.zeros((len(mask), max_constituents, 4), np.float32)
    out[:, :width] = features[:, :width]
    padded_mask = np.zeros((len(mask), max_constituents), bool)
    padded_mask[:, :width] = mask[:, :width]
    return out, padded_mask


def pixel_index(
    x: np.ndarray, y: np.ndarray, pixels: int, extent: float
) -> tuple[np.ndarray, np.ndarray]:
    """Flat pixel index ``ix * pixels + iy`` of points (x: eta', y: phi') on a pixels x
    pixels grid over [-extent, extent]^2, and whether each point is inside it. Bins are
    [lo, hi), the last one closed at +extent, as numpy.histogram2d's."""
    # By hand, not numpy.histogram2d per jet (a Python loop over jets) nor hist (which
    # puts a point on the upper edge in overflow): one bincount then fills every image.

    def index(v: np.ndarray) -> np.ndarray:
        i = np.floor((v + extent) / (2 * extent) * pixels).astype(np.int64)
        return np.where(v == extent, pixels - 1, i)

    ix, iy = index(x), index(y)
    inside = (ix >= 0) & (ix < pixels) & (iy >= 0) & (iy < pixels)
    return ix * pixels + iy, inside


def pixelate(
    x: np.ndarray, y: np.ndarray, weight: np.ndarray, mask: np.ndarray, pixels: int, extent: float
) -> np.ndarray:
    """Per-jet images (n, pixels, pixels) of ``weight`` summed over [-extent, extent]^2:
    axis 1 is x (eta'), axis 2 y (phi'), both increasing (:func:`pixel_index`); points
    outside, and those ``mask`` leaves out, are dropped."""
    n = len(x)
    pixel, inside = pixel_index(x, y, pixels, extent)
    inside &= mask
    flat = np.arange(n)[:, None] * pixels * pixels + pixel
    counts = np.bincount(flat[inside], weights=weight[inside], minlength=n * pixels * pixels)
    return counts.reshape(n, pixels, pixels).astype(np.float32)


def images(constituents: ak.Array, jet_pt: np.ndarray, pixels: int, zoom: bool) -> np.ndarray:
    """Seed 001's jet images of every constituent: (n_jets, pixels, pixels) float32 with
    pixel = sum pT / pT_J (``jet_pt`` in GeV), over eta', phi' in [-1, 1]
    ([-0.5, 0.5] with ``zoom``)."""
    filled, mask = _padded(constituents)
    x, y = image_coordinates(filled["pt"], filled["eta"], filled["phi"], mask, zoom)
    fraction = filled["pt"] / np.asarray(jet_pt, dtype=np.float64)[:, None]
    extent = IMAGE_EXTENT["zoom" if zoom else "nozoom"]
    return pixelate(x, y, fraction, mask, pixels, extent)


def summed_jet_image(features: np.ndarray, pixels: int = 40, extent: float = 1.0) -> np.ndarray:
    """Sum over point-cloud jets ``features`` (n, particles, (pT/pT_J, eta', phi', ...))
    of their pT-fraction images, on a pixels x pixels grid over [-extent, extent]^2:
    (pixels, pixels) float64 with axis 0 = eta', axis 1 = phi' (:func:`pixel_index`).
    Padding rows carry pT/pT_J = 0 and add nothing."""
    pixel, inside = pixel_index(features[..., 1], features[..., 2], pixels, extent)
    weight = features[..., 0].astype(np.float64)
    return np.bincount(pixel[inside], weights=weight[inside], minlength=pixels * pixels).reshape(
        pixels, pixels
    )
