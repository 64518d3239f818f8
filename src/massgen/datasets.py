"""Balanced, memory-mappable datasets per (representation, target mass, split, zoom).

A dataset directory holds the arrays of its representation (for point clouds
``features.npy`` (n, max_constituents, 4) and ``mask.npy``; for jet images
``features.npy`` (n, pixels, pixels)), ``label.npy`` (the class:
1 = Z', 0 = QCD), the observers ``jet_mass.npy`` and ``jet_pt.npy`` (GeV; (n, 2) for
a row of two jets, seed 001's events), the event
weights ``weight.npy``, seed 001's ``region.npy`` (1 signal region, 0 sidebands), and
``meta.json`` (representation, its inputs, class count, array names). Each (mass, split)
holds equal numbers of Z' and QCD jets, chosen in the window's index
(:func:`massgen.selection.window_index`), identically for every representation and
method. Datasets are
filled chunk by chunk, so memory stays at one chunk's jets.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
from collections.abc import Callable
from pathlib import Path

import awkward as ak
import numpy as np

from massgen.errors import InputFileError
from massgen.files import atomic_path, read_parquet
from massgen.grid import SPLITS, ZOOMS
from massgen.perturbations import perturb_jets
from massgen.preprocess import IMAGE_EXTENT, summed_jet_image
from massgen.representations import representation_module
from massgen.samples import parse_sample
from massgen.weights import event_weights

log = logging.getLogger(__name__)


def _allocate(
    directory: Path,
    n: int,
    representation: str,
    settings: dict,
    meta: dict,
    index_columns: tuple[str, ...] = (),
) -> dict:
    """Memory-mapped .npy arrays of a dataset with ``n`` jets in ``directory``: the
    representation's, the shared ones (label, observers) and the ``index_columns``
    (small integers per row); and its meta.json."""
    directory.mkdir(parents=True)
    module = representation_module(representation)
    own_meta = module.meta(settings)
    # The observers are per jet: one per row, or one per jet of a row of several jets.
    per_row = (n,) if own_meta.get("jets", 1) == 1 else (n, own_meta["jets"])
    shapes = {**module.arrays(n, settings)}
    shapes |= {
        "label": ((n,), np.int8),
        "jet_mass": (per_row, np.float32),
        "jet_pt": (per_row, np.float32),
        "weight": ((n,), np.float32),
    }
    shapes |= dict.fromkeys(index_columns, ((n,), np.int8))
    record = {
        "representation": representation,
        **own_meta,
        **meta,
        "n_jets": n,
        "arrays": list(shapes),
    }
    (directory / "meta.json").write_text(json.dumps(record, indent=2) + "\n")
    return {
        name: np.lib.format.open_memmap(
            directory / f"{name}.npy", mode="w+", dtype=dtype, shape=shape
        )
        for name, (shape, dtype) in shapes.items()
    }


def build_window(
    selected_paths: dict[str, list[str]],
    index_paths: dict[str, str],
    mass: int,
    out_dirs: dict[str, dict[str, str]],
    representation: str,
    settings: dict,
) -> None:
    """All datasets of one representation and target mass: ``index_paths[split]`` are
    the window's index files, ``out_dirs[zoom][split]`` receive the datasets of the
    registered ``representation`` (with its ``settings``, e.g. max_constituents), both
    zooms (see :func:`build`)."""
    n_classes = 1 + max(parse_sample(sample).label for sample in selected_paths)
    build(
        selected_paths,
        index_paths,
        {(zoom, split): out_dirs[zoom][split] for zoom in ZOOMS for split in SPLITS},
        representation,
        settings,
        n_classes,
    )
    log.info("%s, m = %d GeV", representation, mass)


def build(
    selected_paths: dict[str, list[str]],
    index_paths: dict[str, str],
    out_dirs: dict[tuple[str, str], str],
    representation: str,
    settings: dict,
    n_classes: int,
    perturbation: dict | None = None,
    index_columns: tuple[str, ...] = (),
    meta: dict | None = None,
) -> None:
    """Datasets of the ``balanced`` jets of index files, streamed chunk by chunk into
    memory-mapped arrays.

    ``index_paths[split]`` are index files (:mod:`massgen.selection`; their rows carry the
    class label); ``out_dirs[(zoom, split)]`` receive the datasets of the registered
    ``representation`` (with its ``settings``) for each zoom asked. ``n_classes`` is the
    classifier's class count, recorded in meta.json. A ``perturbation`` ({scenario,
    radius}: :func:`massgen.perturbations.perturb_jets`) changes the jets' constituents
    first and is recorded too. ``index_columns`` (e.g. seed 001's ``region``) are copied
    from the index rows into arrays of their own, and ``meta`` into meta.json: a dataset
    then carries all a job needs. Only one chunk of jets is in memory at a time.
    """
    index = {split: read_parquet(path) for split, path in index_paths.items()}
    index = {split: ix[ix.balanced] for split, ix in index.items()}
    rows_by_chunk = {split: _group_by_chunk(ix) for split, ix in index.items()}
    with contextlib.ExitStack() as stack:
        tmp_dirs = {key: stack.enter_context(atomic_path(out)) for key, out in out_dirs.items()}
        arrays = {
            (zoom, split): _allocate(
                tmp,
                len(index[split]),
                representation,
                settings,
                {"n_classes": n_classes, "zoom": zoom == "zoom"}
                | ({"perturbation": perturbation} if perturbation else {})
                | (meta or {}),
                index_columns,
            )
            for (zoom, split), tmp in tmp_dirs.items()
        }
        encode = functools.partial(representation_module(representation).encode, settings=settings)
        if perturbation:
            encode = _perturbed(encode, perturbation)
        for sample, paths in selected_paths.items():
            for chunk, path in enumerate(paths):
                _fill_from_chunk(
                    read_parquet(path),
                    sample,
                    chunk,
                    index,
                    rows_by_chunk,
                    arrays,
                    encode,
                    index_columns,
                )
        for array_set in arrays.values():
            for array in array_set.values():
                array.flush()
    log.info(
        "%s: %s jets in %s",
        representation,
        "/".join(str(len(ix)) for ix in index.values()),
        "/".join(index),
    )


def _perturbed(encode: Callable[..., dict], perturbation: dict) -> Callable[..., dict]:
    """``encode`` of the jets after ``perturbation`` (its scenario and the jet radius)."""

    def perturbed_encode(jets: ak.Array, zoom: bool) -> dict[str, np.ndarray]:
        return encode(
            perturb_jets(jets, perturbation["scenario"], perturbation["radius"]), zoom=zoom
        )

    return perturbed_encode


def _group_by_chunk(ix: ak.Array) -> dict[tuple[str, int], np.ndarray]:
    """Positions of the index rows of each (sample, chunk), found once per build."""
    samples = ak.to_numpy(ix.sample).astype(str)
    chunks = ak.to_numpy(ix.chunk)
    groups: dict[tuple[str, int], np.ndarray] = {}
    for sample in np.unique(samples):
        of_sample = np.flatnonzero(samples == sample)
        order = of_sample[np.argsort(chunks[of_sample], kind="stable")]
        values, starts = np.unique(chunks[order], return_index=True)
        for chunk, part in zip(values, np.split(order, starts[1:]), strict=True):
            groups[(str(sample), int(chunk))] = part
    return groups


def _fill_from_chunk(
    jets: ak.Array,
    sample: str,
    chunk: int,
    index: dict[str, ak.Array],
    rows_by_chunk: dict[str, dict[tuple[str, int], np.ndarray]],
    arrays: dict,
    encode: Callable[..., dict[str, np.ndarray]],
    index_columns: tuple[str, ...] = (),
) -> None:
    """Preprocess the indexed jets of one selected chunk into their rows of every dataset
    (with the ``index_columns`` of their index rows)."""
    event_ids = ak.to_numpy(jets.event_id)
    for split, ix in index.items():
        mine = rows_by_chunk[split].get((sample, chunk), np.zeros(0, dtype=np.int64))
        if len(mine) == 0:
            continue
        wanted = ak.to_numpy(ix.event_id)[mine]
        rows = np.minimum(np.searchsorted(event_ids, wanted), len(event_ids) - 1)
        if not np.array_equal(event_ids[rows], wanted):
            raise InputFileError(
                f"{sample} chunk {chunk}: selected jets do not match the window index"
            )
        picked = jets[rows]
        label = ak.to_numpy(ix.label)[mine]
        for zoom in [zoom for zoom, of_split in arrays if of_split == split]:
            encoded = encode(picked, zoom=zoom == "zoom")
            out = arrays[(zoom, split)]
            for name, values in encoded.items():
                out[name][mine] = values
            out["label"][mine] = label
            out["jet_mass"][mine] = ak.to_numpy(picked.jet_mass)
            out["jet_pt"][mine] = ak.to_numpy(picked.jet_pt)
            out["weight"][mine] = event_weights(ix)[mine]
            for name in index_columns:
                out[name][mine] = ak.to_numpy(ix[name])[mine]


def average_jet_images(directory: str | Path, zoom: str, block: int = 20000) -> dict:
    """The average pT-fraction image of the QCD (``qcd``) and Z' (``signal``) jets of a
    point-cloud dataset, over eta', phi' in [-``extent``, ``extent``] (Fig. 1; the
    half-width depends on ``zoom``). Reads ``block`` jets at a time."""
    data = load_dataset(directory)
    extent = IMAGE_EXTENT[zoom]
    label = np.asarray(data["label"])
    images = {}
    for name, value in (("qcd", 0), ("signal", 1)):
        rows = np.flatnonzero(label == value)
        total = sum(
            summed_jet_image(
                np.asarray(data["features"][rows[start : start + block]]), extent=extent
            )
            for start in range(0, len(rows), block)
        )
        images[name] = total / max(len(rows), 1)
    return {**images, "extent": extent}


def load_meta(directory: str | Path) -> dict:
    """A dataset's meta.json: representation, features, max constituents, class count."""
    path = Path(directory) / "meta.json"
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise InputFileError(f"{path}: no dataset meta data ({exc})") from exc


def load_dataset(directory: str | Path, mmap: bool = True) -> dict[str, np.ndarray]:
    """The arrays of a dataset directory (those its meta.json lists), memory-mapped by
    default."""
    directory = Path(directory)
    names = load_meta(directory)["arrays"]
    try:
        return {
            name: np.load(directory / f"{name}.npy", mmap_mode="r" if mmap else None)
            for name in names
        }
    except (OSError, ValueError) as exc:
        raise InputFileError(f"{directory}: not a complete dataset ({exc})") from exc
