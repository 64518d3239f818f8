"""Delphes 3.5.1's ``cards/delphes_card_CMS.tcl`` as compiled code: its numbers, one
function or table per module, and the per-event loop that chains them.

Each quantity names the card module it comes from. Momenta and energies in GeV,
lengths in metres, fields in tesla, angles in radians. The formulas take one particle
or tower at a time; they and the loop are compiled with numba and cached. Numba checks a
cached function against its own source file only, and freezes the global arrays it
reads, so everything the loop uses lives in this one file.
"""

from __future__ import annotations

import numpy as np
from numba import njit
from numba.core import entrypoints

# At a process's first compiled call numba loads every installed package's extension
# (entry points "numba_extensions": awkward's and vector's here), about 1 s of CPU per
# detector job for types these numpy-only functions never see. Numba has no setting for
# this; its own "already loaded" flag skips them.
entrypoints._already_initialized = True

# ParticlePropagator: magnetic field volume and strength.
BZ = 3.8
RADIUS = 1.29
HALF_LENGTH = 3.0
TRACKER_ETA_MAX = 2.5
TRACK_PT_MIN = 0.1  # *TrackingEfficiency: zero at and below this pT
CALO_ETA_MAX = 5.0  # the last ECal/HCal tower edge

INVISIBLE = (12, 14, 16, 1000022, 1000023, 1000025, 1000035, 1000045)

# The calorimeters (ECal, HCal): their numbers here, EnergyMin and
# EnergySignificanceMin (GeV, sigma), and the PID of the neutral candidates each makes
# (EFlowPhoton, EFlowNeutralHadron).
ECAL_ID, HCAL_ID = 0, 1
ENERGY_MIN = (0.5, 1.0)
SIGNIFICANCE_MIN = (2.0, 1.0)
NEUTRAL_PID = (22, 0)
# Candidate kinds (Delphes' EFlowTrack, EFlowPhoton, EFlowNeutralHadron); the neutral
# kind each calorimeter makes. TOWER: a calorimeter tower (Delphes' Tower branch).
TRACK, PHOTON, NEUTRAL_HADRON, TOWER = 0, 1, 2, 3
NEUTRAL_KIND = (PHOTON, NEUTRAL_HADRON)


@njit(cache=True)
def tracking_efficiency(abs_pid: int, pt: float, eta: float) -> float:
    """Track reconstruction efficiency (modules *TrackingEfficiency).

    Charged hadrons: 0.70/0.95 (|eta| <= 1.5) and 0.60/0.85 (1.5-2.5) below/above 1 GeV;
    electrons 0.73/0.95/0.99 and 0.50/0.83/0.90 (split at 1 and 100 GeV);
    muons 0.75/0.99 and 0.70/0.98 (split at 1 GeV; a slow fall above 1 TeV). Zero for
    pT <= 0.1 GeV and |eta| > 2.5.
    """
    aeta = abs(eta)
    if pt <= TRACK_PT_MIN or aeta > TRACKER_ETA_MAX:
        return 0.0
    barrel = aeta <= 1.5
    if abs_pid == 11:
        if pt <= 1.0:
            return 0.73 if barrel else 0.50
        if pt <= 100.0:
            return 0.95 if barrel else 0.83
        return 0.99 if barrel else 0.90
    if abs_pid == 13:
        if pt <= 1.0:
            return 0.75 if barrel else 0.70
        plateau = 0.99 if barrel else 0.98
        return plateau * np.exp(0.5 - pt * 5.0e-4) if pt > 1000.0 else plateau
    if pt <= 1.0:
        return 0.70 if barrel else 0.60
    return 0.95 if barrel else 0.85


# (a, b) of sqrt(a^2 + pT^2 b^2) per particle (hadron, electron, muon) and |eta| band.
_TRACK_RESOLUTION = np.array(
    [
        [[0.06, 1.3e-3], [0.10, 1.7e-3], [0.25, 3.1e-3]],
        [[0.03, 1.3e-3], [0.05, 1.7e-3], [0.15, 3.1e-3]],
        [[0.01, 1.0e-4], [0.015, 1.5e-4], [0.025, 3.5e-4]],
    ]
)


