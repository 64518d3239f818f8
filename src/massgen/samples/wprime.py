"""Family ``wprime``: W' -> W Z with W -> q q' and Z -> nu nu, seed 004's W jets (a W'
of 1.25 TeV; its W has pT ~ 600 GeV). Samples ``wprime_m<mass>`` and, with the W's
mass changed (the seed's mass-rescaled W jets that span the QCD jet-mass spectrum),
``wprime_m<mass>_mw<W mass>``; class label 1.

Pythia alone (``NewGaugeBoson:ffbar2Wprime``, ``Wprime:coup2WZ = 1``), a 2 -> 1 process:
the W' decay sets the W's pT, so there is no parton pT or |eta| cut.
"""

from __future__ import annotations

import re

from massgen.generation.settings import (
    HADRONIC_W,
    NEUTRINO_Z,
    W_ID,
    W_MASS_MIN,
    WPRIME_ID,
    Z_ID,
    Z_MASS,
)
from massgen.samples import Sample, events_of_kind, positive_mass

LABEL = 1
PROCESS = "f fbar' -> W' -> W Z"
MADGRAPH_PROCESS = None  # needs a W' model (UFO): Pythia alone
PARTON_ETA_CUT = False


def sample(mass: int, w_mass: int | None = None) -> Sample:
    """The W' sample of ``mass`` GeV, with a W of ``w_mass`` GeV (Pythia's 80.385 when
    None): above Pythia's lower Breit-Wigner limit of the W and light enough for W' -> W Z."""
    name = f"wprime_m{mass}" + ("" if w_mass is None else f"_mw{w_mass}")
    positive_mass(mass, "W'", name)
    if w_mass is not None and not W_MASS_MIN < w_mass < mass - Z_MASS:
        raise ValueError(
            f"sample {name}: the W mass must lie in ({W_MASS_MIN:g}, {mass - Z_MASS:g}) GeV "
            f"(Pythia's 24:mMin, and W' -> W Z), got {w_mass} GeV"
        )
    return Sample(name, "wprime", LABEL, mass, w_mass)


def parse(name: str) -> Sample | None:
    """The sample named ``wprime_m<mass>[_mw<W mass>]``, else None."""
    match = re.fullmatch(r"wprime_m(-?\d+)(?:_mw(-?\d+))?", name)
    if match is None:
        return None
    w_mass = match.group(2)
    return sample(int(match.group(1)), None if w_mass is None else int(w_mass))


def n_events(sample: Sample, config: dict) -> int:
    """Events of the sample in the anti-QCD study."""
    return events_of_kind(sample, config)


def phase_space(sample: Sample, config: dict) -> list[str]:
    """None: the resonance decay sets the W's pT."""
    return []


def pythia_settings(sample: Sample, config: dict, from_lhe: bool) -> list[str]:
    """The W' and its decays, W' -> W Z only, and the W's mass where the sample sets it."""
    lines = [
        "NewGaugeBoson:ffbar2Wprime = on",
        f"{WPRIME_ID}:m0 = {sample.mass}",
        "Wprime:coup2WZ = 1",
        f"{WPRIME_ID}:onMode = off",
        f"{WPRIME_ID}:onIfAll = {W_ID} {Z_ID}",
        *HADRONIC_W,
        *NEUTRINO_Z,
    ]
    if sample.daughter_mass is not None:
        lines.append(f"{W_ID}:m0 = {sample.daughter_mass}")
    return lines


def user_process(sample: Sample, config: dict) -> None:
    """None: Pythia's built-in process."""
    return
