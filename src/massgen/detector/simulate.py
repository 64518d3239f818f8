"""The built-in CMS-like detector: particle-flow candidates, calorimeter towers and MET
from final-state particles.

A re-implementation of the Delphes CMS card's chain, one compiled loop over each chunk's
particles (:func:`massgen.detector.card.reconstruct`, with the card's numbers):

1. ParticlePropagator: charged particles follow helices in Bz = 3.8 T to the
   calorimeter cylinder (R = 1.29 m, half-length 3 m); this sets where they deposit.
2. Tracking efficiency and pT smearing (log-normal, as Delphes' MomentumSmearing) for
   charged particles with |eta| < 2.5.
3. ECAL and HCAL towers: each visible particle deposits its energy times the card's
   ECAL/HCAL fraction in the tower at its impact point; the tower energy is smeared
   log-normally and dropped below EnergyMin or EnergySignificanceMin x sigma.
4. Energy flow as SimpleCalorimeter: tower energy not explained by the tracks pointing
   to it becomes a photon (ECAL) or neutral hadron (HCAL) at a random point in the
   tower, if significant; otherwise the tracks are rescaled to the weighted mean of
   track and calorimeter measurements.
5. MET is minus the vector sum of all candidates (Delphes' MissingET on EFlowMerger).
6. The towers kept (energy above threshold), ECAL's then HCAL's, massless at a random
   point in their cell with their measured energy: Delphes' ``Tower`` branch
   (Calorimeter merger of ecalTowers and hcalTowers, SmearTowerCenter true).

Neutrinos are invisible; muons leave tracks only. Candidate kinds: TRACK, PHOTON,
NEUTRAL_HADRON (EFlowTrack, EFlowPhoton, EFlowNeutralHadron); towers are of kind TOWER.
"""

from __future__ import annotations

import logging

import awkward as ak
import numpy as np

from massgen.detector import card
from massgen.files import read_parquet, write_parquet
from massgen.weights import event_weights

log = logging.getLogger(__name__)

CANDIDATE_FIELDS = ("pt", "eta", "phi", "mass", "charge", "pid", "kind")


def simulate(events: ak.Array, seed: int) -> ak.Array:
    """Run the detector on ``events`` (fields event_id, particles{px, py, pz, e, pid, charge}).

    Returns per event: event_id, weight, candidates{pt, eta, phi, mass, charge, pid, kind}
    in Delphes' order (tracks, photons, neutral hadrons), MET (met, met_phi) and towers
    (the candidates' fields; mass, charge and pid 0). Same seed, same output; the
    towers' positions come from a stream of their own, so the candidates are those of a
    detector that writes no towers.
    """
    particles = ak.flatten(events.particles)
    px, py, pz, e = (_column(particles, f, np.float64) for f in ("px", "py", "pz", "e"))
    pt = np.sqrt(px**2 + py**2)
    starts = np.zeros(len(events) + 1, np.int64)
    np.cumsum(ak.to_numpy(ak.num(events.particles)), out=starts[1:])
    finite = np.isfinite(pt) & np.isfinite(pz) & np.isfinite(e)
    if not finite.all():
        event = np.searchsorted(starts, np.argmin(finite), "right") - 1
        raise ValueError(f"event {events.event_id[event]}: a particle's momentum is not finite")
    fields, counts, met, met_phi, tower_kinematics, tower_counts = card.reconstruct(
        np.random.default_rng(seed),
        np.random.default_rng([seed, card.TOWER]),
        starts,
        px,
        py,
        pz,
        e,
        _column(particles, "pid", np.int64),
        _column(particles, "charge", np.float64),
        pt,
        np.arcsinh(pz / np.maximum(pt, 1e-12)),
        np.arctan2(py, px),
    )
    candidates = ak.zip(dict(zip(CANDIDATE_FIELDS, fields, strict=True)))
    towers = ak.zip(dict(zip(CANDIDATE_FIELDS, tower_fields(*tower_kinematics), strict=True)))
    return ak.zip(
        {
            "event_id": ak.to_numpy(events.event_id),
            "weight": event_weights(events),
            "candidates": ak.unflatten(candidates, counts),
            "met": met,
            "met_phi": met_phi,
            "towers": ak.unflatten(towers, tower_counts),
        },
        depth_limit=1,
    )


def tower_fields(pt, eta, phi) -> tuple[np.ndarray, ...]:
    """Towers (pt, eta, phi in GeV, radians) in the candidates' columns: massless,
    neutral, pid 0, kind TOWER."""
    pt, eta, phi = (np.asarray(a, np.float32) for a in (pt, eta, phi))
    zeros = np.zeros(len(pt), np.int8)
    return (
        pt,
        eta,
        phi,
        np.zeros(len(pt), np.float32),
        zeros,
        zeros.astype(np.int32),
        zeros + card.TOWER,
    )


def _column(particles: ak.Array, field: str, dtype: type) -> np.ndarray:
    """A flat particle field as a numpy array of ``dtype`` (one compiled loop for all)."""
    return np.asarray(ak.to_numpy(particles[field]), dtype=dtype)


def warm_up() -> None:
    """Compile the detector's loop into numba's cache (several seconds, once per source
    version and machine) by running it on one event; container images call this."""
    particle = {"px": 100.0, "py": 0.0, "pz": 10.0, "e": 100.6, "pid": 211, "charge": 1.0}
    simulate(ak.zip({"event_id": [0], "particles": [[particle]]}, depth_limit=1), seed=0)


def run_detector(events_path: str, reco_path: str, seed: int) -> int:
    """Read generated events, simulate the detector, write ``reco.parquet``; returns n events."""
    events = read_parquet(events_path)
    reco = simulate(events, seed)
    write_parquet(reco, reco_path)
    log.info("detector: %d events -> %s", len(reco), reco_path)
    return len(reco)
