"""The network: PRISM backbone, environment encoder, interaction heads, and the weights file."""
