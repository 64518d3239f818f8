"""Family ``qcd_dijet``: QCD 2 -> 2 jets, seed 004's QCD class (p p -> j j with light
quarks and gluons) and seed 001's background. Sample ``qcd_dijet``, class label 0
(background).

Pythia alone, ``HardQCD:all`` with new quark pairs of u, d, s and c
(``HardQCD:nQuarkNew = 4``: the seed's j = u, d, c, s, g; b enters only from the proton),
above the parton pT cut ``anti_qcd.parton_pt_min``; in seed 001's search (kind
weak_supervision) above ``dark_showers.parton_cuts``: pT and the parton pair's mass.
``qcd_dijet_<tag>`` (e.g. ``qcd_dijet_source``) is another sample of the same process:
its name enters every seed, so its events are independent of ``qcd_dijet``'s (seed
001's transfer learning pretrains on such a simulation, apart from the search's data).
"""

from __future__ import annotations

import re

from massgen.generation.settings import parton_pt_cut
from massgen.samples import Sample, events_of_kind

LABEL = 0
PROCESS = "hard QCD 2 -> 2"
MADGRAPH_PROCESS = None  # Pythia alone for now
PARTON_ETA_CUT = False


def sample(tag: str = "") -> Sample:
    """The QCD dijet sample, or with ``tag`` another one of the same process."""
    return Sample("qcd_dijet" + (f"_{tag}" if tag else ""), "qcd_dijet", LABEL)


def parse(name: str) -> Sample | None:
    """The sample named ``qcd_dijet`` or ``qcd_dijet_<tag>`` (tag: lower-case letters and
    digits), else None."""
    match = re.fullmatch(r"qcd_dijet(?:_([a-z0-9]+))?", name)
    return sample(match.group(1) or "") if match else None


def n_events(sample: Sample, config: dict) -> int:
    """Events of the sample in seed 001's search or a classifier study."""
    return events_of_kind(sample, config)


def phase_space(sample: Sample, config: dict) -> list[str]:
    """The parton pT cut; in seed 001's search also the parton pair's mass cut (its
    M_jj > 3 TeV)."""
    if config["kind"] == "weak_supervision":
        cuts = config["dark_showers"]["parton_cuts"]
        return [
            f"PhaseSpace:pTHatMin = {cuts['pt_min']}",
            f"PhaseSpace:mHatMin = {cuts['mjj_min']}",
        ]
    return parton_pt_cut(config)


def pythia_settings(sample: Sample, config: dict, from_lhe: bool) -> list[str]:
    """All of Pythia's hard QCD 2 -> 2 processes, new pairs up to c."""
    return ["HardQCD:all = on", "HardQCD:nQuarkNew = 4"]


def user_process(sample: Sample, config: dict) -> None:
    """None: Pythia's built-in processes."""
    return
