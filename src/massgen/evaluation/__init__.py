"""Evaluation: scores, AUCs, domain scores and sculpting."""
