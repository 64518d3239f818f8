"""Names of the study grid: splits and zoom variants (samples, methods and models are
registry entries, :mod:`massgen.samples`, :mod:`massgen.registry`).

Kept free of heavy imports so that the Snakefile (and every job's Snakemake start-up)
reads them without loading Pythia, awkward or torch.
"""

from __future__ import annotations

SPLITS = ("train", "val", "test")
ZOOMS = ("nozoom", "zoom")
# Study kinds that train classifiers of the anti_qcd.classes jets in a pT window
# (seed 004's anti-QCD study and seed 003's recursive networks).
CLASSIFIER_KINDS = ("anti_qcd", "recursive")
# Seed 003's infrared and collinear perturbations (massgen.perturbations), nominal first.
SCENARIOS = ("nominal", "collinear1", "collinear10", "collinear1_max", "collinear10_max", "soft")
