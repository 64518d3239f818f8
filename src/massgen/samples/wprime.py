"""Family ``wprime``: W' -> W Z with W -> q q' and Z -> nu nu, seed 004's W jets (a W'
of 1.25 TeV; its W has pT ~ 600 GeV). Samples ``wprime_m<mass>``, class label 1.

Pythia alone (``NewGaugeBoson:ffbar2Wprime``, ``Wprime:coup2WZ = 1``), a 2 -> 1 process:
the W' decay sets the W's pT, so there is no parton pT or |eta| cut.
"""

from __future__ import annotations

import re

from massgen.generation.settings import HADRONIC_W, NEUTRINO_Z, W_ID, WPRIME_ID, Z_ID
from massgen.samples import Sample, anti_qcd_events, positive_mass

LABEL = 1
PROCESS = "f fbar' -> W' -> W Z"
MADGRAPH_PROCESS = None  # needs a W' model (UFO): Pythia alone
PARTON_ETA_CUT = False


def sample(mass: int) -> Sample:
    """The W' sample of ``mass`` GeV."""
    name = f"wprime_m{mass}"
    return Sample(name, "wprime", LABEL, positive_mass(mass, "W'", name))


def parse(name: str) -> Sample | None:
    """The sample named ``wprime_m<mass>``, else None."""
    match = re.fullmatch(r"wprime_m(-?\d+)", name)
    return sample(int(match.group(1))) if match else None


def n_events(sample: Sample, config: dict) -> int:
    """Events of the sample in the anti-QCD study."""
    return anti_qcd_events(sample, config)


def phase_space(sample: Sample, config: dict) -> list[str]:
    """None: the resonance decay sets the W's pT."""
    return []


def pythia_settings(sample: Sample, config: dict, from_lhe: bool) -> list[str]:
    """The W' and its decays, W' -> W Z only."""
    return [
        "NewGaugeBoson:ffbar2Wprime = on",
        f"{WPRIME_ID}:m0 = {sample.mass}",
        "Wprime:coup2WZ = 1",
        f"{WPRIME_ID}:onMode = off",
        f"{WPRIME_ID}:onIfAll = {W_ID} {Z_ID}",
        *HADRONIC_W,
        *NEUTRINO_Z,
    ]


def user_process(sample: Sample, config: dict) -> None:
    """None: Pythia's built-in process."""
    return