@njit(cache=True)
def track_resolution(abs_pid: int, pt: float, eta: float) -> float:
    """Relative pT resolution sigma(pT)/pT (modules *MomentumSmearing), capped at 1.

    sqrt(a^2 + pT^2 b^2) with (a, b) per |eta| band 0-0.5, 0.5-1.5, 1.5-2.5:
    charged hadrons (0.06, 1.3e-3), (0.10, 1.7e-3), (0.25, 3.1e-3) [arXiv:1405.6569];
    electrons (0.03, 1.3e-3), (0.05, 1.7e-3), (0.15, 3.1e-3) [arXiv:1502.02701];
    muons (0.01, 1.0e-4), (0.015, 1.5e-4), (0.025, 3.5e-4).
    """
    aeta = abs(eta)
    band = 0 if aeta <= 0.5 else (1 if aeta <= 1.5 else 2)
    kind = 1 if abs_pid == 11 else (2 if abs_pid == 13 else 0)
    a, b = _TRACK_RESOLUTION[kind, band]
    return min(np.sqrt(a * a + (pt * b) ** 2), 1.0)


@njit(cache=True)
def ecal_resolution(eta: float, energy: float) -> float:
    """Absolute ECAL energy resolution in GeV (module ECal, ResolutionFormula).

    Barrel: (1 + 0.64 eta^2) sqrt((0.008 E)^2 + 0.11^2 E + 0.40^2); endcap 1.5-2.5:
    (2.16 + 5.6 (|eta| - 2)^2) x the same; forward: sqrt((0.107 E)^2 + 2.08^2 E).
    """
    aeta = abs(eta)
    core = np.sqrt((energy * 0.008) ** 2 + energy * 0.11**2 + 0.40**2)
    if aeta <= 1.5:
        return (1 + 0.64 * eta**2) * core
    if aeta <= 2.5:
        return (2.16 + 5.6 * (aeta - 2) ** 2) * core
    if aeta <= 5.0:
        return np.sqrt((energy * 0.107) ** 2 + energy * 2.08**2)
    return 0.0


@njit(cache=True)
def hcal_resolution(eta: float, energy: float) -> float:
    """Absolute HCAL energy resolution in GeV (module HCal, ResolutionFormula).

    |eta| <= 3: sqrt((0.050 E)^2 + 1.50^2 E); 3-5 (HF): sqrt((0.130 E)^2 + 2.70^2 E).
    """
    aeta = abs(eta)
    if aeta <= 3.0:
        return np.sqrt((energy * 0.050) ** 2 + energy * 1.50**2)
    if aeta <= 5.0:
        return np.sqrt((energy * 0.130) ** 2 + energy * 2.70**2)
    return 0.0


@njit(cache=True)
def ecal_fraction(abs_pid: int) -> float:
    """Fraction of a particle's energy seen by the ECAL (module ECal, EnergyFraction)."""
    if abs_pid == 11 or abs_pid == 22 or abs_pid == 111:
        return 1.0
    if abs_pid == 310 or abs_pid == 3122:
        return 0.3
    return 0.0


_HCAL_BLIND = (11, 22, 111, 13, *INVISIBLE)


@njit(cache=True)
def hcal_fraction(abs_pid: int) -> float:
    """Fraction of a particle's energy seen by the HCAL (module HCal, EnergyFraction)."""
    if abs_pid in _HCAL_BLIND:
        return 0.0
    if abs_pid == 310 or abs_pid == 3122:
        return 0.7
    return 1.0


@njit(cache=True)
def fraction(calo: int, abs_pid: int) -> float:
    """Energy fraction seen by calorimeter ``calo`` (ECAL_ID or HCAL_ID)."""
    return ecal_fraction(abs_pid) if calo == ECAL_ID else hcal_fraction(abs_pid)


