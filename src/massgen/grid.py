"""Names of the study grid: samples, splits and zoom variants (methods and models are
registry entries, :mod:`massgen.registry`).

Kept free of heavy imports so that the Snakefile (and every job's Snakemake start-up)
reads them without loading Pythia, awkward or torch.
"""

from __future__ import annotations

SPLITS = ("train", "val", "test")
ZOOMS = ("nozoom", "zoom")


def sample_mass(sample: str) -> int | None:
    """Z' mass in GeV of a sample name ``zp<mass>``, or None for ``qcd``."""
    if sample == "qcd":
        return None
    if sample.startswith("zp") and sample[2:].isdigit():
        return int(sample[2:])
    raise ValueError(f"unknown sample {sample!r}: expected 'qcd' or 'zp<mass>'")


def sample_names(masses: list[int]) -> list[str]:
    """All samples of a study: one per Z' mass, then the QCD pool."""
    return [f"zp{m}" for m in masses] + ["qcd"]
