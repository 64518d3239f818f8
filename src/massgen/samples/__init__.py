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

from massgen.cwola import SOURCE_SCHEMES
from massgen.grid import CLASSIFIER_KINDS
from massgen.registry import FAMILIES


@dataclass(frozen=True)
class Sample:
    """One sample: ``name`` (its folder and wildcard value), ``family``, the family's
    parameters (``mass`` of the resonance, ``daughter_mass`` of a particle it decays to
    and ``granddaughter_mass`` of one that decays to in turn, GeV; None: Pythia's) and
    the class ``label`` of its jets."""

    name: str
    family: str
    label: int
    mass: int | None = None
    daughter_mass: int | None = None
    granddaughter_mass: int | None = None

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
    for a training class, ``anti_qcd.events.unseen`` for an unseen signal and
    ``anti_qcd.events.augmented`` for a sample only a class set names (the seed's
    mass-rescaled W and top jets)."""
    section = config["anti_qcd"]
    if sample.name in section["classes"]:
        return section["events"]["classes"]
    if sample.name in section["unseen"]:
        return section["events"]["unseen"]
    return section["events"]["augmented"]


def dark_shower_events(sample: Sample, config: dict) -> int:
    """Events generated for a sample of seed 001's search: ``dark_showers.events.signal``
    per searched benchmark and ``dark_showers.events.background`` for the QCD dijets;
    ``dark_showers.sources.events`` for a sample only transfer learning's source data
    names (the other benchmarks, the simulated background)."""
    section = config["dark_showers"]
    if sample.name == section["background"] or sample.name in section["signals"]:
        events = section["events"]
    else:
        events = section["sources"]["events"]
    return events["background" if sample.label == 0 else "signal"]


def source_samples(section: dict) -> list[str]:
    """Samples of seed 001's transfer and meta-transfer learning (``section``, the config's
    ``dark_showers``): every source benchmark, then the simulated background; none when
    no scheme needs them."""
    if not set(section["search"]["schemes"]) & set(SOURCE_SCHEMES):
        return []
    return [*section["sources"]["signals"], section["sources"]["background"]]


def events_of_kind(sample: Sample, config: dict) -> int:
    """Events generated for a sample of a family the classifier studies and seed 001's
    search share, by the study's kind: :func:`dark_shower_events` for ``weak_supervision``,
    :func:`anti_qcd_events` otherwise."""
    if config["kind"] == "weak_supervision":
        return dark_shower_events(sample, config)
    return anti_qcd_events(sample, config)


def class_set_groups(spec: list | dict) -> list[list[str]]:
    """The groups of samples of one ``anti_qcd.class_sets`` entry: the entry itself (a list
    of groups) or its ``groups`` (an entry that also sets ``mass_bin_width`` or
    ``methods``)."""
    return spec["groups"] if isinstance(spec, dict) else spec


def augmentation_samples(section: dict) -> list[str]:
    """Samples that only ``anti_qcd.class_sets`` name (in ``section``, the config's
    ``anti_qcd``), neither a class nor an unseen signal, in order of first mention."""
    known = set(section["classes"]) | set(section["unseen"])
    named = [
        sample
        for spec in section["class_sets"].values()
        for group in class_set_groups(spec)
        for sample in group
    ]
    return [sample for sample in dict.fromkeys(named) if sample not in known]


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
    its training classes, its unseen signals and the samples its class sets add (config
    ``anti_qcd``); for seed 001's search (``kind: weak_supervision``) the QCD dijets and
    the dark-shower benchmarks (config ``dark_showers``)."""
    if config["kind"] == "weak_supervision":
        section = config["dark_showers"]
        names = [section["background"], *section["signals"], *source_samples(section)]
        return [parse_sample(name) for name in dict.fromkeys(names)]
    if config["kind"] in CLASSIFIER_KINDS:
        section = config["anti_qcd"]
        names = section["classes"] + section["unseen"] + augmentation_samples(section)
        return [parse_sample(name) for name in names]
    return study_samples(config["masses"])


def window_samples(masses: list[int], window: int) -> list[Sample]:
    """The samples whose jets enter the window of ``window`` GeV, background first."""
    samples = [s for s in study_samples(masses) if s.enters_window(window)]
    return sorted(samples, key=lambda s: s.label)
