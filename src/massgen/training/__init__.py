"""Training: one loop, with the methods as small hooks on it."""
