"""Event generation: Pythia 8 hard processes, shower and hadronisation, in chunks."""
