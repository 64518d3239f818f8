"""Validation of the user-defined f fbar -> Z Z' process against Pythia's f fbar -> Z Z.

With the Z' given the Z's mass, width, mass range and couplings (and the 1/2 for
identical bosons), the cross-section and the production angle must agree with the
built-in ``WeakDoubleBoson:ffbar2gmZgmZ`` (``WeakZ0:gmZmode = 2``) within statistics.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from massgen.generation.pythia import make_generator
from massgen.generation.settings import QUIET, zprime_width

N_EVENTS = 6000
COMMON = [
    "Beams:eCM = 13000",
    "PhaseSpace:pTHatMin = 300",
    "PartonLevel:MPI = off",
    "PartonLevel:ISR = off",
    "PartonLevel:FSR = off",
    "HadronLevel:all = off",
    "WeakZ0:gmZmode = 2",
    "23:mMin = 81",
    "23:mMax = 101",
    *QUIET,
]


def cos_theta(batch) -> np.ndarray:
    """|cos theta*| of the bosons in the parton rest frame: (t - u) / (s beta)."""
    info = batch.info
    m3 = np.asarray(batch.prt[:, 5].m)
    m4 = np.asarray(batch.prt[:, 6].m)
    s = np.asarray(info.sHat)
    beta = np.sqrt((1 - (m3**2 + m4**2) / s) ** 2 - 4 * m3**2 * m4**2 / s**2)
    return np.abs((np.asarray(info.tHat) - np.asarray(info.uHat)) / (s * beta))


def run(settings: list[str], user: str | None, seed: int):
    gen = make_generator(COMMON + settings, seed, user)
    batch = gen.pythia.nextBatch(N_EVENTS)
    info = gen.pythia.infoPython()
    return info.sigmaGen(), info.sigmaErr(), cos_theta(batch), batch


@pytest.fixture(scope="module")
def builtin():
    return run(["WeakDoubleBoson:ffbar2gmZgmZ = on"], None, 11)


@pytest.fixture(scope="module")
def user_as_zz():
    z_like = [
        "32:m0 = 91.1876",
        "32:mWidth = 2.4952",
        "32:doForceWidth = on",
        "32:mMin = 81",
        "32:mMax = 101",
    ]
    return run(z_like, "zzprime-as-zz", 12)


@pytest.mark.slow
def test_cross_section_agrees_with_builtin_zz(builtin, user_as_zz):
    sigma_b, err_b, _, _ = builtin
    sigma_u, err_u, _, _ = user_as_zz
    pull = (sigma_u - sigma_b) / np.hypot(err_b, err_u)
    assert abs(pull) < 3, (sigma_b, err_b, sigma_u, err_u)
    assert err_b / sigma_b < 0.02


@pytest.mark.slow
def test_angular_distribution_agrees_with_builtin_zz(builtin, user_as_zz):
    _, _, cos_b, _ = builtin
    _, _, cos_u, _ = user_as_zz
    assert stats.ks_2samp(cos_b, cos_u).pvalue > 1e-3
    # The test has power: it rejects a flat |cos theta*| distribution.
    assert stats.kstest(cos_b, "uniform").pvalue < 1e-6


@pytest.mark.slow
def test_user_process_makes_z_and_zprime(user_as_zz):
    batch = user_as_zz[3]
    assert set(np.asarray(batch.prt[:, 5].id)) == {23}
    assert set(np.asarray(batch.prt[:, 6].id)) == {32}


def test_zprime_width_matches_design():
    assert zprime_width(300.0, 0.25) / 300.0 == pytest.approx(0.0249, abs=5e-5)
