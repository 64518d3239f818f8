"""Clustering trees (seed 003): per jet the binary tree of its ``max_constituents``
hardest constituents in one order (:data:`massgen.trees.ORDERS`: kt, C/A or anti-kt
clustering history, descending or ascending pT sequence, random), 2N - 1 nodes in the
canonical order (:func:`massgen.trees.canonical`: the root first, every node before its
children), zero-padded to 2 max_constituents - 1 with a mask of the real nodes.

Each node is a row of its four-momentum's features relative to the jet (the root), the
paper's node content made scale-free: (pT/pT_J, E/E_J, eta - eta_J, phi - phi_J,
m/pT_J), then the tree's structure as three integer-valued columns, the positions of
its two children (-1 for a constituent) and its depth. The structure travels inside
``features`` so that the training loop and the evaluation read trees as they read
point clouds. The paper's content is (p, eta, phi, E, E/E_J, pT, theta) scaled by a
robust scaler fitted on the training jets; ours needs no fit and keeps a soft particle's
row small, as the scaled one is. With zoom, (eta - eta_J, phi - phi_J) are scaled by
the point clouds' zoom factor (:data:`massgen.preprocess.ZOOM_DISTANCE` over the mean
distance of the constituents from the hardest one).

The random tree draws its merges from the jet's event id, so the same jets give the
same bytes.
"""

from __future__ import annotations

import awkward as ak
import numpy as np

from massgen.preprocess import ZOOM_DISTANCE, wrap_phi
from massgen.trees import ORDERS, canonical, depths, merge_tree

FEATURES = ("pt_fraction", "e_fraction", "deta", "dphi", "mass_fraction")
STRUCTURE = ("left", "right", "depth")


def arrays(n_jets: int, settings: dict) -> dict[str, tuple[tuple[int, ...], type]]:
    """Shape and dtype of each array for ``n_jets`` jets: features (n, 2 max - 1, 8) and
    mask (n, 2 max - 1)."""
    nodes = 2 * settings["max_constituents"] - 1
    return {
        "features": ((n_jets, nodes, len(FEATURES) + len(STRUCTURE)), np.float32),
        "mask": ((n_jets, nodes), np.bool_),
    }


def encode(jets: ak.Array, settings: dict, zoom: bool) -> dict[str, np.ndarray]:
    """The trees of ``jets`` (selected jets with event_id and constituents (pt, eta, phi,
    mass), GeV and radians): each jet's ``max_constituents`` hardest."""
    order = settings["order"]
    width = settings["max_constituents"]
    shapes = arrays(len(jets), settings)
    features = np.zeros(*shapes["features"])
    mask = np.zeros(*shapes["mask"])
    constituents = jets.constituents
    counts = ak.to_numpy(ak.num(constituents))
    rows = np.stack(
        [
            ak.to_numpy(ak.flatten(constituents[field])).astype(np.float64)
            for field in ("pt", "eta", "phi", "mass")
        ],
        axis=1,
    )
    stops = np.cumsum(counts)
    event_ids = ak.to_numpy(jets.event_id).astype(np.int64) % 2**62
    for i, (stop, count) in enumerate(zip(stops, counts, strict=True)):
        jet = rows[stop - count : stop]
        jet = jet[np.argsort(-jet[:, 0], kind="stable")][:width]
        rng = np.random.default_rng((int(event_ids[i]), ORDERS.index(order)))
        tree = canonical(merge_tree(cartesian(jet), order, rng))
        n_nodes = len(tree.children)
        features[i, :n_nodes] = node_rows(tree, jet, zoom)
        mask[i, :n_nodes] = True
    return {"features": features, "mask": mask}


def cartesian(jet: np.ndarray) -> np.ndarray:
    """(px, py, pz, E) rows in GeV of (pt, eta, phi, mass) rows."""
    pt, eta, phi, mass = jet.T
    pz = pt * np.sinh(eta)
    return np.stack([pt * np.cos(phi), pt * np.sin(phi), pz, np.sqrt(pt**2 + pz**2 + mass**2)], 1)


def node_rows(tree, jet: np.ndarray, zoom: bool) -> np.ndarray:
    """The feature and structure rows of a canonical tree's nodes (:data:`FEATURES`,
    :data:`STRUCTURE`); ``jet`` holds its constituents' (pt, eta, phi, mass), the hardest
    first, from which the zoom factor is found."""
    px, py, pz, e = tree.momenta.T
    pt = np.hypot(px, py)
    eta = np.arcsinh(pz / np.maximum(pt, 1e-300))
    phi = np.arctan2(py, px)
    mass = np.sqrt(np.maximum(e**2 - pt**2 - pz**2, 0.0))
    deta, dphi = eta - eta[0], wrap_phi(phi - phi[0])
    if zoom:
        others = jet[1:]
        distance = np.hypot(others[:, 1] - jet[0, 1], wrap_phi(others[:, 2] - jet[0, 2]))
        scale = ZOOM_DISTANCE / max(distance.mean() if len(others) else 0.0, 1e-6)
        deta, dphi = deta * scale, dphi * scale
    return np.stack(
        [
            pt / pt[0],
            e / e[0],
            deta,
            dphi,
            mass / pt[0],
            tree.children[:, 0],
            tree.children[:, 1],
            depths(tree),
        ],
        axis=1,
    )


def meta(settings: dict) -> dict:
    """What models read: the node features, the structure columns after them, the tree
    order and the padded node count."""
    return {
        "features": FEATURES,
        "structure": STRUCTURE,
        "order": settings["order"],
        "max_nodes": 2 * settings["max_constituents"] - 1,
    }
