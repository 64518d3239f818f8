"""Infrared and collinear perturbations of a jet's constituents (seed 003, Table II):
how much a tagger's output moves when a particle splits into two collinear ones or soft
particles join the jet, neither of which changes an IRC-safe observable.

- ``collinear1`` / ``collinear10``: one (ten) random constituents each split in two;
- ``collinear1_max`` / ``collinear10_max``: the hardest one (ten hardest) split;
- ``soft``: 200 particles of pT = 1e-5 GeV, uniform in 0 <= phi < 2 pi and
  -5 < eta < 5, are added to the event; those within the jet radius of the jet axis
  join the jet (what anti-kt reclustering of the event does with such soft particles).

A split keeps the direction, charge and identity and shares the four-momentum as z and
1 - z, z uniform in (0, 1): the daughters' masses are z m and (1 - z) m, so the jet's
four-momentum is unchanged. The seed does not give its z; this choice is ours. A soft
particle is a massless photon candidate. The jets' own kinematics are kept (the soft
particles add at most 2e-3 GeV to a jet's pT).

Perturbations act on the selected jets before any representation is built
(:func:`perturb_jets`, the dataset stage), so every tagger meets the same perturbed jets.
"""

from __future__ import annotations

import awkward as ak
import numpy as np

from massgen.detector.card import PHOTON
from massgen.grid import SCENARIOS

SOFT_PT = 1e-5  # GeV
SOFT_COUNT = 200
SOFT_ETA = 5.0
KINEMATICS = ("pt", "eta", "phi", "mass")  # the first columns of a jet's rows
SOFT_IDENTITY = {"charge": 0, "pid": 22, "kind": PHOTON}  # of a soft particle's candidate


def perturb(
    constituents: np.ndarray,
    scenario: str,
    rng: np.random.Generator,
    jet_axis: tuple[float, float],
    radius: float,
    soft_row: tuple[float, ...] = (),
) -> np.ndarray:
    """The constituents of one jet after ``scenario`` (one of :data:`SCENARIOS`):
    ``constituents`` are rows of (pt, eta, phi, mass) in GeV and radians and any further
    columns (identity: copied to split daughters, 0 for a soft particle unless
    ``soft_row`` gives the whole row's tail), ordered by decreasing pT, as is the result;
    ``jet_axis`` is the jet's (eta, phi) and ``radius`` its clustering radius."""
    if scenario == "nominal":
        return constituents
    if scenario == "soft":
        return _with_soft(constituents, rng, jet_axis, radius, soft_row)
    counts = {"collinear1": 1, "collinear10": 10, "collinear1_max": 1, "collinear10_max": 10}
    if scenario not in counts:
        raise ValueError(f"unknown perturbation {scenario!r}; known: {', '.join(SCENARIOS)}")
    n = min(counts[scenario], len(constituents))
    if scenario.endswith("_max"):
        chosen = np.arange(n)
    else:
        chosen = rng.choice(len(constituents), size=n, replace=False)
    return _split(constituents, np.sort(chosen), rng)


def _split(constituents: np.ndarray, chosen: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """``constituents`` with each ``chosen`` row split into two collinear ones."""
    z = rng.uniform(0.0, 1.0, size=len(chosen))
    first = constituents[chosen].copy()
    second = constituents[chosen].copy()
    first[:, [0, 3]] *= z[:, None]
    second[:, [0, 3]] *= (1.0 - z)[:, None]
    kept = np.delete(constituents, chosen, axis=0)
    return _by_pt(np.concatenate([kept, first, second]))


def _with_soft(
    constituents: np.ndarray,
    rng: np.random.Generator,
    jet_axis: tuple[float, float],
    radius: float,
    soft_row: tuple[float, ...],
) -> np.ndarray:
    """``constituents`` and the soft particles that fall within ``radius`` of the axis."""
    eta = rng.uniform(-SOFT_ETA, SOFT_ETA, size=SOFT_COUNT)
    phi = rng.uniform(0.0, 2 * np.pi, size=SOFT_COUNT)
    dphi = np.mod(phi - jet_axis[1] + np.pi, 2 * np.pi) - np.pi
    inside = np.hypot(eta - jet_axis[0], dphi) < radius
    soft = np.zeros((int(inside.sum()), constituents.shape[1]))
    soft[:, 0], soft[:, 1], soft[:, 2] = SOFT_PT, eta[inside], phi[inside]
    soft[:, 4 : 4 + len(soft_row)] = soft_row
    return _by_pt(np.concatenate([constituents, soft]))


def _by_pt(rows: np.ndarray) -> np.ndarray:
    """Rows ordered by decreasing pT (column 0), ties in their order."""
    return rows[np.argsort(-rows[:, 0], kind="stable")]


def perturb_jets(jets: ak.Array, scenario: str, radius: float) -> ak.Array:
    """Selected jets (event_id, jet_eta, jet_phi and constituents (pt, eta, phi, mass,
    charge, pid, kind), the hardest first) with every jet's constituents perturbed by
    ``scenario``; random numbers from the jet's event id, so the same jets give the same
    bytes."""
    if scenario == "nominal":
        return jets
    constituents = jets.constituents
    fields = list(KINEMATICS) + [f for f in ak.fields(constituents) if f not in KINEMATICS]
    flat = {f: ak.to_numpy(ak.flatten(constituents[f])) for f in fields}
    rows = np.stack([flat[f].astype(np.float64) for f in fields], axis=1)
    soft_row = tuple(SOFT_IDENTITY.get(f, 0) for f in fields[len(KINEMATICS) :])
    counts = ak.to_numpy(ak.num(constituents))
    stops = np.cumsum(counts)
    events = ak.to_numpy(jets.event_id).astype(np.int64) % 2**62
    axes = np.stack([ak.to_numpy(jets.jet_eta), ak.to_numpy(jets.jet_phi)], axis=1)
    out = [
        perturb(
            rows[stop - count : stop],
            scenario,
            np.random.default_rng((int(event), SCENARIOS.index(scenario))),
            (float(axis[0]), float(axis[1])),
            radius,
            soft_row,
        )
        for stop, count, event, axis in zip(stops, counts, events, axes, strict=True)
    ]
    joined = np.concatenate(out) if out else rows[:0]
    new_counts = [len(jet) for jet in out]
    perturbed = ak.zip(
        {
            f: ak.unflatten(joined[:, i].astype(flat[f].dtype), new_counts)
            for i, f in enumerate(fields)
        }
    )
    return ak.with_field(jets, perturbed, "constituents")
