"""Family ``hidden_valley``: seed 001's dark showers, p p -> Z' -> q_D qbar_D with the
dark quarks showered and hadronised by Pythia's Hidden Valley module. Samples
``hv_indirect_lambda<L>`` and ``hv_direct_lambda<L>`` for a dark confinement scale
Lambda_D = L GeV (the seed's benchmarks: 1, 5, 10, 20, 30, 40, 50), class label 1.

The seed (Sec. 2, Table 1a): SU(3), three degenerate dark flavours, a running coupling
at first order, m_Z' = 5.5 TeV with a width of 10 GeV; hadron masses from its Eq. 1 with
m_piD / Lambda_D = 1 in the indirect-decay scenario (rho_D -> pi_D pi_D, pi_D -> d dbar)
and 1.8 in the direct-decay one (pi_D, rho_D -> d dbar).

The seed ran Pythia 8.307; Pythia 8.317 refuses two of its settings, and renamed or
re-based others. The mapping (evidence: Pythia 8.317's HiddenValleyProcesses.xml and
UpdateHistory.xml, shipped with pythia8mc in share/Pythia8/xmldoc):

- ``HiddenValley:bmqv2 = 1.9`` (8.307: the Lund b times the squared HV-quark mass,
  dimensionless) -> ``HiddenValley:setabsigma = 2`` and ``HiddenValley:bLund = 1.9 /
  m_qv^2`` in GeV^-2 (8.313 "replaces the previous bmqv2 ... It is possible to reproduce
  the old behaviour within the setabsigma = 2 option"); m_qv is the mass of the first HV
  quark, 4900101, the constituent mass (8.307's HVStringZ::init: bLund = bmqv2 /
  m0(4900101)^2).
- ``HiddenValley:sigmamqv`` (not set by the seed, so 8.307's default 0.5; its
  HVStringPT::init: sigma = sigmamqv m0(4900101)) ->
  ``HiddenValley:sigmaLund = 0.5 m_qv`` GeV, the same 8.313 note; ``HiddenValley:aLund =
  0.1`` is read only with ``setabsigma = 2``, which the two lines above need anyway.
- ``HiddenValley:rFactqv = 1.0`` (one value for all HV quarks) ->
  ``HiddenValley:rFact = {1,1,1,1,1,1,1,1}`` (8.313: "this vector supersedes
  HiddenValley:rfactqv").
- ``HiddenValley:alphaOrder = 1`` with Lambda_D: since 8.309 a running coupling is
  defined by ``alphaFSR`` at a reference scale unless ``HiddenValley:setLambda = on``,
  which makes ``HiddenValley:Lambda`` the scale; the seed's Lambda_D is set there
  (its Table 1a gives pTminFSR = 1.1 Lambda_D, Pythia's lower bound on it).

Our choices where the seed is silent: every dark pion (diagonal and off-diagonal) decays
to d dbar, and in the indirect scenario every dark vector to two of the lightest dark
pions (4900111; the flavours are mass-degenerate, so the kinematics are the same); the Z'
Breit-Wigner is cut to 5.0-6.0 TeV (50 widths each side); it decays to the dark quarks
only.
"""

from __future__ import annotations

import math
import re

from massgen.samples import Sample, events_of_kind

LABEL = 1
PROCESS = "f fbar -> Z' -> q_D qbar_D, Hidden Valley shower and hadronisation"
MADGRAPH_PROCESS = None  # Pythia's Hidden Valley module makes the signal
PARTON_ETA_CUT = False
SCENARIOS = {"indirect": 1.0, "direct": 1.8}  # m_piD / Lambda_D
ZPRIME_MASS, ZPRIME_WIDTH = 5500.0, 10.0  # GeV
ZV_ID = 4900023
N_FLAVOURS = 3
DOWN_QUARK = 1
B_TIMES_M2, SIGMA_OVER_M = 1.9, 0.5  # the seed's bmqv2; 8.307's default sigmamqv


def masses(scenario: str, scale: float) -> dict[str, float]:
    """Seed 001's Eq. 1 for a dark confinement scale ``scale`` = Lambda_D (GeV): the dark
    pion and rho masses, the current and the constituent dark-quark mass (GeV)."""
    ratio = SCENARIOS[scenario]
    current = scale * (ratio / 5.5) ** 2
    return {
        "pi": ratio * scale,
        "rho": scale * math.sqrt(5.76 + 1.5 * ratio**2),
        "current": current,
        "constituent": current + scale,
    }


