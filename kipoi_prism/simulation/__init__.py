"""The simulator: sequence and labels on the real pair graph, with known truth."""
