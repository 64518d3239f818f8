"""Events of seed 001's samples in the signal region and the sidebands, as pools to draw
from: several splits' memory-mapped datasets of a sample numbered one after another,
and several samples' pools numbered one after another."""

from __future__ import annotations

import numpy as np

from massgen.datasets import load_dataset
from massgen.errors import InputFileError
from massgen.files import read_parquet


class Pool:
    """The signal-region and sideband events of one sample over several splits: their
    datasets (memory-mapped) and regions (1 signal region, 0 sidebands), numbered from
    ``offset`` on in split order."""

    def __init__(self, datasets: list[str], indices: list[str], offset: int = 0) -> None:
        self.parts = [load_dataset(d) for d in datasets]
        regions = []
        for dataset, index_path, part in zip(datasets, indices, self.parts, strict=True):
            index = read_parquet(index_path)
            region = np.asarray(index.region[index.balanced], np.int8)
            if len(region) != len(part["label"]):
                raise InputFileError(
                    f"{dataset}: {len(part['label'])} events, its index {len(region)}"
                )
            regions.append(region)
        self.region = np.concatenate(regions)
        self.starts = np.cumsum([0] + [len(r) for r in regions])
        self.offset = offset

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
