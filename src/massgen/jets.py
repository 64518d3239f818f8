"""Jet clustering: anti-kt on particle-flow candidates with FastJet's vectorised interface.

For every event the leading jet (highest pT) is kept with its four-vector, mass and its
constituents (pt, eta, phi, charge, pid, kind) ordered by decreasing pT.
"""

from __future__ import annotations

import logging

import awkward as ak
import fastjet
import numpy as np

from massgen.detector.card import INVISIBLE
from massgen.files import read_parquet, write_parquet

log = logging.getLogger(__name__)


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
    """pt, eta, phi, mass (GeV, rad) of four-vectors given as numpy arrays."""
    pt = np.hypot(px, py)
    return {
        "pt": pt,
        "eta": np.arcsinh(pz / np.maximum(pt, 1e-12)),
        "phi": np.arctan2(py, px),
        "mass": np.sqrt(np.maximum(e**2 - pt**2 - pz**2, 0.0)),
    }


def leading_jets(reco: ak.Array, radius: float) -> ak.Array:
    """Cluster each event's candidates with anti-kt(R) and keep the leading jet.

    Events without candidates are dropped. Returns per event: event_id, met, jet
    kinematics (jet_pt, jet_eta, jet_phi, jet_mass, jet_e) and ``constituents``.
    """
    reco = reco[ak.num(reco.candidates) > 0]
    jet_def = fastjet.JetDefinition(fastjet.antikt_algorithm, radius)
    sequence = fastjet.ClusterSequence(to_cartesian(reco.candidates), jet_def)
    # Constituent indices only for jets at least as hard as the softest leading jet: the
    # same leading jets, without bookkeeping every soft jet of every event.
    all_jets = sequence.inclusive_jets()
    softest_leading = float(ak.min(ak.max(np.hypot(all_jets.px, all_jets.py), axis=1)))
    jets = sequence.inclusive_jets(0.999 * softest_leading)
    index = sequence.constituent_index(0.999 * softest_leading)
    order = ak.argsort(np.hypot(jets.px, jets.py), axis=1, ascending=False)
    jet = jets[order][:, 0]
    members = index[order][:, 0]
    constituents = reco.candidates[members]
    constituents = constituents[ak.argsort(constituents.pt, axis=1, ascending=False)]
    kin = jet_kinematics(*(ak.to_numpy(jet[f]) for f in ("px", "py", "pz", "E")))
    out = {
        "event_id": reco.event_id,
        "met": reco.met,
        **{f"jet_{k}": v.astype(np.float32) for k, v in kin.items()},
        "jet_e": ak.to_numpy(jet.E).astype(np.float32),
        "n_constituents": ak.num(constituents),
        "constituents": constituents,
    }
    return ak.zip(out, depth_limit=1)


def cluster_file(reco_path: str, jets_path: str, radius: float) -> int:
    """Cluster the events of ``reco_path`` and write their leading jets; returns n jets."""
    jets = leading_jets(read_parquet(reco_path), radius)
    write_parquet(jets, jets_path)
    log.info("clustered %d leading jets (anti-kt R = %g) -> %s", len(jets), radius, jets_path)
    return len(jets)


def truth_jets(events: ak.Array, radius: float) -> ak.Array:
    """Leading anti-kt jets of the visible final-state particles (no detector).

    The reference for detector response studies: neutrinos are dropped, everything
    else enters with its true four-momentum.
    """
    particles = events.particles
    invisible = np.isin(ak.to_numpy(ak.flatten(np.abs(particles.pid))), INVISIBLE)
    visible = particles[ak.unflatten(~invisible, ak.num(particles))]
    pt = np.hypot(visible.px, visible.py)
    candidates = ak.zip(
        {
            "pt": pt,
            "eta": np.arcsinh(visible.pz / np.maximum(pt, 1e-12)),
            "phi": np.arctan2(visible.py, visible.px),
            "mass": np.sqrt(np.maximum(visible.e**2 - pt**2 - visible.pz**2, 0.0)),
            "charge": visible.charge,
            "pid": visible.pid,
        }
    )
    reco_like = ak.zip(
        {"event_id": events.event_id, "candidates": candidates, "met": np.zeros(len(events))},
        depth_limit=1,
    )
    return leading_jets(reco_like, radius)
