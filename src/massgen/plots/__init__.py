"""The paper's figures (matplotlib with the mplhep style)."""
