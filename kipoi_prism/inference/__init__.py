"""Inference: the one scoring engine every tool uses (CLI, Python API, Kipoi, benchmark,
validation)."""
