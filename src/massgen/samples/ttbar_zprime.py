"""Family ``ttbar_zprime``: Z' -> t tbar with t -> W b and W -> q q', seed 004's top jets
(a Z' of 1.5 TeV). Samples ``ttbar_zprime_m<mass>[_mt<top mass>][_mw<W mass>]``, class
label 1: with Pythia's masses; with the top's mass changed (the seed's mass-rescaled top
jets that span the QCD jet-mass spectrum; at or below the W mass the W is rescaled with
it, m_W = m_t x 80.385 / 173, as the seed's footnote 3); with a light W (the seed's
unseen m_W = 20 GeV top: other radiation patterns in the same three prongs).

Pythia alone (``NewGaugeBoson:ffbar2gmZZprime`` with only the Z', ``Zprime:gmZmode =
3``), a 2 -> 1 process: no parton pT or |eta| cut. The W mass is Pythia's ``24:m0``,
so every W of the event, the top's included, takes it.
"""

from __future__ import annotations

import re

from massgen.generation.settings import (
    B_MASS,
    HADRONIC_W,
    TOP_ID,
    TOP_MASS,
    W_ID,
    W_MASS,
    ZPRIME_ID,
)
from massgen.samples import Sample, events_of_kind, positive_mass

LABEL = 1
PROCESS = "f fbar -> Z' -> t tbar"
MADGRAPH_PROCESS = None  # needs a Z' model (UFO): Pythia alone
PARTON_ETA_CUT = False


def sample(mass: int, top_mass: int | None = None, w_mass: int | None = None) -> Sample:
    """The Z' -> t tbar sample of ``mass`` GeV, with a top of ``top_mass`` GeV and a W of
    ``w_mass`` GeV (Pythia's 173 and 80.385 when None); the Z' must be heavy enough
    for Z' -> t tbar and the W light enough for t -> W b."""
    name = (
        f"ttbar_zprime_m{mass}"
        + ("" if top_mass is None else f"_mt{top_mass}")
        + ("" if w_mass is None else f"_mw{w_mass}")
    )
    positive_mass(mass, "Z'", name)
    top = TOP_MASS if top_mass is None else positive_mass(top_mass, "top", name)
    if 2 * top >= mass:
        raise ValueError(f"sample {name}: Z' -> t tbar needs m_t < m_Z' / 2 = {mass / 2:g} GeV")
    if w_mass is not None and not 0 < w_mass < top - B_MASS:
        raise ValueError(
            f"sample {name}: the W mass must lie in (0, {top - B_MASS:g}) GeV for "
            f"t -> W b, got {w_mass} GeV"
        )
    return Sample(name, "ttbar_zprime", LABEL, mass, top_mass, w_mass)


def parse(name: str) -> Sample | None:
    """The sample named ``ttbar_zprime_m<mass>[_mt<top mass>][_mw<W mass>]``, else None."""
    match = re.fullmatch(r"ttbar_zprime_m(-?\d+)(?:_mt(-?\d+))?(?:_mw(-?\d+))?", name)
    if match is None:
        return None
    mass, top_mass, w_mass = (None if g is None else int(g) for g in match.groups())
    return sample(mass, top_mass, w_mass)


def n_events(sample: Sample, config: dict) -> int:
    """Events of the sample in the anti-QCD study."""
    return events_of_kind(sample, config)


def phase_space(sample: Sample, config: dict) -> list[str]:
    """None: the resonance decay sets the tops' pT."""
    return []


def w_mass(sample: Sample) -> float | None:
    """The W mass the sample sets (GeV): its own, else the top's rescaled where the top
    is at or below Pythia's W mass, else None (Pythia's)."""
    if sample.granddaughter_mass is not None:
        return sample.granddaughter_mass
    if sample.daughter_mass is not None and sample.daughter_mass <= W_MASS:
        return sample.daughter_mass * W_MASS / TOP_MASS
    return None


def pythia_settings(sample: Sample, config: dict, from_lhe: bool) -> list[str]:
    """The Z' (no photon or Z interference), Z' -> t tbar only, hadronic W, and the top's
    and W's masses where the sample sets them (the top's Breit-Wigner then starts at
    t -> W b's threshold instead of Pythia's 86 GeV)."""
    lines = [
        "NewGaugeBoson:ffbar2gmZZprime = on",
        "Zprime:gmZmode = 3",
        f"{ZPRIME_ID}:m0 = {sample.mass}",
        f"{ZPRIME_ID}:onMode = off",
        f"{ZPRIME_ID}:onIfAny = {TOP_ID}",
        *HADRONIC_W,
    ]
    w = w_mass(sample)
    if sample.daughter_mass is not None:
        threshold = (W_MASS if w is None else w) + B_MASS
        lines += [f"{TOP_ID}:m0 = {sample.daughter_mass}", f"{TOP_ID}:mMin = {threshold:g}"]
    if w is not None:
        lines.append(f"{W_ID}:m0 = {w:g}")
    return lines


def user_process(sample: Sample, config: dict) -> None:
    """None: Pythia's built-in process."""
    return
