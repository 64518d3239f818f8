"""Samples of a study: a sample is a family, its parameters and a class label.

A family module (a registry entry, :data:`massgen.registry.FAMILIES`) names its samples
from their parameters and back (refusing unphysical ones), gives their class label and
number of events, and gives the Pythia settings (its hard process's phase-space cut
included) and MadGraph process that make them, and whether the parton |eta| cut of the
founding study applies. A background sample (label 0) enters every mass window, a
resonance only its own. Kept free of heavy imports: the Snakefile reads it at parse time.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType

from massgen.registry import FAMILIES


@dataclass(frozen=True)
class Sample:
    """One sample: ``name`` (its folder and wildcard value), ``family``, the family's
    parameters (``mass`` of the resonance and ``daughter_mass`` of a boson in its decay
    chain, GeV) and the class ``label`` of its jets."""

    name: str
    family: str
    label: int
    mass: int | None = None
    daughter_mass: int | None = None

    @property
    def module(self) -> ModuleType:
        """The family's module."""
        return family_module(self.family)

    def enters_window(self, window: int) -> bool:
        """Whether this sample's jets enter the mass window of ``window`` GeV: a
        background (label 0) enters every window, a resonance only its own."""
        return self.label == 0 or self.mass == window


def positive_mass(value: int, particle: str, sample: str) -> int:
    """``value`` (GeV), refused unless positive, with a line naming the sample."""
    if value <= 0:
        raise ValueError(f"sample {sample}: the {particle} mass must be positive, got {value} GeV")
    return value


def anti_qcd_events(sample: Sample, config: dict) -> int:
    """Events generated for a sample of seed 004's anti-QCD study: ``anti_qcd.events.classes``
    for a training class, ``anti_qcd.events.unseen`` for an unseen signal."""
    section = config["anti_qcd"]
    role = "classes" if sample.name in section["classes"] else "unseen"
    return section["events"][role]


def family_module(family: str) -> ModuleType:
    """The module of a registered sample family."""
    if family not in FAMILIES:
        raise ValueError(f"unknown sample family {family!r}; registered: {', '.join(FAMILIES)}")
    return importlib.import_module(FAMILIES[family])


def parse_sample(name: str) -> Sample:
    """The sample a name stands for (each family recognises its own names)."""
    for family in FAMILIES:
        sample = family_module(family).parse(name)
        if sample is not None:
            return sample
    raise ValueError(f"unknown sample {name!r}: no family in {', '.join(FAMILIES)} names it")


def study_samples(masses: list[int]) -> list[Sample]:
    """The samples of a mass-generalisation study (paper Sec. III): a Z' per target mass,
    then the Z+jets pool that serves every window."""
    zprime, zjets = family_module("zprime"), family_module("zjets")
    return [zprime.sample(mass) for mass in masses] + [zjets.sample()]


def of_study(config: dict) -> list[Sample]:
    """The samples a study generates: for the founding study (``kind:
    mass_generalisation``) those of :func:`study_samples`; for seed 004's anti-QCD study
    its training classes, then its unseen signals (config ``anti_qcd``)."""
    if config["kind"] == "anti_qcd":
        section = config["anti_qcd"]
        return [parse_sample(name) for name in section["classes"] + section["unseen"]]
    return study_samples(config["masses"])


def window_samples(masses: list[int], window: int) -> list[Sample]:
    """The samples whose jets enter the window of ``window`` GeV, background first."""
    samples = [s for s in study_samples(masses) if s.enters_window(window)]
    return sorted(samples, key=lambda s: s.label)
