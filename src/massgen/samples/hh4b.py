"""Family ``hh4b``: a heavy Higgs H -> h h -> b bbar b bbar, seed 004's four-prong unseen
signal (m_H = 174 GeV, m_h = 20 or 80 GeV). Samples ``hh4b_m<m_H>_mh<m_h>``, class label 1.

The seed makes p p -> H H in a two-Higgs-doublet model with a parton pT cut of 600 GeV.
Pythia 8.317 has no H H pair production; its nearest clean route is f fbar -> H Z
(``HiggsBSM:ffbar2H2Z``) with Z -> nu nu, which gives one boosted H recoiling against
missing energy. (H + jet, ``HiggsBSM:gg2H2g(l:t)``, ``qg2H2q(l:t)`` and
``qqbar2H2g(l:t)``, gave a leading jet that was often the recoiling parton: a jet-mass
mode of 132 GeV instead of 174 for m_h = 80.) The parton pT cut is the 2 -> 2 ``pTHatMin`` of ``anti_qcd.parton_pt_min``.
"""

from __future__ import annotations

import re

from massgen.generation.settings import H1_ID, H2_ID, NEUTRINO_Z, parton_pt_cut
from massgen.samples import Sample, events_of_kind, positive_mass

LABEL = 1
PROCESS = "f fbar -> H Z, H -> h h -> 4 b"
MADGRAPH_PROCESS = None  # needs a two-Higgs-doublet model (UFO): Pythia alone
PARTON_ETA_CUT = False
B_QUARK = 5


def sample(mass: int, light_mass: int) -> Sample:
    """The H -> h h -> 4b sample of an H of ``mass`` GeV and an h of ``light_mass`` GeV;
    the h must be lighter than half the H for H -> h h."""
    name = f"hh4b_m{mass}_mh{light_mass}"
    positive_mass(mass, "H", name)
    positive_mass(light_mass, "h", name)
    if 2 * light_mass >= mass:
        raise ValueError(
            f"sample {name}: H -> h h needs m_h < m_H / 2 = {mass / 2:g} GeV, got {light_mass}"
        )
    return Sample(name, "hh4b", LABEL, mass, light_mass)


def parse(name: str) -> Sample | None:
    """The sample named ``hh4b_m<m_H>_mh<m_h>``, else None."""
    match = re.fullmatch(r"hh4b_m(-?\d+)_mh(-?\d+)", name)
    return sample(int(match.group(1)), int(match.group(2))) if match else None


def n_events(sample: Sample, config: dict) -> int:
    """Events of the sample in the anti-QCD study."""
    return events_of_kind(sample, config)


def phase_space(sample: Sample, config: dict) -> list[str]:
    """The H's parton pT cut."""
    return parton_pt_cut(config)


def pythia_settings(sample: Sample, config: dict, from_lhe: bool) -> list[str]:
    """f fbar -> H Z with Z -> nu nu, H -> h h only, h -> b bbar only, and both masses."""
    return [
        "Higgs:useBSM = on",
        "HiggsBSM:ffbar2H2Z = on",
        *NEUTRINO_Z,
        f"{H2_ID}:m0 = {sample.mass}",
        f"{H2_ID}:onMode = off",
        f"{H2_ID}:onIfAll = {H1_ID} {H1_ID}",
        f"{H1_ID}:m0 = {sample.daughter_mass}",
        f"{H1_ID}:onMode = off",
        f"{H1_ID}:onIfAny = {B_QUARK}",
    ]


def user_process(sample: Sample, config: dict) -> None:
    """None: Pythia's built-in process."""
    return
