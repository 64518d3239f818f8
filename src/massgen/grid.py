"""Names of the study grid: splits and zoom variants (samples, methods and models are
registry entries, :mod:`massgen.samples`, :mod:`massgen.registry`).

Kept free of heavy imports so that the Snakefile (and every job's Snakemake start-up)
reads them without loading Pythia, awkward or torch.
"""

from __future__ import annotations

SPLITS = ("train", "val", "test")
ZOOMS = ("nozoom", "zoom")
