"""Neural-network taggers (torch ``nn.Module``s with named hyperparameters)."""
