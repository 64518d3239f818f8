"""A user-defined Pythia 2->2 process: f fbar -> Z0 Z' with a massive vector Z'.

Pythia has no built-in Z Z' process. The matrix element is that of f fbar -> V1 V2
through t- and u-channel fermion exchange (as Pythia's ``Sigma2ffbar2gmZgmZ`` with
``WeakZ0:gmZmode = 2``), with the chiral couplings of each boson as parameters::

    dsigma/dt = K(t, u, m3^2, m4^2) * sum_{L,R} g_Z^2 g_Z'^2 / (16 pi s^2 N_c) * S

    K = (t^2 + u^2 + 2 (m3^2 + m4^2) s) / (t u) - m3^2 m4^2 (1/t^2 + 1/u^2)

where g are the Lagrangian couplings (``g Vbar_mu qbar gamma^mu P_{L,R} q``), N_c = 3
averages incoming colours and S = 1/2 for identical bosons. The Z couplings are
e (T3 - Q sin^2 theta_W) / (sin theta_W cos theta_W) and e (-Q sin^2 theta_W) / (...),
the Z' couples vectorially with strength g to u, d, s, c, b. Resonance masses are
drawn from Breit-Wigners by Pythia's phase space, and the cross-section carries the
fraction of open decay channels of both bosons. The bosons then decay isotropically in
their rest frames: spin correlations between production and decay are not modelled.
"""

from __future__ import annotations

import math

import pythia8mc

from massgen.generation.settings import N_COLOURS, Z_ID, ZPRIME_ID, ZPRIME_QUARKS


def z_couplings(
    id_abs: int, alpha_em: float, sin2w: float, sin2w_bar: float
) -> tuple[float, float]:
    """Left- and right-handed Z couplings (g_L, g_R) of fermion ``id_abs``.

    Uses Pythia's conventions: sin^2 theta_W in the overall factor, the effective
    sin^2 theta_W-bar in the vector coupling.
    """
    charge = {1: -1 / 3, 2: 2 / 3, 3: -1 / 3, 4: 2 / 3, 5: -1 / 3, 6: 2 / 3}.get(id_abs)
    if charge is None:
        charge = {11: -1.0, 13: -1.0, 15: -1.0}.get(id_abs, 0.0)
    t3 = 0.5 if (id_abs % 2 == 0) else -0.5
    norm = math.sqrt(4.0 * math.pi * alpha_em) / math.sqrt(sin2w * (1.0 - sin2w))
    return norm * (t3 - charge * sin2w_bar), norm * (-charge * sin2w_bar)


class FFbarToZZprime(pythia8mc.Sigma2Process):
    """f fbar -> Z0 Z' (code 9901); with ``zprime_like_z`` the Z' takes the Z's couplings.

    Parameters
    ----------
    coupling
        Vector coupling g of the Z' to u, d, s, c, b quarks.
    sin2w, sin2w_bar
        Weak mixing angle and its effective value (Pythia's StandardModel settings).
    particle_data
        The Pythia instance's ``particleData``: at initialisation it gives the fraction
        of Z0 x Z' decays left open by the ``onMode`` settings, which scales the rate.
    zprime_like_z
        Give the Z' the Z's couplings and halve the rate for identical bosons: the
        configuration in which this process must reproduce Pythia's f fbar -> Z0 Z0.
    """

    def __init__(
        self,
        coupling: float,
        sin2w: float,
        sin2w_bar: float,
        particle_data: pythia8mc.ParticleData,
        zprime_like_z: bool = False,
    ) -> None:
        super().__init__()
        self.coupling = coupling
        self.sin2w = sin2w
        self.sin2w_bar = sin2w_bar
        self.particle_data = particle_data
        self.open_fraction = 1.0
        self.zprime_like_z = zprime_like_z
        self.kinematics = 0.0

    def name(self) -> str:
        return "f fbar -> Z0 Z0" if self.zprime_like_z else "f fbar -> Z0 Z' (vector, user)"

    def code(self) -> int:
        return 9901

    def inFlux(self) -> str:
        return "ffbarSame"

    def id3Mass(self) -> int:
        return Z_ID

    def id4Mass(self) -> int:
        return ZPRIME_ID

    def initProc(self) -> None:
        """Store the open decay fraction of the boson pair (called by Pythia's init)."""
        self.open_fraction = self.particle_data.resOpenFrac(Z_ID, ZPRIME_ID)

    def sigmaKin(self) -> None:
        """Flavour-independent kinematic factor K(t, u, m3^2, m4^2) / (16 pi s^2)."""
        t, u, s3, s4 = self.tH, self.uH, self.s3, self.s4
        k = (t * t + u * u + 2.0 * (s3 + s4) * self.sH) / (t * u) - s3 * s4 * (
            1.0 / (t * t) + 1.0 / (u * u)
        )
        self.kinematics = k / (16.0 * math.pi * self.sH2)

    def _zprime_couplings(self, id_abs: int) -> tuple[float, float]:
        if self.zprime_like_z:
            return z_couplings(id_abs, self.alpEM, self.sin2w, self.sin2w_bar)
        g = self.coupling if id_abs in ZPRIME_QUARKS else 0.0
        return g, g

    def sigmaHat(self) -> float:
        """dsigma/dt in GeV^-4 for the current incoming flavour (Pythia converts to mb)."""
        id_abs = abs(self.id1)
        zl, zr = z_couplings(id_abs, self.alpEM, self.sin2w, self.sin2w_bar)
        pl, pr = self._zprime_couplings(id_abs)
        sigma = self.kinematics * ((zl * pl) ** 2 + (zr * pr) ** 2) * self.open_fraction
        if id_abs < 9:
            sigma /= N_COLOURS
        if self.zprime_like_z:
            sigma *= 0.5
        return sigma

    def setIdColAcol(self) -> None:
        self.setId(self.id1, self.id2, Z_ID, ZPRIME_ID)
        if abs(self.id1) < 9:
            self.setColAcol(1, 0, 0, 1, 0, 0, 0, 0)
        else:
            self.setColAcol(0, 0, 0, 0, 0, 0, 0, 0)
        if self.id1 < 0:
            self.swapColAcol()
