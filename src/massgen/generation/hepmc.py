"""Read final-state particles from a HepMC3 file into the events schema of the pipeline."""

from __future__ import annotations

from pathlib import Path

import awkward as ak
import numpy as np
import pyhepmc
from particle.pdgid import three_charge

from massgen.errors import InputFileError


def charge_of(pid: np.ndarray) -> np.ndarray:
    """Electric charge (units of e) of PDG ids, from the id's digits (scikit-hep
    ``particle``'s rules: quarks, leptons, bosons, hadrons, nuclei); 0 for an id that is
    not a valid PDG id. Each distinct id is looked up once."""
    ids, inverse = np.unique(np.asarray(pid), return_inverse=True)
    table = np.array([(three_charge(int(i)) or 0) / 3.0 for i in ids], dtype=np.float32)
    return table[inverse].reshape(np.shape(pid))


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
