"""Pythia settings shared by the sample families, as readString lines (no Pythia import:
the Snakefile reads them at parse time to put them in the generation jobs' params)."""

from __future__ import annotations

import math

TOP_ID = 6
Z_ID = 23
W_ID = 24
H1_ID = 25  # the light CP-even Higgs h of Pythia's two-Higgs-doublet model
ZPRIME_ID = 32
WPRIME_ID = 34
H2_ID = 35  # the heavy CP-even Higgs H
# Masses and Breit-Wigner lower limits of Pythia 8.317's particle data (GeV), for the
# families that change a mass (seed 004's mass-rescaled W and top jets)
W_MASS, W_MASS_MIN = 80.385, 10.0
Z_MASS = 91.1876
TOP_MASS = 173.0
B_MASS = 4.8
N_COLOURS = 3
ZPRIME_QUARKS = (1, 2, 3, 4, 5)
QUIET = ["Print:quiet = on", "Next:numberCount = 0"]
NEUTRINO_Z = ["23:onMode = off", "23:onIfAny = 12 14 16"]
HADRONIC_W = ["24:onMode = off", "24:onIfAny = 1 2 3 4 5"]  # W -> q q'


def parton_pt_cut(config: dict) -> list[str]:
    """The 2 -> 2 hard process's parton pT cut of seed 004's samples
    (``anti_qcd.parton_pt_min``, GeV), below the leading-jet pT window."""
    return [f"PhaseSpace:pTHatMin = {config['anti_qcd']['parton_pt_min']}"]


def zprime_width(mass: float, coupling: float) -> float:
    """Total width in GeV of a vector Z' coupling with strength g to u, d, s, c, b.

    Gamma = sum_q N_c g^2 m / (12 pi), massless quarks; Gamma/m = 0.0275 for g = 0.263
    (the paper's width), 0.0249 for g = 0.25.
    """
    return len(ZPRIME_QUARKS) * N_COLOURS * coupling**2 * mass / (12.0 * math.pi)


def zprime_settings(mass: float, coupling: float, decay_quarks: list[int]) -> list[str]:
    """Pythia settings for a vector Z' of ``mass`` GeV coupling to u, d, s, c, b only.

    The width is forced to :func:`zprime_width`; Pythia's Z' couplings are set to pure
    vector couplings to the five light quarks so that its branching ratios agree.
    """
    quark = {1: "d", 2: "u", 3: "s", 4: "c", 5: "b"}
    lines = [
        f"{ZPRIME_ID}:m0 = {mass}",
        f"{ZPRIME_ID}:mWidth = {zprime_width(mass, coupling)}",
        f"{ZPRIME_ID}:doForceWidth = on",
        f"{ZPRIME_ID}:mMin = {0.5 * mass}",
        f"{ZPRIME_ID}:mMax = {1.5 * mass}",
        "Zprime:universality = off",
        "Zprime:coup2WW = 0",
    ]
    lines += [f"Zprime:v{quark[q]} = 1" for q in ZPRIME_QUARKS]
    lines += [f"Zprime:a{quark[q]} = 0" for q in ZPRIME_QUARKS]
    lines += ["Zprime:vt = 0", "Zprime:at = 0"]
    for lepton in ("e", "nue", "mu", "numu", "tau", "nutau"):
        lines += [f"Zprime:v{lepton} = 0", f"Zprime:a{lepton} = 0"]
    lines += [
        f"{ZPRIME_ID}:onMode = off",
        f"{ZPRIME_ID}:onIfAny = {' '.join(map(str, decay_quarks))}",
    ]
    return lines
