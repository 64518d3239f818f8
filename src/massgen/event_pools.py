"""Events of seed 001's samples in the signal region and the sidebands, as pools to draw
from: several splits' memory-mapped datasets of a sample numbered one after another,
and several samples' pools numbered one after another."""

from __future__ import annotations

import numpy as np

from massgen.datasets import load_dataset, load_meta
from massgen.errors import InputFileError
from massgen.files import read_json


def sideband_ratio(cutflow_path: str) -> float:
    """A sample's sideband-to-signal-region ratio of selected events, weighted (from its
    cutflow): how many sideband events one signal-region event brings at one luminosity.
    Recorded in the sample's datasets (meta.json ``sideband_ratio``)."""
    window = read_json(cutflow_path)["weighted"]["window"]
    if window["signal_region"] <= 0:
        raise InputFileError(f"{cutflow_path}: no selected event in the signal region")
    return window["sidebands"] / window["signal_region"]


def regions(dataset: str, data: dict[str, np.ndarray]) -> np.ndarray:
    """Each event's region (1 signal region, 0 sidebands) of a two-jet dataset."""
    if "region" not in data:
        raise InputFileError(f"{dataset}: no region array (not a dijet dataset of seed 001)")
    return np.asarray(data["region"], np.int8)


class Pool:
    """The signal-region and sideband events of one sample over several splits: their
    datasets (memory-mapped) and regions (1 signal region, 0 sidebands), numbered from
    ``offset`` on in split order."""

    def __init__(self, datasets: list[str], offset: int = 0) -> None:
        self.parts = [load_dataset(d) for d in datasets]
        region = [regions(d, part) for d, part in zip(datasets, self.parts, strict=True)]
        self.region = np.concatenate(region)
        self.starts = np.cumsum([0] + [len(r) for r in region])
        self.offset = offset
        self.first = datasets[0]

    @property
    def sideband_ratio(self) -> float:
        """The sample's sideband-to-signal-region ratio its datasets record."""
        ratio = load_meta(self.first).get("sideband_ratio")
        if ratio is None:
            raise InputFileError(f"{self.first}: meta.json has no sideband_ratio")
        return ratio

    def __len__(self) -> int:
        return int(self.starts[-1])

    def rows(self, region: int) -> np.ndarray:
        """Numbers of the events in ``region``."""
        return self.offset + np.flatnonzero(self.region == region)

    def take(self, numbers: np.ndarray, name: str) -> np.ndarray:
        """Array ``name`` at event ``numbers`` (this pool's), in their order; each split's
        memory map is read in increasing row order."""
        local = np.asarray(numbers) - self.offset
        part = np.searchsorted(self.starts, local, side="right") - 1
        shape = self.parts[0][name].shape[1:]
        out = np.empty((len(local), *shape), self.parts[0][name].dtype)
        for k, arrays in enumerate(self.parts):
            mine = np.flatnonzero(part == k)
            order = mine[np.argsort(local[mine], kind="stable")]
            out[order] = arrays[name][local[order] - self.starts[k]]
        return out


def gather(pools: dict[str, Pool], numbers: np.ndarray, name: str) -> np.ndarray:
    """Array ``name`` at event ``numbers`` of several pools numbered one after another."""
    shape = next(iter(pools.values())).parts[0][name].shape[1:]
    dtype = next(iter(pools.values())).parts[0][name].dtype
    out = np.empty((len(numbers), *shape), dtype)
    for pool in pools.values():
        mine = (numbers >= pool.offset) & (numbers < pool.offset + len(pool))
        out[mine] = pool.take(numbers[mine], name)
    return out
