"""The built-in CMS-like detector: particle-flow candidates and MET from final-state particles.

A vectorised re-implementation of the Delphes CMS card's chain (numbers in
:mod:`massgen.detector.card`):

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

Neutrinos are invisible; muons leave tracks only. Candidate kinds: 0 track,
1 photon, 2 neutral hadron (EFlowTrack, EFlowPhoton, EFlowNeutralHadron).
"""

from __future__ import annotations

import logging

import awkward as ak
import numpy as np

from massgen.detector import card
from massgen.files import read_parquet, write_parquet

log = logging.getLogger(__name__)

TRACK, PHOTON, NEUTRAL_HADRON = 0, 1, 2


def _lognormal(rng: np.random.Generator, mean: np.ndarray, sigma: np.ndarray) -> np.ndarray:
    """Delphes' LogNormal: a log-normal variate with the given mean and standard deviation."""
    safe = np.maximum(mean, 1e-300)
    b = np.sqrt(np.log1p((sigma / safe) ** 2))
    a = np.log(safe) - 0.5 * b * b
    return np.where(mean > 0, np.exp(a + b * rng.standard_normal(mean.shape)), 0.0)


def _inverse_square(x: np.ndarray) -> np.ndarray:
    """1 / x^2 where x > 0, else 0 (the weight of a measurement with uncertainty x)."""
    return np.divide(1.0, x**2, out=np.zeros(np.shape(x)), where=x > 0)


def impact_point(pt, eta, phi, pz, charge) -> tuple[np.ndarray, np.ndarray]:
    """(eta, phi) where a particle from the origin meets the calorimeter surface.

    Neutral particles fly straight. A charged particle of helix radius
    r = pT / (0.3 Bz) turns by s / r over the transverse arc length s; its position
    azimuth moves by half of that (clockwise for positive charge in +Bz). It reaches the
    barrel if its z there is within the half-length, the endcap otherwise.
    """
    r = pt / (0.3 * card.BZ)
    reach_barrel = 2 * r > card.RADIUS
    half_turn_barrel = np.arcsin(np.minimum(card.RADIUS / np.maximum(2 * r, 1e-12), 1.0))
    z_barrel = 2 * r * half_turn_barrel * pz / np.maximum(pt, 1e-12)
    barrel = reach_barrel & (np.abs(z_barrel) <= card.HALF_LENGTH)
    half_turn_endcap = card.HALF_LENGTH * pt / np.maximum(np.abs(pz), 1e-12) / (2 * r)
    half_turn = np.where(barrel, half_turn_barrel, half_turn_endcap)
    rho = np.where(barrel, card.RADIUS, 2 * r * np.abs(np.sin(half_turn_endcap)))
    z = np.where(barrel, z_barrel, np.sign(pz) * card.HALF_LENGTH)
    charged = charge != 0
    eta_pos = np.where(charged, np.arcsinh(z / np.maximum(rho, 1e-12)), eta)
    phi_pos = np.where(charged, phi - np.sign(charge) * half_turn, phi)
    return eta_pos, np.mod(phi_pos + np.pi, 2 * np.pi) - np.pi


