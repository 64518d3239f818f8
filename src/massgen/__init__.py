"""massgen: the reference pipeline for mass-generalised jet tagging studies.

Events -> detector objects -> jets -> datasets -> models -> scores -> plots, after
Dolan & Ore, "Meta-learning and data augmentation for mass-generalised jet taggers"
(arXiv:2111.06047). Units throughout: GeV for energies and masses, radians for angles.
"""

from __future__ import annotations

from importlib.metadata import version

# The one place the version is written is pyproject.toml; an editable install picks up a
# change there on reinstall (pip install -e .).
__version__ = version("massgen")
