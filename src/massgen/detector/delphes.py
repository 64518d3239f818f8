"""Run Delphes (CMS card) and read its ROOT file into the pipeline's reco schema.

EFlowTrack (pt, eta, phi, mass, charge, PID), EFlowPhoton and EFlowNeutralHadron
(ET, eta, phi; massless) become candidates of kind 0, 1 and 2 as the built-in
detector writes them; Tower (ET, eta, phi; massless) the towers; MissingET gives met
and met_phi.
"""

from __future__ import annotations

import logging
import subprocess
from pathlib import Path

import awkward as ak
import numpy as np
import uproot

from massgen.detector.card import NEUTRAL_HADRON, PHOTON, TRACK
from massgen.detector.simulate import CANDIDATE_FIELDS, tower_fields
from massgen.errors import InputFileError
from massgen.files import read_parquet, write_parquet
from massgen.weights import event_weights

log = logging.getLogger(__name__)

BRANCHES = {
    "EFlowTrack": ("PT", "Eta", "Phi", "Mass", "Charge", "PID"),
    "EFlowPhoton": ("ET", "Eta", "Phi"),
    "EFlowNeutralHadron": ("ET", "Eta", "Phi"),
}
TOWER_BRANCH = ("Tower.ET", "Tower.Eta", "Tower.Phi")


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


def _read_tree(path: Path | str, names: list[str]) -> ak.Array:
    """Branches ``names`` of the tree ``Delphes``; InputFileError (one line, naming the
    file and, where one lacks, the branch) for a missing, foreign, truncated or partial file."""
    path = Path(path)
    if not path.is_file():
        raise InputFileError(f"{path}: file not found")
    try:
        tree = uproot.open(path)["Delphes"]
    except Exception as exc:  # uproot raises many kinds for damaged or foreign files
        raise InputFileError(
            f"{path}: not a readable Delphes ROOT file ({_one_line(exc)})"
        ) from exc
    missing = [name for name in names if name not in tree]
    if missing:
        raise InputFileError(f"{path}: Delphes tree lacks the branch {missing[0]}")
    try:
        return tree.arrays(names)
    except Exception as exc:
        raise InputFileError(f"{path}: Delphes tree cannot be read ({_one_line(exc)})") from exc


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())


def read_delphes(path: Path | str) -> ak.Array:
    """Events (event_id, candidates, met, met_phi, towers) from a Delphes tree
    ``Delphes``; candidates in Delphes' order, as the built-in detector writes them:
    tracks, photons, neutral hadrons."""
    names = [f"{b}.{f}" for b, fields in BRANCHES.items() for f in fields]
    names += ["MissingET.MET", "MissingET.Phi", "Event.Number", *TOWER_BRANCH]
    arrays = _read_tree(path, names)
    candidates = ak.concatenate(
        [
            _candidates(arrays, "EFlowTrack", TRACK, 0),
            _candidates(arrays, "EFlowPhoton", PHOTON, 22),
            _candidates(arrays, "EFlowNeutralHadron", NEUTRAL_HADRON, 0),
        ],
        axis=1,
    )
    return ak.zip(
        {
            "event_id": _first(arrays["Event.Number"], np.int64),
            "candidates": candidates,
            "met": _first(arrays["MissingET.MET"], np.float32),
            "met_phi": _first(arrays["MissingET.Phi"], np.float32),
            "towers": _towers(arrays),
        },
        depth_limit=1,
    )


def _towers(arrays: ak.Array) -> ak.Array:
    """The Tower branch in the candidates' form (massless, neutral, kind TOWER)."""
    flat = (ak.to_numpy(ak.flatten(arrays[name])) for name in TOWER_BRANCH)
    towers = ak.zip(dict(zip(CANDIDATE_FIELDS, tower_fields(*flat), strict=True)))
    return ak.unflatten(towers, ak.num(arrays[TOWER_BRANCH[0]]))


def read_delphes_particles(path: Path | str) -> ak.Array:
    """The generator's final-state particles (status 1) stored in a Delphes file's
    ``Particle`` branch, as events (event_id, particles{px, py, pz, e, pid, charge})."""
    fields = {"px": "Px", "py": "Py", "pz": "Pz", "e": "E", "pid": "PID", "charge": "Charge"}
    names = [f"Particle.{f}" for f in (*fields.values(), "Status")] + ["Event.Number"]
    arrays = _read_tree(path, names)
    final = arrays["Particle.Status"] == 1
    particles = ak.zip({key: arrays[f"Particle.{name}"][final] for key, name in fields.items()})
    return ak.zip(
        {"event_id": _first(arrays["Event.Number"], np.int64), "particles": particles},
        depth_limit=1,
    )


def delphes_to_reco(root_path: Path | str, events_path: Path | str, reco_path: Path | str) -> int:
    """Convert one Delphes output file into ``reco.parquet``, with each event's weight
    taken from the generated events it was made of (``events_path``, matched by event
    id: Delphes' Event.Number is the HepMC event number we write); returns the number
    of events."""
    reco = read_delphes(root_path)
    events = read_parquet(events_path, columns=["event_id"], optional=("weight",))
    generated, numbers = ak.to_numpy(events.event_id), ak.to_numpy(reco.event_id)
    row = np.minimum(np.searchsorted(generated, numbers), max(len(generated) - 1, 0))
    if len(numbers) and not (len(generated) and np.array_equal(generated[row], numbers)):
        raise InputFileError(f"{root_path}: its events are not those of {events_path}")
    reco = ak.with_field(reco, event_weights(events)[row], "weight")
    write_parquet(reco, reco_path)
    log.info("Delphes: %d events %s -> %s", len(reco), root_path, reco_path)
    return len(reco)


def run_delphes(
    script: Path,
    hepmc: Path,
    out: Path,
    seed: int,
    delphes: Path,
    card: str = "delphes_card_CMS.tcl",
) -> None:
    """DelphesHepMC3 on ``hepmc`` into ``out`` through ``script`` (the repository's
    workflow/scripts/delphes.sh: ``card`` headed by ``set RandomSeed seed``), with the Delphes
    installation ``delphes`` (its setup.sh sourced). A failed run raises RuntimeError
    with Delphes' last output."""
    command = ["bash", script, hepmc, card, str(seed), out, delphes / "setup.sh"]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        output = (done.stdout[-1000:] + done.stderr[-2000:]).strip()
        raise RuntimeError(f"Delphes (RandomSeed {seed}) on {hepmc} failed:\n{output}")
