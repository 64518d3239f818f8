"""Numbers of Delphes 3.5.1's ``cards/delphes_card_CMS.tcl``, one function or table per module.

Each quantity names the card module it comes from. Momenta and energies in GeV,
lengths in metres, fields in tesla. Formulas take numpy arrays.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

# ParticlePropagator: magnetic field volume and strength.
BZ = 3.8
RADIUS = 1.29
HALF_LENGTH = 3.0
TRACKER_ETA_MAX = 2.5
TRACK_PT_MIN = 0.1  # *TrackingEfficiency: zero at and below this pT
CALO_ETA_MAX = 5.0  # the last ECal/HCal tower edge

INVISIBLE = (12, 14, 16, 1000022, 1000023, 1000025, 1000035, 1000045)


def _band(aeta: np.ndarray, edges: tuple[float, ...], values: tuple) -> np.ndarray:
    """Pick values[i] where edges[i] < |eta| <= edges[i+1] (first band includes 0)."""
    idx = np.clip(np.searchsorted(edges, aeta, side="left") - 1, 0, len(values) - 1)
    return np.asarray(values)[idx]


def tracking_efficiency(abs_pid: np.ndarray, pt: np.ndarray, eta: np.ndarray) -> np.ndarray:
    """Track reconstruction efficiency (modules *TrackingEfficiency).

    Charged hadrons: 0.70/0.95 (|eta| <= 1.5) and 0.60/0.85 (1.5-2.5) below/above 1 GeV;
    electrons 0.73/0.95/0.99 and 0.50/0.83/0.90 (split at 1 and 100 GeV);
    muons 0.75/0.99 and 0.70/0.98 (split at 1 GeV; a slow fall above 1 TeV). Zero for
    pT <= 0.1 GeV and |eta| > 2.5.
    """
    aeta = np.abs(eta)
    barrel = aeta <= 1.5
    low = pt <= 1.0
    hadron = np.where(low, np.where(barrel, 0.70, 0.60), np.where(barrel, 0.95, 0.85))
    high_e = pt > 100.0
    electron = np.where(
        low,
        np.where(barrel, 0.73, 0.50),
        np.where(high_e, np.where(barrel, 0.99, 0.90), np.where(barrel, 0.95, 0.83)),
    )
    fall = np.where(pt > 1000.0, np.exp(0.5 - pt * 5.0e-4), 1.0)
    muon = np.where(low, np.where(barrel, 0.75, 0.70), np.where(barrel, 0.99, 0.98) * fall)
    eff = np.where(abs_pid == 11, electron, np.where(abs_pid == 13, muon, hadron))
    return np.where((pt > TRACK_PT_MIN) & (aeta <= TRACKER_ETA_MAX), eff, 0.0)


def track_resolution(abs_pid: np.ndarray, pt: np.ndarray, eta: np.ndarray) -> np.ndarray:
    """Relative pT resolution sigma(pT)/pT (modules *MomentumSmearing), capped at 1.

    sqrt(a^2 + pT^2 b^2) with (a, b) per |eta| band 0-0.5, 0.5-1.5, 1.5-2.5:
    charged hadrons (0.06, 1.3e-3), (0.10, 1.7e-3), (0.25, 3.1e-3) [arXiv:1405.6569];
    electrons (0.03, 1.3e-3), (0.05, 1.7e-3), (0.15, 3.1e-3) [arXiv:1502.02701];
    muons (0.01, 1.0e-4), (0.015, 1.5e-4), (0.025, 3.5e-4).
    """
    edges = (0.0, 0.5, 1.5)
    aeta = np.abs(eta)
    table = {
        "hadron": ((0.06, 1.3e-3), (0.10, 1.7e-3), (0.25, 3.1e-3)),
        11: ((0.03, 1.3e-3), (0.05, 1.7e-3), (0.15, 3.1e-3)),
        13: ((0.01, 1.0e-4), (0.015, 1.5e-4), (0.025, 3.5e-4)),
    }

    def formula(rows: tuple) -> np.ndarray:
        a = _band(aeta, edges, tuple(r[0] for r in rows))
        b = _band(aeta, edges, tuple(r[1] for r in rows))
        return np.sqrt(a**2 + (pt * b) ** 2)

    res = np.where(
        abs_pid == 11,
        formula(table[11]),
        np.where(abs_pid == 13, formula(table[13]), formula(table["hadron"])),
    )
    return np.minimum(res, 1.0)


def ecal_resolution(eta: np.ndarray, energy: np.ndarray) -> np.ndarray:
    """Absolute ECAL energy resolution in GeV (module ECal, ResolutionFormula).

    Barrel: (1 + 0.64 eta^2) sqrt((0.008 E)^2 + 0.11^2 E + 0.40^2); endcap 1.5-2.5:
    (2.16 + 5.6 (|eta| - 2)^2) x the same; forward: sqrt((0.107 E)^2 + 2.08^2 E).
    """
    aeta = np.abs(eta)
    core = np.sqrt((energy * 0.008) ** 2 + energy * 0.11**2 + 0.40**2)
    forward = np.sqrt((energy * 0.107) ** 2 + energy * 2.08**2)
    return np.where(
        aeta <= 1.5,
        (1 + 0.64 * eta**2) * core,
        np.where(
            aeta <= 2.5, (2.16 + 5.6 * (aeta - 2) ** 2) * core, np.where(aeta <= 5, forward, 0.0)
        ),
    )


def hcal_resolution(eta: np.ndarray, energy: np.ndarray) -> np.ndarray:
    """Absolute HCAL energy resolution in GeV (module HCal, ResolutionFormula).

    |eta| <= 3: sqrt((0.050 E)^2 + 1.50^2 E); 3-5 (HF): sqrt((0.130 E)^2 + 2.70^2 E).
    """
    aeta = np.abs(eta)
    central = np.sqrt((energy * 0.050) ** 2 + energy * 1.50**2)
    forward = np.sqrt((energy * 0.130) ** 2 + energy * 2.70**2)
    return np.where(aeta <= 3.0, central, np.where(aeta <= 5.0, forward, 0.0))


def ecal_fraction(abs_pid: np.ndarray) -> np.ndarray:
    """Fraction of a particle's energy seen by the ECAL (module ECal, EnergyFraction)."""
    frac = np.where(np.isin(abs_pid, (11, 22, 111)), 1.0, 0.0)
    return np.where(np.isin(abs_pid, (310, 3122)), 0.3, frac)