def sample(scenario: str, scale: int) -> Sample:
    """The dark-shower sample of one scenario (indirect, direct) and Lambda_D in GeV."""
    name = f"hv_{scenario}_lambda{scale}"
    if scenario not in SCENARIOS:
        raise ValueError(f"sample {name}: the scenario must be one of {', '.join(SCENARIOS)}")
    if scale <= 0:
        raise ValueError(f"sample {name}: Lambda_D must be positive, got {scale} GeV")
    return Sample(name, "hidden_valley", LABEL, int(ZPRIME_MASS))


def parse(name: str) -> Sample | None:
    """The sample named ``hv_<scenario>_lambda<Lambda_D>``, else None."""
    match = re.fullmatch(r"hv_([a-z]+)_lambda(-?\d+)", name)
    return sample(match.group(1), int(match.group(2))) if match else None


def parameters(sample: Sample) -> tuple[str, int]:
    """(scenario, Lambda_D in GeV) of a sample of this family."""
    match = re.fullmatch(r"hv_([a-z]+)_lambda(\d+)", sample.name)
    return match.group(1), int(match.group(2))


def n_events(sample: Sample, config: dict) -> int:
    """Events of the sample in seed 001's search, or in a classifier study."""
    return events_of_kind(sample, config)


def phase_space(sample: Sample, config: dict) -> list[str]:
    """None: the Z' mass sets the scale."""
    return []


def pythia_settings(sample: Sample, config: dict, from_lhe: bool) -> list[str]:
    """The Z', the Hidden Valley sector of seed 001's Table 1a in Pythia 8.317's names,
    the dark hadron masses of its Eq. 1 and the scenario's decays."""
    scenario, scale = parameters(sample)
    m = masses(scenario, scale)
    quarks = [4900100 + i for i in range(1, N_FLAVOURS + 1)]
    flavours = range(1, N_FLAVOURS + 1)
    pions = [4900001 + 100 * i + 10 * j for i in flavours for j in flavours if j <= i]
    vectors = [code + 2 for code in pions]
    lines = [
        "HiddenValley:ffbar2Zv = on",
        f"{ZV_ID}:m0 = {ZPRIME_MASS}",
        f"{ZV_ID}:mWidth = {ZPRIME_WIDTH}",
        f"{ZV_ID}:doForceWidth = on",
        f"{ZV_ID}:mMin = {ZPRIME_MASS - 50 * ZPRIME_WIDTH}",
        f"{ZV_ID}:mMax = {ZPRIME_MASS + 50 * ZPRIME_WIDTH}",
        f"{ZV_ID}:onMode = off",
        f"{ZV_ID}:onIfAny = {' '.join(map(str, quarks))}",
        "HiddenValley:Ngauge = 3",
        f"HiddenValley:nFlav = {N_FLAVOURS}",
        "HiddenValley:alphaOrder = 1",
        "HiddenValley:setLambda = on",
        f"HiddenValley:Lambda = {scale}",
        f"HiddenValley:pTminFSR = {1.1 * scale:g}",
        "HiddenValley:separateFlav = on",
        "HiddenValley:fragment = on",
        "HiddenValley:FSR = on",
        "HiddenValley:probVector = 0.75",
        "HiddenValley:setabsigma = 2",
        "HiddenValley:aLund = 0.1",
        f"HiddenValley:bLund = {B_TIMES_M2 / m['constituent'] ** 2:.6g}",
        f"HiddenValley:sigmaLund = {SIGMA_OVER_M * m['constituent']:.6g}",
        "HiddenValley:rFact = {1,1,1,1,1,1,1,1}",
    ]
    lines += [f"{q}:m0 = {m['constituent']:.6g}" for q in quarks]
    lines += [f"{p}:m0 = {m['pi']:.6g}" for p in pions]
    lines += [f"{v}:m0 = {m['rho']:.6g}" for v in vectors]
    lines += [f"{p}:oneChannel = 1 1.0 91 {DOWN_QUARK} -{DOWN_QUARK}" for p in pions]
    if scenario == "indirect":
        lines += [f"{v}:oneChannel = 1 1.0 0 {pions[0]} {pions[0]}" for v in vectors]
    else:
        lines += [f"{v}:oneChannel = 1 1.0 91 {DOWN_QUARK} -{DOWN_QUARK}" for v in vectors]
    return lines


def user_process(sample: Sample, config: dict) -> None:
    """None: Pythia's Hidden Valley process."""
    return