def _ecal_entries() -> list[tuple[float, int]]:
    """ECal: 0.0174 x 1 degree up to |eta| 3 (barrel and endcaps), HF 0.175 x 10 degrees."""
    entries = [(i * 0.0174, 360) for i in range(-85, 87)]
    entries += [(-2.958 + i * 0.0174, 360) for i in range(1, 85)]
    entries += [(1.4964 + i * 0.0174, 360) for i in range(1, 85)]
    hf = (
        -5,
        -4.7,
        -4.525,
        -4.35,
        -4.175,
        -4,
        -3.825,
        -3.65,
        -3.475,
        -3.3,
        -3.125,
        -2.958,
        3.125,
        3.3,
        3.475,
        3.65,
        3.825,
        4,
        4.175,
        4.35,
        4.525,
        4.7,
        5,
    )
    return entries + [(e, 36) for e in hf]


def _hcal_entries() -> list[tuple[float, int]]:
    """HCal: 0.087 x 5 degrees to |eta| 1.65, 10 degrees to 4.5, 20 degrees beyond."""
    five = [round(-1.566 + 0.087 * i, 3) for i in range(38)]
    ten = (
        -4.35,
        -4.175,
        -4,
        -3.825,
        -3.65,
        -3.475,
        -3.3,
        -3.125,
        -2.95,
        -2.868,
        -2.65,
        -2.5,
        -2.322,
        -2.172,
        -2.043,
        -1.93,
        -1.83,
        -1.74,
        -1.653,
        1.74,
        1.83,
        1.93,
        2.043,
        2.172,
        2.322,
        2.5,
        2.65,
        2.868,
        2.95,
        3.125,
        3.3,
        3.475,
        3.65,
        3.825,
        4,
        4.175,
        4.35,
        4.525,
    )
    twenty = (-5, -4.7, -4.525, 4.7, 5)
    return [(e, 72) for e in five] + [(e, 36) for e in ten] + [(e, 18) for e in twenty]


