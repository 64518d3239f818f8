"""Read a Delphes ROOT file (CMS card) into the pipeline's reco schema.

EFlowTrack (pt, eta, phi, mass, charge, PID), EFlowPhoton and EFlowNeutralHadron
(ET, eta, phi; massless) become candidates of kind 0, 1 and 2 as the built-in
detector writes them; MissingET gives met and met_phi.
"""

from __future__ import annotations

from pathlib import Path

import awkward as ak
import numpy as np
import uproot

from massgen.detector.simulate import NEUTRAL_HADRON, PHOTON, TRACK
from massgen.errors import InputFileError

BRANCHES = {
    "EFlowTrack": ("PT", "Eta", "Phi", "Mass", "Charge", "PID"),
    "EFlowPhoton": ("ET", "Eta", "Phi"),
    "EFlowNeutralHadron": ("ET", "Eta", "Phi"),
}


def _candidates(arrays: ak.Array, branch: str, kind: int, pid: int) -> ak.Array:
    """One EFlow collection as candidate records."""
    pt = arrays[f"{branch}.{BRANCHES[branch][0]}"]
    zeros = ak.values_astype(pt * 0, np.float32)
    has_track_info = branch == "EFlowTrack"
    return ak.zip(
        {
            "pt": ak.values_astype(pt, np.float32),
            "eta": ak.values_astype(arrays[f"{branch}.Eta"], np.float32),
            "phi": ak.values_astype(arrays[f"{branch}.Phi"], np.float32),
            "mass": ak.values_astype(arrays[f"{branch}.Mass"], np.float32)
            if has_track_info
            else zeros,
            "charge": ak.values_astype(
                arrays[f"{branch}.Charge"] if has_track_info else zeros, np.int8
            ),
            "pid": ak.values_astype(
                arrays[f"{branch}.PID"] if has_track_info else zeros + pid, np.int32
            ),
            "kind": ak.values_astype(zeros + kind, np.int8),
        }
    )


def _first(values: ak.Array, dtype: type) -> np.ndarray:
    """The single entry per event of a one-element branch (MissingET, Event)."""
    return ak.to_numpy(ak.fill_none(ak.firsts(values), 0)).astype(dtype)


def read_delphes(path: Path | str) -> ak.Array:
    """Events (event_id, candidates, met, met_phi) from a Delphes tree ``Delphes``."""
    path = Path(path)
    if not path.is_file():
        raise InputFileError(f"{path}: file not found")
    names = [f"{b}.{f}" for b, fields in BRANCHES.items() for f in fields]
    names += ["MissingET.MET", "MissingET.Phi", "Event.Number"]
    try:
        arrays = uproot.open(path)["Delphes"].arrays(names)
    except Exception as exc:  # uproot raises many kinds for damaged files
        raise InputFileError(f"{path}: not a readable Delphes ROOT file ({exc})") from exc
    candidates = ak.concatenate(
        [
            _candidates(arrays, "EFlowTrack", TRACK, 0),
            _candidates(arrays, "EFlowPhoton", PHOTON, 22),
            _candidates(arrays, "EFlowNeutralHadron", NEUTRAL_HADRON, 0),
        ],
        axis=1,
    )
    candidates = candidates[ak.argsort(candidates.pt, axis=1, ascending=False)]
    return ak.zip(
        {
            "event_id": _first(arrays["Event.Number"], np.int64),
            "candidates": candidates,
            "met": _first(arrays["MissingET.MET"], np.float32),
            "met_phi": _first(arrays["MissingET.Phi"], np.float32),
        },
        depth_limit=1,
    )
