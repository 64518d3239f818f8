"""Family ``zjets``: Z(nu nu) + jet, the QCD background of paper Sec. III, one pool for
every mass window. Sample ``qcd``, class label 0 (background)."""

from __future__ import annotations

from massgen.generation.settings import NEUTRINO_Z
from massgen.samples import Sample

LABEL = 0
PROCESS = "q qbar -> Z0 g, q g -> Z0 q"  # Pythia alone
PARTON_ETA_CUT = True  # |eta| < cuts.parton_eta_max on the recoiling parton
MADGRAPH_PROCESS = "generate p p > z j, z > vl vl~"


def sample() -> Sample:
    """The Z+jets pool."""
    return Sample("qcd", "zjets", LABEL)


def parse(name: str) -> Sample | None:
    """The sample named ``qcd``, else None."""
    return sample() if name == "qcd" else None


def n_events(sample: Sample, config: dict) -> int:
    """Events of the sample: events.qcd, the pool's."""
    return config["events"]["qcd"]


def phase_space(sample: Sample, config: dict) -> list[str]:
    """The parton-level missing-ET cut: the 2 -> 2 ``pTHatMin`` (Z pT = MET), GeV."""
    return [f"PhaseSpace:pTHatMin = {config['cuts']['met_min']}"]


def pythia_settings(sample: Sample, config: dict, from_lhe: bool) -> list[str]:
    """Z -> nu nu and, without an LHE file, Pythia's q qbar -> Z g and q g -> Z q."""
    if from_lhe:
        return list(NEUTRINO_Z)
    return [
        *NEUTRINO_Z,
        "WeakBosonAndParton:qqbar2gmZg = on",
        "WeakBosonAndParton:qg2gmZq = on",
        "WeakZ0:gmZmode = 2",
    ]


def user_process(sample: Sample, config: dict) -> None:
    """None: Pythia's built-in processes."""
    return


def madgraph_cuts(sample: Sample, config: dict) -> list[str]:
    """|eta| < max on the recoiling jet."""
    return [f"set etaj {config['cuts']['parton_eta_max']}"]
