"""Training: losses, the objective, datasets and the cell-line block sampler, the window
cache and the PyTorch Lightning module that drives them."""