def _calorimeter_flow(
    rng: np.random.Generator,
    calo: card.Calorimeter,
    event: np.ndarray,
    deposit: np.ndarray,
    tower: np.ndarray,
    track_energy: np.ndarray,
    track_sigma: np.ndarray,
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Towers of one calorimeter, their neutral excess, and the track rescale factors.

    ``deposit``: energy seen by this calorimeter per particle (GeV); ``track_energy`` and
    ``track_sigma``: the particle's reconstructed track energy and its uncertainty where
    the track's energy is counted by this calorimeter (0 elsewhere).
    Returns the neutral candidates (event, pt, eta, phi) and, per particle, the factor
    by which its track is rescaled (1 where the tower kept a neutral excess).
    """
    n_towers = calo.segmentation.n_towers
    hit = (tower >= 0) & ((deposit > 0) | (track_energy > 0))
    key = np.where(hit, event * n_towers + tower, -1)
    keys, inverse = np.unique(key[hit], return_inverse=True)
    energy_true = np.bincount(inverse, deposit[hit], len(keys))
    trk = np.bincount(inverse, track_energy[hit], len(keys))
    trk_sigma = np.sqrt(np.bincount(inverse, track_sigma[hit] ** 2, len(keys)))

    eta_lo, eta_hi, phi_lo, phi_hi = calo.segmentation.edges_of(keys % n_towers)
    eta_centre = 0.5 * (eta_lo + eta_hi)
    energy = _lognormal(rng, energy_true, calo.resolution(eta_centre, energy_true))
    sigma = calo.resolution(eta_centre, energy)
    energy = np.where(
        (energy < calo.energy_min) | (energy < calo.significance_min * sigma), 0.0, energy
    )

    neutral = np.maximum(energy - trk, 0.0)
    significance = neutral / np.maximum(np.hypot(trk_sigma, sigma), 1e-12)
    is_neutral = (neutral > calo.energy_min) & (significance > calo.significance_min)
    eta = rng.uniform(eta_lo, eta_hi)
    phi = rng.uniform(phi_lo, phi_hi)

    w_trk = _inverse_square(trk_sigma)
    w_cal = _inverse_square(sigma)
    best = np.divide(
        w_trk * trk + w_cal * energy,
        w_trk + w_cal,
        out=np.zeros(trk.shape),
        where=(w_trk + w_cal) > 0,
    )
    rescale = np.divide(best, trk, out=np.ones(trk.shape), where=~is_neutral & (trk > 0))

    sel = is_neutral
    neutrals = {
        "event": keys[sel] // n_towers,
        "pt": neutral[sel] / np.cosh(eta[sel]),
        "eta": eta[sel],
        "phi": phi[sel],
    }
    particle_rescale = np.ones_like(deposit)
    particle_rescale[hit] = rescale[inverse]
    return neutrals, particle_rescale


def simulate(events: ak.Array, seed: int) -> ak.Array:
    """Run the detector on ``events`` (fields event_id, particles{px, py, pz, e, pid, charge}).

    Returns per event: event_id, candidates{pt, eta, phi, mass, charge, pid, kind}
    ordered by decreasing pT, and MET (met, met_phi). Same seed, same output.
    """
    rng = np.random.default_rng(seed)
    parts = events.particles
    counts = ak.to_numpy(ak.num(parts))
    flat = {f: ak.to_numpy(ak.flatten(parts[f])) for f in ("px", "py", "pz", "e", "pid", "charge")}
    pt = np.hypot(flat["px"], flat["py"])
    eta = np.arcsinh(flat["pz"] / np.maximum(pt, 1e-12))
    # Only visible particles within the calorimeters' |eta| < 5 can leave a signal (a
    # charged particle's impact |eta| is never below its direction's): drop the rest.
    keep = (np.abs(eta) <= card.CALO_ETA_MAX) & ~np.isin(np.abs(flat["pid"]), card.INVISIBLE)
    event = np.repeat(np.arange(len(counts)), counts)[keep]
    px, py, pz, e, pid, charge = (flat[f][keep] for f in ("px", "py", "pz", "e", "pid", "charge"))
    pt, eta = pt[keep], eta[keep]
    abs_pid = np.abs(pid)
    phi = np.arctan2(py, px)
    mass = np.sqrt(np.maximum(e**2 - pt**2 - pz**2, 0.0))

    charged = charge != 0
    eta_pos, phi_pos = eta.copy(), phi.copy()
    eta_pos[charged], phi_pos[charged] = impact_point(
        pt[charged], eta[charged], phi[charged], pz[charged], charge[charged]
    )

    # Tracks: efficiency, then log-normal pT smearing keeping eta, phi and mass; computed
    # only where the efficiency can be non-zero (charged, pT > 0.1 GeV, |eta| < 2.5).
    trackable = np.flatnonzero(
        charged & (pt > card.TRACK_PT_MIN) & (np.abs(eta_pos) <= card.TRACKER_ETA_MAX)
    )
    t_pid, t_pt, t_eta = abs_pid[trackable], pt[trackable], eta_pos[trackable]
    found = rng.uniform(size=len(trackable)) < card.tracking_efficiency(t_pid, t_pt, t_eta)
    tracked = trackable[found]
    res = np.zeros_like(pt)
    res[tracked] = card.track_resolution(t_pid[found], t_pt[found], t_eta[found])
    is_track = np.zeros(len(pt), dtype=bool)
    is_track[tracked] = True
    trk_pt = np.zeros_like(pt)
    trk_pt[tracked] = _lognormal(rng, pt[tracked], res[tracked] * pt[tracked])
    trk_e = np.zeros_like(pt)
    trk_e[tracked] = np.sqrt((trk_pt[tracked] * np.cosh(eta[tracked])) ** 2 + mass[tracked] ** 2)

    candidates = []
    rescale = np.ones_like(pt)
    for calo in (card.ECAL, card.HCAL):
        fraction = calo.fraction(abs_pid)
        tower = calo.segmentation.locate(eta_pos, phi_pos)
        counted = is_track & (fraction > 0)
        neutrals, factor = _calorimeter_flow(
            rng,
            calo,
            event,
            fraction * e,
            tower,
            np.where(counted, fraction * trk_e, 0.0),
            np.where(counted, res * trk_e, 0.0),
        )
        rescale = np.where(counted, factor, rescale)
        kind = PHOTON if calo.neutral_pid == 22 else NEUTRAL_HADRON
        n = len(neutrals["pt"])
        candidates.append(
            {
                **neutrals,
                "mass": np.zeros(n),
                "charge": np.zeros(n),
                "pid": np.full(n, calo.neutral_pid),
                "kind": np.full(n, kind),
            }
        )

    candidates.append(
        {
            "event": event[is_track],
            "pt": (trk_pt * rescale)[is_track],
            "eta": eta[is_track],
            "phi": phi[is_track],
            "mass": mass[is_track],
            "charge": charge[is_track],
            "pid": pid[is_track],
            "kind": np.full(int(is_track.sum()), TRACK),
        }
    )
    cand = {k: np.concatenate([c[k] for c in candidates]) for k in candidates[0]}
    order = np.lexsort((-cand["pt"], cand["event"]))
    cand = {k: v[order] for k, v in cand.items()}
    mex = -np.bincount(cand["event"], cand["pt"] * np.cos(cand["phi"]), len(counts))
    mey = -np.bincount(cand["event"], cand["pt"] * np.sin(cand["phi"]), len(counts))
    n_cand = np.bincount(cand["event"], minlength=len(counts))
    fields = {
        "pt": cand["pt"].astype(np.float32),
        "eta": cand["eta"].astype(np.float32),
        "phi": cand["phi"].astype(np.float32),
        "mass": cand["mass"].astype(np.float32),
        "charge": cand["charge"].astype(np.int8),
        "pid": cand["pid"].astype(np.int32),
        "kind": cand["kind"].astype(np.int8),
    }
    return ak.zip(
        {
            "event_id": ak.to_numpy(events.event_id),
            "candidates": ak.unflatten(ak.zip(fields), n_cand),
            "met": np.hypot(mex, mey).astype(np.float32),
            "met_phi": np.arctan2(mey, mex).astype(np.float32),
        },
        depth_limit=1,
    )


def run_detector(events_path: str, reco_path: str, seed: int) -> int:
    """Read generated events, simulate the detector, write ``reco.parquet``; returns n events."""
    events = read_parquet(events_path)
    reco = simulate(events, seed)
    write_parquet(reco, reco_path)
    log.info("detector: %d events -> %s", len(reco), reco_path)
    return len(reco)
