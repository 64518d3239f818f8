"""Jet clustering: anti-kt on particle-flow candidates or calorimeter towers (config
``jets.inputs``) with FastJet's vectorised interface.

For every event the ``n_jets`` leading jets (highest pT) are kept with their
four-vectors, masses and constituents (pt, eta, phi, charge, pid, kind) ordered by
decreasing pT. With one jet (the mass-generalisation study) each jet field is a number
per event; with more (two-jet studies) a list per event, hardest first.
"""

from __future__ import annotations

import logging

import awkward as ak
import fastjet
import numpy as np

from massgen.detector.card import INVISIBLE
from massgen.errors import InputFileError
from massgen.files import read_parquet, write_parquet
from massgen.weights import event_weights

log = logging.getLogger(__name__)


# Not scikit-hep vector: its E differs in the last bit for half the candidates; import 0.4 s.
def to_cartesian(candidates: ak.Array) -> ak.Array:
    """(px, py, pz, E) records in GeV from (pt, eta, phi, mass) candidates."""
    pt, eta, phi, mass = (
        ak.values_astype(candidates[f], np.float64) for f in ("pt", "eta", "phi", "mass")
    )
    pz = pt * np.sinh(eta)
    return ak.zip(
        {
            "px": pt * np.cos(phi),
            "py": pt * np.sin(phi),
            "pz": pz,
            "E": np.sqrt(pt**2 + pz**2 + mass**2),
        }
    )


def jet_kinematics(px, py, pz, e) -> dict[str, np.ndarray]:
    """pt, eta, phi, mass (GeV, rad) of four-vectors (px, py, pz, E in GeV) given as
    numpy or awkward arrays."""
    # Not vector's: its mass is -sqrt(|m^2|) where rounding makes m^2 < 0; ours clamps to 0.
    pt = np.hypot(px, py)
    return {
        "pt": pt,
        "eta": np.arcsinh(pz / np.maximum(pt, 1e-12)),
        "phi": np.arctan2(py, px),
        "mass": np.sqrt(np.maximum(e**2 - pt**2 - pz**2, 0.0)),
    }


# The reco field each choice of ``jets.inputs`` clusters.
INPUT_FIELDS = {"eflow": "candidates", "towers": "towers"}


def leading_jets(reco: ak.Array, radius: float, n_jets: int = 1, inputs: str = "eflow") -> ak.Array:
    """Cluster each event's candidates (``inputs`` eflow) or calorimeter towers (towers)
    with anti-kt(R) and keep the ``n_jets`` leading jets.

    Events without any are dropped. Returns per event: event_id, weight, met, jet
    kinematics (jet_pt, jet_eta, jet_phi, jet_mass, jet_e; GeV, rad), n_constituents and
    ``constituents``: numbers for one jet, lists of up to ``n_jets`` (hardest first) else.
    """
    field = INPUT_FIELDS[inputs]
    reco = reco[ak.num(reco[field]) > 0]
    objects = reco[field]
    jet_def = fastjet.JetDefinition(fastjet.antikt_algorithm, radius)
    sequence = fastjet.ClusterSequence(to_cartesian(objects), jet_def)
    # Constituent indices only for jets at least as hard as the softest kept jet: the
    # same leading jets, without bookkeeping every soft jet of every event.
    all_jets = sequence.inclusive_jets()
    all_pt = np.hypot(all_jets.px, all_jets.py)
    kept_pt = ak.sort(all_pt, axis=1, ascending=False)[:, :n_jets]
    softest = float(ak.min(ak.min(kept_pt, axis=1)))
    jets = sequence.inclusive_jets(0.999 * softest)
    index = sequence.constituent_index(0.999 * softest)
    order = ak.argsort(np.hypot(jets.px, jets.py), axis=1, ascending=False)
    pick = 0 if n_jets == 1 else slice(0, n_jets)
    jet, members = jets[order][:, pick], index[order][:, pick]
    if n_jets == 1:
        constituents = objects[members]
    else:  # one list of constituent indices per jet: index the event's objects once
        flat = objects[ak.flatten(members, axis=2)]
        constituents = ak.unflatten(flat, ak.flatten(ak.num(members, axis=2)), axis=1)
    constituents = constituents[ak.argsort(constituents.pt, axis=-1, ascending=False)]
    counts = None if n_jets == 1 else ak.num(jet)
    flat_jet = jet if n_jets == 1 else ak.flatten(jet)
    kin = jet_kinematics(*(ak.to_numpy(flat_jet[f]) for f in ("px", "py", "pz", "E")))
    kin["e"] = ak.to_numpy(flat_jet.E)
    fields = {f"jet_{k}": v.astype(np.float32) for k, v in kin.items()}
    out = {
        "event_id": reco.event_id,
        "weight": event_weights(reco),
        "met": reco.met,
        **(fields if n_jets == 1 else {k: ak.unflatten(v, counts) for k, v in fields.items()}),
        "n_constituents": ak.num(constituents, axis=-1),
        "constituents": constituents,
    }
    return ak.zip(out, depth_limit=1)


def cluster_file(reco_path: str, jets_path: str, radius: float, n_jets: int, inputs: str) -> int:
    """Cluster the events of ``reco_path`` (their ``inputs``: eflow or towers) and write
    their ``n_jets`` leading jets; returns the number of events."""
    reco = read_parquet(reco_path)
    if INPUT_FIELDS[inputs] not in reco.fields:
        raise InputFileError(
            f"{reco_path}: no {INPUT_FIELDS[inputs]} (written before the detector recorded towers: "
            "delete it to rerun its detector job)"
        )
    jets = leading_jets(reco, radius, n_jets, inputs)
    write_parquet(jets, jets_path)
    log.info(
        "clustered %d events' %d leading jets (anti-kt R = %g, %s) -> %s",
        len(jets),
        n_jets,
        radius,
        inputs,
        jets_path,
    )
    return len(jets)


def truth_jets(events: ak.Array, radius: float) -> ak.Array:
    """Leading anti-kt jets of the visible final-state particles (no detector).

    The reference for detector response studies: neutrinos are dropped, everything
    else enters with its true four-momentum.
    """
    particles = events.particles
    invisible = np.isin(ak.to_numpy(ak.flatten(np.abs(particles.pid))), INVISIBLE)
    visible = particles[ak.unflatten(~invisible, ak.num(particles))]
    kinematics = jet_kinematics(visible.px, visible.py, visible.pz, visible.e)
    candidates = ak.zip({**kinematics, "charge": visible.charge, "pid": visible.pid})
    reco_like = ak.zip(
        {"event_id": events.event_id, "candidates": candidates, "met": np.zeros(len(events))},
        depth_limit=1,
    )
    return leading_jets(reco_like, radius)
