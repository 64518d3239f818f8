"""Detector simulation: the built-in CMS-like parametric detector (Delphes-CMS numbers)."""