def hcal_fraction(abs_pid: np.ndarray) -> np.ndarray:
    """Fraction of a particle's energy seen by the HCAL (module HCal, EnergyFraction)."""
    frac = np.where(np.isin(abs_pid, (11, 22, 111, 13, *INVISIBLE)), 0.0, 1.0)
    return np.where(np.isin(abs_pid, (310, 3122)), 0.7, frac)


@dataclass(frozen=True)
class Segmentation:
    """Calorimeter towers: eta bin edges and the number of equal phi bins in each eta bin."""

    eta_edges: np.ndarray  # (n_eta + 1,)
    n_phi: np.ndarray  # (n_eta,)

    @property
    def offsets(self) -> np.ndarray:
        """First global tower number of each eta bin."""
        return np.concatenate([[0], np.cumsum(self.n_phi)[:-1]])

    @property
    def n_towers(self) -> int:
        return int(self.n_phi.sum())

    @classmethod
    def from_card(cls, entries: list[tuple[float, int]]) -> Segmentation:
        """Build from the card's (eta, number of phi bins) pairs.

        As in Delphes' SimpleCalorimeter, the sorted eta values are bin edges and a bin
        takes the phi segmentation listed with its upper edge.
        """
        entries = sorted(entries)
        edges = np.array([e for e, _ in entries])
        return cls(eta_edges=edges, n_phi=np.array([n for _, n in entries[1:]]))

    @cached_property
    def _eta_table(self) -> tuple[float, float, np.ndarray]:
        """(first edge, cell width, bin of each cell's lower end) on a grid of cells half
        as wide as the narrowest bin, so that a cell meets at most one bin edge."""
        width = 0.5 * float(np.min(np.diff(self.eta_edges)))
        n_cells = int(np.ceil((self.eta_edges[-1] - self.eta_edges[0]) / width)) + 1
        starts = self.eta_edges[0] + width * np.arange(n_cells)
        return self.eta_edges[0], width, np.searchsorted(self.eta_edges, starts, "left") - 1

    def eta_bin(self, eta: np.ndarray) -> np.ndarray:
        """Index i of the eta bin edges[i] < eta <= edges[i+1] (-1 or n_eta outside), as
        ``searchsorted(edges, eta) - 1`` but by table lookup."""
        first, width, table = self._eta_table
        cell = np.clip(((eta - first) / width).astype(np.int64), 0, len(table) - 1)
        ieta = table[cell]
        upper = self.eta_edges[np.clip(ieta + 1, 0, len(self.eta_edges) - 1)]
        ieta = np.minimum(ieta + (eta > upper), len(self.eta_edges) - 1)
        return np.where(eta <= first, -1, ieta)

    def locate(self, eta: np.ndarray, phi: np.ndarray) -> np.ndarray:
        """Global tower number of each (eta, phi) position, -1 outside the coverage."""
        ieta = self.eta_bin(eta)
        inside = (ieta >= 0) & (ieta < len(self.n_phi))
        ieta = np.clip(ieta, 0, len(self.n_phi) - 1)
        nphi = self.n_phi[ieta]
        iphi = np.minimum((((phi + np.pi) / (2 * np.pi)) * nphi).astype(np.int64), nphi - 1)
        return np.where(inside, self.offsets[ieta] + iphi, -1)

    def edges_of(self, tower: np.ndarray) -> tuple[np.ndarray, ...]:
        """(eta_lo, eta_hi, phi_lo, phi_hi) of global tower numbers."""
        ieta = np.searchsorted(self.offsets, tower, side="right") - 1
        nphi = self.n_phi[ieta]
        iphi = tower - self.offsets[ieta]
        width = 2 * np.pi / nphi
        return (
            self.eta_edges[ieta],
            self.eta_edges[ieta + 1],
            -np.pi + iphi * width,
            -np.pi + (iphi + 1) * width,
        )


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


@dataclass(frozen=True)
class Calorimeter:
    """One SimpleCalorimeter module: segmentation, thresholds, resolution, fractions."""

    name: str
    segmentation: Segmentation
    energy_min: float
    significance_min: float
    resolution: object
    fraction: object
    neutral_pid: int


ECAL = Calorimeter(
    "ECal", Segmentation.from_card(_ecal_entries()), 0.5, 2.0, ecal_resolution, ecal_fraction, 22
)
HCAL = Calorimeter(
    "HCal", Segmentation.from_card(_hcal_entries()), 1.0, 1.0, hcal_resolution, hcal_fraction, 0
)
