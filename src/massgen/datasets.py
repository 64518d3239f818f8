"""Balanced, memory-mappable datasets per (target mass, split, zoom).

A dataset directory holds ``features.npy`` (n, max_constituents, 4), ``mask.npy``,
``label.npy`` (1 = Z', 0 = QCD), and the observers ``jet_mass.npy`` and ``jet_pt.npy``
(GeV), plus ``meta.json``. Each (mass, split) holds equal numbers of Z' and QCD jets:
the larger class is subsampled by a hash of the event id, identically for every method.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import awkward as ak
import numpy as np

from massgen.errors import InputFileError
from massgen.files import atomic_path, read_parquet
from massgen.preprocess import jet_images, point_clouds
from massgen.seeding import hash_uniform
from massgen.selection import SPLITS, window_jets

log = logging.getLogger(__name__)

FEATURES = ("pt_fraction", "eta_rot", "phi_rot", "g_pid")
ARRAYS = ("features", "mask", "label", "jet_mass", "jet_pt")
ZOOMS = ("nozoom", "zoom")
IMAGE_EXTENT = {"nozoom": 1.0, "zoom": 0.5}  # half-width of the jet images in eta', phi'


def balance(jets: ak.Array) -> ak.Array:
    """Equal numbers of Z' (label 1) and QCD (label 0) jets, the lowest event hashes kept."""
    label = ak.to_numpy(jets.label)
    n = min(int(label.sum()), int((1 - label).sum()))
    keep = np.zeros(len(jets), dtype=bool)
    for value in (0, 1):
        idx = np.flatnonzero(label == value)
        rank = hash_uniform("balance", ak.to_numpy(jets.event_id)[idx] * 2 + value)
        keep[idx[np.argsort(rank, kind="stable")[:n]]] = True
    return jets[keep]


def write_dataset(jets: ak.Array, directory: Path, zoom: bool, max_constituents: int) -> int:
    """Preprocess ``jets`` and write the arrays of one dataset directory atomically."""
    features, mask = point_clouds(
        jets.constituents, ak.to_numpy(jets.jet_pt), max_constituents, zoom
    )
    arrays = {
        "features": features,
        "mask": mask,
        "label": ak.to_numpy(jets.label),
        "jet_mass": ak.to_numpy(jets.jet_mass),
        "jet_pt": ak.to_numpy(jets.jet_pt),
    }
    meta = {
        "features": FEATURES,
        "max_constituents": max_constituents,
        "zoom": zoom,
        "n_jets": len(jets),
        "n_signal": int(arrays["label"].sum()),
    }
    with atomic_path(directory) as tmp:
        tmp.mkdir()
        for name, array in arrays.items():
            np.save(tmp / f"{name}.npy", array)
        (tmp / "meta.json").write_text(json.dumps(meta, indent=2) + "\n")
    return len(jets)


def build_window(
    selected_paths: dict[str, str],
    mass: int,
    out_dirs: dict[str, dict[str, str]],
    images_paths: dict[str, str],
    max_constituents: int = 100,
) -> None:
    """All datasets of one target mass: every split in both zoom variants, and images.

    ``out_dirs[zoom][split]`` are dataset directories; ``images_paths[zoom]`` receive the
    average jet images (train split) of Z' and QCD as ``.npz``.
    """
    selected = {sample: read_parquet(path) for sample, path in selected_paths.items()}
    for split in SPLITS:
        jets = window_jets(selected, mass, split)
        jets = balance(jets)
        for zoom in ZOOMS:
            n = write_dataset(jets, Path(out_dirs[zoom][split]), zoom == "zoom", max_constituents)
            log.info("m = %d GeV, %s, %s: %d jets (balanced)", mass, split, zoom, n)
    for zoom in ZOOMS:
        data = load_dataset(out_dirs[zoom]["train"])
        label = np.asarray(data["label"])
        features = np.asarray(data["features"])
        extent = IMAGE_EXTENT[zoom]
        with atomic_path(images_paths[zoom]) as tmp, tmp.open("wb") as f:
            np.savez(
                f,
                signal=jet_images(features[label == 1], extent=extent),
                qcd=jet_images(features[label == 0], extent=extent),
                extent=extent,
            )


def load_dataset(directory: str | Path, mmap: bool = True) -> dict[str, np.ndarray]:
    """The arrays of a dataset directory, memory-mapped by default."""
    directory = Path(directory)
    try:
        return {
            name: np.load(directory / f"{name}.npy", mmap_mode="r" if mmap else None)
            for name in ARRAYS
        }
    except (OSError, ValueError) as exc:
        raise InputFileError(f"{directory}: not a complete dataset ({exc})") from exc
