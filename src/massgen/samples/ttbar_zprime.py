"""Family ``ttbar_zprime``: Z' -> t tbar with t -> W b and W -> q q', seed 004's top jets
(a Z' of 1.5 TeV), and its altered tops with a light W (m_W = 20 GeV: other radiation
patterns in the same three prongs). Samples ``ttbar_zprime_m<mass>`` (Pythia's W mass)
and ``ttbar_zprime_m<mass>_mw<W mass>``, class label 1.

Pythia alone (``NewGaugeBoson:ffbar2gmZZprime`` with only the Z', ``Zprime:gmZmode =
3``), a 2 -> 1 process: no parton pT or |eta| cut. The W mass is Pythia's ``24:m0``,
so every W of the event, the top's included, takes it.
"""

from __future__ import annotations

import re

from massgen.generation.settings import HADRONIC_W, TOP_ID, W_ID, ZPRIME_ID
from massgen.samples import Sample, anti_qcd_events, positive_mass

LABEL = 1
PROCESS = "f fbar -> Z' -> t tbar"
MADGRAPH_PROCESS = None  # needs a Z' model (UFO): Pythia alone
PARTON_ETA_CUT = False
TOP_MASS = 172.5  # GeV, Pythia 8.317's 6:m0
B_MASS = 4.8  # GeV, Pythia 8.317's 5:m0


def sample(mass: int, w_mass: int | None = None) -> Sample:
    """The Z' -> t tbar sample of ``mass`` GeV, with a W of ``w_mass`` GeV (Pythia's
    80.385 when None); the W must be light enough for t -> W b."""
    name = f"ttbar_zprime_m{mass}" + ("" if w_mass is None else f"_mw{w_mass}")
    positive_mass(mass, "Z'", name)
    if w_mass is not None and not 0 < w_mass < TOP_MASS - B_MASS:
        raise ValueError(
            f"sample {name}: the W mass must lie in (0, {TOP_MASS - B_MASS:g}) GeV for "
            f"t -> W b, got {w_mass} GeV"
        )
    return Sample(name, "ttbar_zprime", LABEL, mass, w_mass)


def parse(name: str) -> Sample | None:
    """The sample named ``ttbar_zprime_m<mass>[_mw<W mass>]``, else None."""
    match = re.fullmatch(r"ttbar_zprime_m(-?\d+)(?:_mw(-?\d+))?", name)
    if match is None:
        return None
    w_mass = match.group(2)
    return sample(int(match.group(1)), None if w_mass is None else int(w_mass))


def n_events(sample: Sample, config: dict) -> int:
    """Events of the sample in the anti-QCD study."""
    return anti_qcd_events(sample, config)


def phase_space(sample: Sample, config: dict) -> list[str]:
    """None: the resonance decay sets the tops' pT."""
    return []


def pythia_settings(sample: Sample, config: dict, from_lhe: bool) -> list[str]:
    """The Z' (no photon or Z interference), Z' -> t tbar only, hadronic W, its mass."""
    lines = [
        "NewGaugeBoson:ffbar2gmZZprime = on",
        "Zprime:gmZmode = 3",
        f"{ZPRIME_ID}:m0 = {sample.mass}",
        f"{ZPRIME_ID}:onMode = off",
        f"{ZPRIME_ID}:onIfAny = {TOP_ID}",
        *HADRONIC_W,
    ]
    if sample.daughter_mass is not None:
        lines.append(f"{W_ID}:m0 = {sample.daughter_mass}")
    return lines


def user_process(sample: Sample, config: dict) -> None:
    """None: Pythia's built-in process."""
    return
