"""kipoi-prism: the prism-energy enhancer-promoter interaction model.

A PRISM convolutional sequence backbone with an energy-interaction head,
``P(y=1) = sigmoid((U_I - R_E + lam * U_I * R_E) / T)``, whose environment term
``R_E`` comes from a support set of the query cell line's own pairs, so a cell line
never seen in training needs no retraining.
"""

__version__ = "0.1.0"
