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

import gzip
from pathlib import Path

import awkward as ak
import numpy as np
import pylhe

from massgen.errors import InputFileError

UFO_NAME = "SM_Zprime_UFO"
PB_TO_FB = 1e3


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


def read_lhe(path: Path | str) -> dict:
    """Cross-section and event weights of a (gzipped) LHE file, checked to be complete.

    Returns sigma and its error in fb (from the ``<init>`` block), the number of events
    and their weights (XWGTUP, pb). A truncated or corrupt file raises InputFileError
    naming the file.
    """
    path = Path(path)
    if not path.is_file():
        raise InputFileError(f"{path}: LHE file not found")
    try:
        lhe = pylhe.LHEFile.fromfile(str(path))
        weights = ak.to_numpy(pylhe.to_awkward(lhe.events).eventinfo.weight)
        _check_closed(path)
    except InputFileError:
        raise
    except Exception as exc:  # gzip, XML and parsing errors all mean a damaged file
        raise InputFileError(f"{path}: not a complete LHE file ({exc})") from exc
    process = lhe.init.procInfo[0]
    return {
        "sigma_fb": float(process.xSection) * PB_TO_FB,
        "sigma_err_fb": float(process.error) * PB_TO_FB,
        "n_events": len(weights),
        "weights_pb": {
            "sum": float(np.sum(weights)),
            "min": float(np.min(weights, initial=np.inf)),
            "max": float(np.max(weights, initial=-np.inf)),
        },
    }


def _check_closed(path: Path) -> None:
    """Raise unless the file ends with ``</LesHouchesEvents>`` (pylhe stops silently)."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as stream:
        tail = b""
        for block in iter(lambda: stream.read(1 << 20), b""):
            tail = (tail + block)[-64:]
    if b"</LesHouchesEvents>" not in tail:
        raise InputFileError(f"{path}: LHE file ends before </LesHouchesEvents> (truncated)")


def lhe_particles(path: Path | str) -> ak.Array:
    """The LHE events' particles (id, status, m, px, py, pz, e) as an awkward array."""
    return pylhe.to_awkward(pylhe.LHEFile.fromfile(str(path)).events).particles
