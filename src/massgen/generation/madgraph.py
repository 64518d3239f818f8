"""MadGraph 5 at leading order: process cards per sample, gridpack seeds, LHE files.

The signal is ``p p > z zp, z > vl vl~`` with the Z' (PDG 32, our UFO in
``workflow/models/SM_Zprime_UFO``) left undecayed in the LHE: MadGraph's
``eta_max_pdg {32: ...}`` then cuts |eta| of the Z' itself, as the paper does, and
Pythia decays it to the configured quarks (isotropically, as on the Pythia-only path).
The Z' width is computed by MadWidth (``set WZp auto``) from the UFO's coupling. The
background is ``p p > z j, z > vl vl~`` with |eta_j| < 2. Both take ``misset`` (the pT of
the neutrino pair, = Z pT at parton level) and the ``nn23lo1`` PDF set.
"""

from __future__ import annotations

UFO_NAME = "SM_Zprime_UFO"


def process_card(
    process: str,
    sample_lines: list[str],
    *,
    sqrt_s: float,
    met_min: float,
    seed: int,
    threads: int = 1,
) -> str:
    """MadGraph script that builds a sample's gridpack in ``./proc``.

    ``process`` is the sample family's ``generate`` line and ``sample_lines`` its cuts and
    model parameters; ``sqrt_s`` and ``met_min`` (GeV) set the beams and the MET cut,
    ``seed`` the gridpack's ``iseed``. The UFO is imported from ``./SM_Zprime_UFO`` (the
    rule copies it into the job's own working directory, so parallel jobs never share
    MadGraph's model cache).
    """
    lines = [
        f"set nb_core {threads}",
        f"import model ./{UFO_NAME}",
        process,
        "output proc -nojpeg",
        "launch proc",
        "set gridpack True",
        f"set iseed {seed}",
        f"set ebeam1 {sqrt_s / 2}",
        f"set ebeam2 {sqrt_s / 2}",
        "set pdlabel nn23lo1",
        f"set misset {met_min}",
        "set use_syst False",
        *sample_lines,
    ]
    return "\n".join(lines) + "\n"
