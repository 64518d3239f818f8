"""Family ``zprime``: Z(nu nu) Z'(q q) with a vector Z' of mass m (GeV) coupling only to
u, d, s, c, b (paper Sec. III). Samples ``zp<m>``, class label 1 (signal).

Pythia alone makes the hard process with our user process f fbar -> Z Z'
(:mod:`massgen.generation.zprime`); on the MadGraph path the Z' comes undecayed in the
LHE, with |eta| < max cut on the Z' itself, and Pythia decays it.
"""

from __future__ import annotations

import re

from massgen.generation.settings import NEUTRINO_Z, zprime_settings
from massgen.samples import Sample

LABEL = 1
PROCESS = "f fbar -> Z0 Z' (user)"  # Pythia alone
PARTON_ETA_CUT = True  # |eta| < cuts.parton_eta_max on the Z'
MADGRAPH_PROCESS = "generate p p > z zp, z > vl vl~"


def sample(mass: int) -> Sample:
    """The Z' sample of ``mass`` GeV."""
    return Sample(f"zp{mass}", "zprime", LABEL, mass)


def parse(name: str) -> Sample | None:
    """The sample named ``zp<mass>``, else None."""
    match = re.fullmatch(r"zp(\d+)", name)
    return sample(int(match.group(1))) if match else None


def n_events(sample: Sample, config: dict) -> int:
    """Events of the sample: events.signal per Z' mass."""
    return config["events"]["signal"]


def phase_space(sample: Sample, config: dict) -> list[str]:
    """The parton-level missing-ET cut: the 2 -> 2 ``pTHatMin`` (Z pT = MET), GeV."""
    return [f"PhaseSpace:pTHatMin = {config['cuts']['met_min']}"]


def pythia_settings(sample: Sample, config: dict, from_lhe: bool) -> list[str]:
    """Decays (Z -> nu nu, Z' -> the configured quarks) and the Z' itself."""
    gen = config["generation"]
    return NEUTRINO_Z + zprime_settings(
        sample.mass, gen["zprime_coupling"], gen["zprime_decay_quarks"]
    )


def user_process(sample: Sample, config: dict) -> dict:
    """Our f fbar -> Z Z' process and its Z' coupling (Pythia alone)."""
    return {"user_process": "zzprime", "coupling": config["generation"]["zprime_coupling"]}


def madgraph_cuts(sample: Sample, config: dict) -> list[str]:
    """|eta| < max on the Z' itself (undecayed in the LHE), its mass and coupling."""
    return [
        f"set eta_max_pdg {{32: {config['cuts']['parton_eta_max']}}}",
        f"set MZp {sample.mass}",
        f"set gZp {config['generation']['zprime_coupling']}",
        "set WZp auto",
    ]
