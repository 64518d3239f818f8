"""Read final-state particles from a HepMC3 file into the events schema of the pipeline."""

from __future__ import annotations

from pathlib import Path

import awkward as ak
import numpy as np
import pyhepmc

from massgen.errors import InputFileError

CHARGE3 = {
    1: -1,
    2: 2,
    3: -1,
    4: 2,
    5: -1,
    6: 2,
    11: -3,
    13: -3,
    15: -3,
    24: 3,
    211: 3,
    321: 3,
    411: 3,
    431: 3,
    521: 3,
    2212: 3,
    3222: 3,
    3112: -3,
    3312: -3,
    3334: -3,
    2224: 6,
    4122: 3,
    4232: 3,
    4332: 0,
    5122: 0,
}


def charge_of(pid: np.ndarray) -> np.ndarray:
    """Electric charge of final-state PDG ids (leptons, and the long-lived hadrons)."""
    table = np.vectorize(lambda p: CHARGE3.get(abs(int(p)), 0) * (1 if p > 0 else -1) / 3.0)
    return table(pid).astype(np.float32) if len(pid) else np.zeros(0, np.float32)


def read_hepmc(path: Path | str) -> ak.Array:
    """Events (event_id, particles{px, py, pz, e, pid, charge}) with status-1 particles."""
    path = Path(path)
    if not path.is_file():
        raise InputFileError(f"{path}: file not found")
    ids, counts, columns = [], [], {k: [] for k in ("px", "py", "pz", "e", "pid")}
    try:
        with pyhepmc.open(path) as f:
            for event in f:
                prt = event.numpy.particles
                sel = np.asarray(prt.status) == 1
                for key, values in columns.items():
                    values.append(np.asarray(getattr(prt, key))[sel])
                ids.append(event.event_number)
                counts.append(int(sel.sum()))
    except (OSError, RuntimeError, ValueError) as exc:
        raise InputFileError(f"{path}: not a readable HepMC3 file ({exc})") from exc
    if not ids:
        raise InputFileError(f"{path}: no events")
    flat = {k: np.concatenate(v) for k, v in columns.items()}
    flat["pid"] = flat["pid"].astype(np.int32)
    flat["charge"] = charge_of(flat["pid"])
    particles = ak.unflatten(ak.zip(flat), np.asarray(counts))
    return ak.zip(
        {"event_id": np.asarray(ids, dtype=np.int64), "particles": particles}, depth_limit=1
    )