def _segmentation(
    entries: list[tuple[float, int]],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Tower geometry from the card's (eta, number of phi bins) pairs: eta bin edges,
    phi bins per eta bin, and the eta bin of each cell of a grid half as fine as the
    narrowest bin, with that cell width (a cell meets at most one bin edge: a lookup and
    one comparison find an eta bin).

    As in Delphes' SimpleCalorimeter, the sorted eta values are bin edges and a bin
    takes the phi segmentation listed with its upper edge.
    """
    entries = sorted(entries)
    edges = np.array([e for e, _ in entries])
    width = 0.5 * float(np.min(np.diff(edges)))
    starts = edges[0] + width * np.arange(int(np.ceil((edges[-1] - edges[0]) / width)) + 1)
    # The last cell may start on the last edge: it belongs to the last bin.
    lookup = np.minimum(np.searchsorted(edges, starts, "left") - 1, len(edges) - 2)
    return edges, np.array([n for _, n in entries[1:]]), lookup, width


def _rows(arrays: list[np.ndarray], fill: float) -> np.ndarray:
    """One row per calorimeter, padded with ``fill``: the compiled loops index the tables
    by (calorimeter, bin) and never pick one array or another, which would cost a
    reference count per particle."""
    table = np.full((len(arrays), max(len(a) for a in arrays)), fill, dtype=arrays[0].dtype)
    for row, a in zip(table, arrays, strict=True):
        row[: len(a)] = a
    return table


_SEGMENTATIONS = (_segmentation(_ecal_entries()), _segmentation(_hcal_entries()))
_EDGES = _rows([s[0] for s in _SEGMENTATIONS], np.inf)
_N_EDGES = np.array([len(s[0]) for s in _SEGMENTATIONS])
_N_PHI = _rows([s[1] for s in _SEGMENTATIONS], 1)
_LOOKUP = _rows([s[2] for s in _SEGMENTATIONS], 0)
_N_CELLS = np.array([len(s[2]) for s in _SEGMENTATIONS])
_CELL_WIDTH = np.array([s[3] for s in _SEGMENTATIONS])
# Towers are numbered over both calorimeters: ECAL (eta bin, phi bin) first, then HCAL.
_N_TOWERS = [int(np.sum(s[1])) for s in _SEGMENTATIONS]
_FIRST_TOWER = _rows(
    [
        offset + np.concatenate([[0], np.cumsum(s[1])[:-1]])
        for offset, s in zip(np.cumsum([0, *_N_TOWERS[:-1]]), _SEGMENTATIONS, strict=True)
    ],
    0,
)
N_TOWERS = sum(_N_TOWERS)


@njit(cache=True)
def locate(calo: int, eta: float, phi: float) -> tuple[int, int]:
    """(eta bin, phi bin) of the tower of calorimeter ``calo`` at (eta, phi):
    edges[ieta] < eta <= edges[ieta + 1]; eta bin -1 outside the coverage."""
    first_edge, last_edge = _EDGES[calo, 0], _EDGES[calo, _N_EDGES[calo] - 1]
    if not first_edge < eta <= last_edge or not -np.pi <= phi <= np.pi:  # NaN too
        return -1, 0
    cell = min(int((eta - first_edge) / _CELL_WIDTH[calo]), _N_CELLS[calo] - 1)
    ieta = _LOOKUP[calo, cell]
    if eta > _EDGES[calo, ieta + 1]:
        ieta += 1
    n = _N_PHI[calo, ieta]
    return ieta, min(int((phi + np.pi) / (2 * np.pi) * n), n - 1)


@njit(cache=True)
def tower_bounds(calo: int, ieta: int, iphi: int) -> tuple[float, float, float, float]:
    """(eta_lo, eta_hi, phi_lo, phi_hi) of a tower of calorimeter ``calo``."""
    width = 2 * np.pi / _N_PHI[calo, ieta]
    phi_lo = -np.pi + iphi * width
    return _EDGES[calo, ieta], _EDGES[calo, ieta + 1], phi_lo, phi_lo + width


@njit(cache=True)
def tower_number(calo: int, ieta: int, iphi: int) -> int:
    """The tower's number over both calorimeters (0 to N_TOWERS - 1)."""
    return _FIRST_TOWER[calo, ieta] + iphi


@njit(cache=True)
def lognormal(mean: float, sigma: float, normal: float) -> float:
    """Delphes' LogNormal: a log-normal variate of the given mean and standard deviation
    from the standard-normal variate ``normal`` (0 where the mean is not positive). Its
    log(1 + x), as Delphes writes it, is exact enough here (x >= 6e-5) and faster than
    log1p."""
    if mean <= 0:
        return 0.0
    b = np.sqrt(np.log(1.0 + (sigma / mean) ** 2))
    return mean * np.exp(b * normal - 0.5 * b * b)


@njit(cache=True)
def impact(pt: float, pz: float, phi: float, charge: float) -> tuple[float, float]:
    """(eta, phi) where a charged particle from the origin meets the calorimeter surface
    (module ParticlePropagator).

    Its helix of radius r = pT / (0.3 Bz) turns by s / r over the transverse arc length
    s; its position azimuth moves by half of that (clockwise for positive charge in +Bz).
    It reaches the barrel if its z there is within the half-length, the endcap otherwise;
    as the arc to the barrel is at least the radius, |pz| / pT > half-length / radius
    means the endcap without computing the arc.
    """
    diameter = 2 * pt / (0.3 * BZ)
    barrel = diameter > RADIUS and RADIUS * abs(pz) <= HALF_LENGTH * pt
    if barrel:
        half_turn = np.arcsin(RADIUS / diameter)
        z = diameter * half_turn * pz / pt
        barrel = abs(z) <= HALF_LENGTH
    rho = RADIUS
    if not barrel:
        half_turn = HALF_LENGTH * pt / max(abs(pz), 1e-12) / diameter
        rho = diameter * abs(np.sin(half_turn))
        z = np.copysign(HALF_LENGTH, pz)
    phi_pos = phi - np.sign(charge) * half_turn
    if not -np.pi <= phi_pos < np.pi:
        phi_pos = (phi_pos + np.pi) % (2 * np.pi) - np.pi
    return _arcsinh(z / max(rho, 1e-12)), phi_pos


@njit(cache=True)
def _arcsinh(x: float) -> float:
    """arcsinh(x) = sign(x) log(|x| + sqrt(x^2 + 1)); a few times faster than libm's."""
    return np.copysign(np.log(abs(x) + np.sqrt(x * x + 1.0)), x)


@njit(cache=True)
def track(rng, abs_pid: int, pt: float, eta: float, eta_pos: float, mass: float):
    """Modules *TrackingEfficiency and *MomentumSmearing for one charged particle.

    Tracked with the efficiency at its impact (``eta_pos``); its pT is smeared
    log-normally, keeping eta, phi and mass. Returns the track's pT and energy and the
    energy's uncertainty (GeV), all 0 if it is not tracked.
    """
    efficiency = tracking_efficiency(abs_pid, pt, eta_pos)
    if efficiency <= 0 or rng.random() >= efficiency:
        return 0.0, 0.0, 0.0
    res = track_resolution(abs_pid, pt, eta_pos)
    trk_pt = lognormal(pt, res * pt, rng.standard_normal())
    trk_e = np.sqrt((trk_pt * np.cosh(eta)) ** 2 + mass**2)
    return trk_pt, trk_e, res * trk_e


# Columns of the per-event tower scratch of reconstruct: ids, then sums. _ENERGY is the
# tower's measured energy (0 if dropped), _ETA and _PHI its position.
_IETA, _IPHI = 0, 1
_TRUE, _TRACK_E, _VARIANCE, _RESCALE, _NEUTRAL_PT, _ETA, _PHI, _ENERGY = range(8)


@njit(cache=True)
def _resolutions(calo: int, eta, energy, out, n: int) -> None:
    """``out[:n]``: the resolution in GeV of calorimeter ``calo`` at (``eta``, ``energy``);
    a loop per calorimeter on contiguous rows, which the compiler vectorises."""
    if calo == ECAL_ID:
        for t in range(n):
            out[t] = ecal_resolution(eta[t], energy[t])
    else:
        for t in range(n):
            out[t] = hcal_resolution(eta[t], energy[t])


@njit(cache=True)
def _flow(rng, tower_rng, calo: int, ids, sums, n: int, scratch) -> None:
    """SimpleCalorimeter's smearing and energy flow on the ``n`` hit towers of one event.

    The tower energy is smeared log-normally and dropped below EnergyMin or
    EnergySignificanceMin sigma. Energy not explained by the tower's tracks becomes a
    neutral at a random point in the tower if significant (its pT set in the scratch);
    otherwise the tracks are rescaled to the weighted mean of track and calorimeter
    measurements (the rescale factor set in the scratch). The smearing runs first, as
    short loops over contiguous ``scratch`` rows, free of the energy flow's
    hard-to-predict branches.

    Every tower kept (energy > 0) gets its measured energy and a position: the random
    point of its neutral where it makes one (Delphes' SmearTowerCenter: tower and
    neutral share it), else one drawn from ``tower_rng``, a stream of its own so that
    the candidates do not depend on whether towers are written.
    """
    # Per tower: eta centre, true energy, standard-normal draw, smeared energy, resolution.
    centre, true, normal, smeared, sigmas = scratch
    for t in range(n):
        eta_lo, eta_hi, _, _ = tower_bounds(calo, ids[t, _IETA], ids[t, _IPHI])
        centre[t] = 0.5 * (eta_lo + eta_hi)
        true[t] = sums[t, _TRUE]
        normal[t] = rng.standard_normal() if true[t] > 0 else 0.0
    _resolutions(calo, centre, true, sigmas, n)
    for t in range(n):
        smeared[t] = lognormal(true[t], sigmas[t], normal[t])
    _resolutions(calo, centre, smeared, sigmas, n)
    for t in range(n):
        trk, variance = sums[t, _TRACK_E], sums[t, _VARIANCE]
        energy, sigma = smeared[t], sigmas[t]
        if energy < ENERGY_MIN[calo] or energy < SIGNIFICANCE_MIN[calo] * sigma:
            energy = 0.0
        neutral = max(energy - trk, 0.0)
        sums[t, _RESCALE], sums[t, _NEUTRAL_PT], sums[t, _ENERGY] = 1.0, 0.0, energy
        significant = neutral > SIGNIFICANCE_MIN[calo] * np.sqrt(variance + sigma**2)
        makes_neutral = neutral > ENERGY_MIN[calo] and significant
        if energy > 0:  # a kept tower: its point, drawn from the neutral's stream if any
            eta_lo, eta_hi, phi_lo, phi_hi = tower_bounds(calo, ids[t, _IETA], ids[t, _IPHI])
            draw = rng if makes_neutral else tower_rng
            eta = draw.uniform(eta_lo, eta_hi)
            sums[t, _ETA], sums[t, _PHI] = eta, draw.uniform(phi_lo, phi_hi)
            if makes_neutral:
                sums[t, _NEUTRAL_PT] = neutral / np.cosh(eta)
        if not makes_neutral and trk > 0:
            w_trk = 1.0 / variance if variance > 0 else 0.0
            w_cal = 1.0 / sigma**2 if sigma > 0 else 0.0
            best = (w_trk * trk + w_cal * energy) / (w_trk + w_cal) if w_trk + w_cal > 0 else 0
            sums[t, _RESCALE] = best / trk


@njit(cache=True)
def reconstruct(rng, tower_rng, starts, px, py, pz, e, pid, charge, pt, eta, phi):
    """The detector on flat final-state particle arrays (GeV, radians) of the events whose
    particles start at ``starts`` (with the end as last entry).

    Per particle: skip it if invisible or beyond |eta| = 5; propagate it if charged, and
    track it; add its energy (and counted track energy) to the ECAL and HCAL towers at
    its impact. Per event: smear the towers and run the energy flow, then write the
    tracks (rescaled), photons and neutral hadrons, and MET as minus their vector sum;
    and the towers kept (ECAL's, then HCAL's, as Delphes' Calorimeter merger), massless
    at their position with their measured energy.
    Returns the candidates (pt, eta, phi, mass, charge, pid, kind) grouped by event, the
    number per event, MET (met, met_phi), and the towers and their number per event in
    the candidates' form (charge and pid 0, kind TOWER).
    """
    n_events = len(starts) - 1
    size = max(1, np.max(np.diff(starts))) if n_events > 0 else 1
    cap = 3 * len(pt)  # a particle makes at most a track and a neutral in each calorimeter
    kinematics = np.empty((4, cap), np.float32)  # pt, eta, phi, mass
    charges, pids, kinds = np.empty(cap, np.int8), np.empty(cap, np.int32), np.empty(cap, np.int8)
    counts = np.zeros(n_events, np.int64)
    towers = np.empty((3, 2 * len(pt)), np.float32)  # pt, eta, phi: a tower per calorimeter
    tower_counts = np.zeros(n_events, np.int64)
    met, met_phi = np.empty(n_events, np.float32), np.empty(n_events, np.float32)
    # Scratch of one event: each tower's row (-1 if not hit), per calorimeter and row
    # the tower's (eta bin, phi bin) and sums, and per track its particle, pT, mass and
    # tower rows.
    slot = np.full(N_TOWERS, -1, np.int32)
    ids, sums, used = (
        np.empty((2, size, 2), np.int64),
        np.empty((2, size, 8)),
        np.zeros(2, np.int64),
    )
    scratch = np.empty((5, size))
    tracks, track_rows = np.empty((size, 3)), np.empty((size, 2), np.int64)
    n_out, n_towers = 0, 0
    for k in range(n_events):
        n_trk = 0
        for i in range(starts[k], starts[k + 1]):
            apid = abs(pid[i])
            if abs(eta[i]) > CALO_ETA_MAX or apid in INVISIBLE or pt[i] <= 0:
                continue
            eta_pos, phi_pos = eta[i], phi[i]
            mass, trk_pt, trk_e, trk_sigma = 0.0, 0.0, 0.0, 0.0
            if charge[i] != 0:
                mass = np.sqrt(max(e[i] ** 2 - pt[i] ** 2 - pz[i] ** 2, 0.0))
                eta_pos, phi_pos = impact(pt[i], pz[i], phi[i], charge[i])
                trk_pt, trk_e, trk_sigma = track(rng, apid, pt[i], eta[i], eta_pos, mass)
            for c in range(2):
                row = -1
                f = fraction(c, apid)
                ieta, iphi = locate(c, eta_pos, phi_pos) if f > 0 else (-1, 0)
                if ieta >= 0 and (e[i] > 0 or trk_e > 0):
                    tower = tower_number(c, ieta, iphi)
                    row = slot[tower]
                    if row < 0:
                        row, slot[tower] = used[c], used[c]
                        used[c] += 1
                        ids[c, row, _IETA], ids[c, row, _IPHI] = ieta, iphi
                        sums[c, row, _TRUE], sums[c, row, _TRACK_E], sums[c, row, _VARIANCE] = (
                            0,
                            0,
                            0,
                        )
                    sums[c, row, _TRUE] += f * e[i]
                    if trk_e > 0:
                        sums[c, row, _TRACK_E] += f * trk_e
                        sums[c, row, _VARIANCE] += trk_sigma**2
                track_rows[n_trk, c] = row
            if trk_pt > 0:
                tracks[n_trk, 0], tracks[n_trk, 1], tracks[n_trk, 2] = i, trk_pt, mass
                n_trk += 1
        first, first_tower, mex, mey = n_out, n_towers, 0.0, 0.0
        for c in range(2):
            _flow(rng, tower_rng, c, ids[c], sums[c], used[c], scratch)
        for j in range(n_trk):
            i, rescale = int(tracks[j, 0]), 1.0
            for c in range(2):  # the HCAL's factor, where it counts the track, else ECAL's
                if track_rows[j, c] >= 0:
                    rescale = sums[c, track_rows[j, c], _RESCALE]
            scaled = tracks[j, 1] * rescale
            kinematics[0, n_out], kinematics[1, n_out] = scaled, eta[i]
            kinematics[2, n_out], kinematics[3, n_out] = phi[i], tracks[j, 2]
            charges[n_out], pids[n_out], kinds[n_out] = charge[i], pid[i], TRACK
            mex -= scaled * px[i] / pt[i]
            mey -= scaled * py[i] / pt[i]
            n_out += 1
        for c in range(2):
            for t in range(used[c]):
                slot[tower_number(c, ids[c, t, _IETA], ids[c, t, _IPHI])] = -1
                neutral_pt = sums[c, t, _NEUTRAL_PT]
                if neutral_pt > 0:
                    neutral_phi = sums[c, t, _PHI]
                    kinematics[0, n_out], kinematics[1, n_out] = neutral_pt, sums[c, t, _ETA]
                    kinematics[2, n_out], kinematics[3, n_out] = neutral_phi, 0.0
                    charges[n_out], pids[n_out], kinds[n_out] = 0, NEUTRAL_PID[c], NEUTRAL_KIND[c]
                    mex -= neutral_pt * np.cos(neutral_phi)
                    mey -= neutral_pt * np.sin(neutral_phi)
                    n_out += 1
                if sums[c, t, _ENERGY] > 0:
                    tower_eta = sums[c, t, _ETA]
                    towers[0, n_towers] = sums[c, t, _ENERGY] / np.cosh(tower_eta)
                    towers[1, n_towers], towers[2, n_towers] = tower_eta, sums[c, t, _PHI]
                    n_towers += 1
            used[c] = 0
        counts[k] = n_out - first
        tower_counts[k] = n_towers - first_tower
        met[k], met_phi[k] = np.sqrt(mex**2 + mey**2), np.arctan2(mey, mex)
    pt_, eta_, phi_, mass_ = kinematics[:, :n_out]
    candidates = (pt_, eta_, phi_, mass_, charges[:n_out], pids[:n_out], kinds[:n_out])
    return candidates, counts, met, met_phi, towers[:, :n_towers], tower_counts
