"""The labels: the energy mechanism applied to every pair, and the oracle it gives.

With ``x_r = log(1 + n_r)`` the planted-site counts of region ``r`` per factor (shape
``(K,)``) and ``W`` a sparse random compatibility matrix (shape ``(K, K)``: density
``compatibility_density``, entries ``|N(0, 1)|`` with sign + with probability
``compatibility_positive``), a pair (e, p) in cell line c has

    S       = x_e^T W x_p                              (ungated motif-pair compatibility)
    G_c     = (a_c * x_e)^T W (a_c * x_p)              (the same, gated by c's activities)
    m       = (1 - gating_strength) S + gating_strength G_c
    u       = signal_scale * z(m) - distance_weight * z(log10 distance)
    U*      = u + b_c
    logit*  = (U* - R*_c + lam* U* R*_c) / T*
    p*      = sigmoid(logit*)
    p_label = (1 - label_noise) p* + label_noise pi_c
    y       ~ Bernoulli(p_label)

``z`` standardises over all simulated pairs (pooled across cell lines; the means and
standard deviations are reported), ``distance`` is the absolute distance between region
centres in bp. ``b_c`` is the offset that makes the mean of ``p*`` over c's pairs equal
``pi_c``, the positive fraction of c in the real table (or ``prevalence``); the noise term
keeps that mean, so the expected prevalence is ``pi_c``. The oracle probability is
``p_label``, the exact probability the label was drawn with; its AUPR and AUROC per cell
line are the ceiling any model can reach. ``1 + lam* R*_c`` must stay positive so that
``U*`` keeps its direction in every cell line. With ``lam* = 0`` the truth is additive:
``logit* = (U* - R*_c) / T*`` exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kipoi_prism.config import SimulationConfig
from kipoi_prism.io.feature_table import pair_distance
from kipoi_prism.simulation.randomness import STREAM_COMPATIBILITY, STREAM_LABEL, keyed_uniforms


def compatibility_matrix(size: int, config: SimulationConfig) -> np.ndarray:
    """The sparse random motif-pair compatibility ``W`` (see module docstring).

    Returns
    -------
    numpy.ndarray of float64, shape=(size, size)
        ``W[i, j]``: effect of factor ``i`` in the enhancer with factor ``j`` in the promoter.
    """
    rng = np.random.default_rng([config.seed, STREAM_COMPATIBILITY])
    magnitude = np.abs(rng.standard_normal((size, size)))
    present = rng.random((size, size)) < config.compatibility_density
    sign = np.where(rng.random((size, size)) < config.compatibility_positive, 1.0, -1.0)
    return magnitude * present * sign


def motif_features(site_counts: np.ndarray) -> np.ndarray:
    """``x = log(1 + n)``, shape (n_regions, K)."""
    return np.log1p(site_counts.astype(np.float64))


def compatibility_terms(x_e, x_p, activity, weights) -> tuple[np.ndarray, np.ndarray]:
    """Ungated and gated motif-pair compatibility of each pair.

    Parameters
    ----------
    x_e, x_p : numpy.ndarray, shape=(N, K)
        Motif features of each pair's enhancer and promoter.
    activity : numpy.ndarray, shape=(N, K)
        The pair's cell-line activities ``a_c``.
    weights : numpy.ndarray, shape=(K, K)
        ``W``.

    Returns
    -------
    S, G : numpy.ndarray of float64, shape=(N,)
    """
    ungated = np.einsum("nk,nk->n", x_e @ weights, x_p)
    gated = np.einsum("nk,nk->n", (activity * x_e) @ weights, activity * x_p)
    return ungated, gated


def mixed_compatibility(ungated, gated, gating_strength: float) -> np.ndarray:
    """``m = (1 - g) S + g G_c``: the compatibility the labels read, with ``g`` the
    simulator's gating strength (:func:`compatibility_terms` gives ``S`` and ``G_c``)."""
    return (1 - gating_strength) * ungated + gating_strength * gated


def standardise(values: np.ndarray) -> tuple[np.ndarray, float, float]:
    """``(values - mean) / sd`` with the mean and sd (sd 0 leaves zeros)."""
    mean, sd = float(values.mean()), float(values.std())
    return (values - mean) / sd if sd > 0 else np.zeros_like(values), mean, sd


def energy_logit(u_star, r_star, lam_star: float, t_star: float) -> np.ndarray:
    """``(U* - R* + lam* U* R*) / T*``, elementwise."""
    return (u_star - r_star + lam_star * u_star * r_star) / t_star


def calibrate_offset(u, r_star: float, target: float, lam_star: float, t_star: float) -> float:
    """The offset ``b`` with ``mean(sigmoid(energy_logit(u + b, R*))) == target``.

    The mean rises with ``b`` while ``1 + lam* R* > 0``; bisection to machine precision.

    Parameters
    ----------
    u : numpy.ndarray of float64, shape=(N,)
    r_star, target, lam_star, t_star : float

    Returns
    -------
    float
    """

    def excess(b: float) -> float:
        return float(_sigmoid(energy_logit(u + b, r_star, lam_star, t_star)).mean()) - target

    low, high = -1.0, 1.0
    while excess(low) > 0:
        low *= 2
    while excess(high) < 0:
        high *= 2
    for _ in range(200):
        middle = 0.5 * (low + high)
        if middle in (low, high):
            break
        low, high = (middle, high) if excess(middle) < 0 else (low, middle)
    return 0.5 * (low + high)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))


@dataclass
class SequencePotential:
    """The sequence part of ``U*`` for every pair (see :func:`sequence_potential`)."""

    u: np.ndarray  # shape (N,): signal_scale * z(m) - distance_weight * z(log10 d)
    x_e: np.ndarray  # shape (N, K)
    x_p: np.ndarray  # shape (N, K)
    ungated: np.ndarray  # shape (N,): S
    gated: np.ndarray  # shape (N,): G_c
    z_distance: np.ndarray  # shape (N,)
    weights: np.ndarray  # shape (K, K): W
    standardisation: dict[str, float]

    def score_with(self, activity: np.ndarray, rows: np.ndarray, config) -> np.ndarray:
        """``u`` of the pairs ``rows`` had their cell line the activities ``activity`` (K,)."""
        gated = np.einsum(
            "nk,nk->n", (activity * self.x_e[rows]) @ self.weights, activity * self.x_p[rows]
        )
        mixed = mixed_compatibility(self.ungated[rows], gated, config.gating_strength)
        z_mixed = (mixed - self.standardisation["compatibility_mean"]) / self.standardisation[
            "compatibility_sd"
        ]
        return config.signal_scale * z_mixed - config.distance_weight * self.z_distance[rows]


def sequence_potential(pairs, enhancer_index, promoter_index, site_counts, env, config):
    """``u`` (``U*`` without the offset ``b_c``) and its parts, for every pair.

    Returns
    -------
    SequencePotential
    """
    x = motif_features(site_counts)
    cell_index = pd.Index(env.cell_lines).get_indexer(pairs["cell_line"])
    weights = compatibility_matrix(len(env.vocabulary), config)
    x_e, x_p = x[enhancer_index], x[promoter_index]
    ungated, gated = compatibility_terms(x_e, x_p, env.activity[cell_index], weights)
    mixed = mixed_compatibility(ungated, gated, config.gating_strength)
    if not mixed.std() > 0:
        raise ValueError(
            "enhancer_sites/promoter_sites: the planted motifs give every pair the same "
            "compatibility; raise the mean number of sites"
        )
    z_mixed, mixed_mean, mixed_sd = standardise(mixed)
    log_distance = np.log10(np.maximum(pair_distance(pairs), 1))
    z_distance, distance_mean, distance_sd = standardise(log_distance)
    u = config.signal_scale * z_mixed - config.distance_weight * z_distance
    standardisation = {
        "compatibility_mean": mixed_mean,
        "compatibility_sd": mixed_sd,
        "log10_distance_mean": distance_mean,
        "log10_distance_sd": distance_sd,
    }
    return SequencePotential(u, x_e, x_p, ungated, gated, z_distance, weights, standardisation)


def label_pairs(pairs, enhancer_index, promoter_index, site_counts, env, config):
    """Apply the mechanism (module docstring) to every pair.

    Returns
    -------
    columns : dict of numpy.ndarray, shape=(N,)
        ``u_star, r_star, logit_star, p_star, oracle_probability, label, cell_index,
        distance, compatibility, gated_compatibility``.
    parameters : dict
        ``W``, standardisation constants, the offsets ``b_c`` and, per cell line, the
        AUPR of the truth computed under the other cell lines' environments.
    """
    potential = sequence_potential(pairs, enhancer_index, promoter_index, site_counts, env, config)
    cell_index = pd.Index(env.cell_lines).get_indexer(pairs["cell_line"])
    target = pairs["target_prevalence"].to_numpy(np.float64)
    offsets = np.zeros(len(env.cell_lines))
    for c in range(len(env.cell_lines)):
        rows = cell_index == c
        if rows.any():
            offsets[c] = calibrate_offset(
                potential.u[rows], env.r_star[c], target[rows][0], config.lam_star, config.t_star
            )
    u_star = potential.u + offsets[cell_index]
    r_star = env.r_star[cell_index]
    logit = energy_logit(u_star, r_star, config.lam_star, config.t_star)
    p_star = _sigmoid(logit)
    oracle = (1 - config.label_noise) * p_star + config.label_noise * target
    draws = keyed_uniforms(config.seed, STREAM_LABEL, pairs["cell_line"], pairs["name"])
    labels = (draws < oracle).astype(np.int8)
    columns = {
        "u_star": u_star,
        "r_star": r_star,
        "logit_star": logit,
        "p_star": p_star,
        "oracle_probability": oracle,
        "label": labels,
        "cell_index": cell_index,
        "distance": pair_distance(pairs),
        "compatibility": potential.ungated,
        "gated_compatibility": potential.gated,
    }
    parameters = {
        "compatibility_matrix": potential.weights,
        "standardisation": potential.standardisation,
        "offsets": offsets,
        "swapped_aupr": swapped_environment_aupr(potential, labels, cell_index, env, config),
    }
    return columns, parameters


def swapped_environment_aupr(potential, labels, cell_index, env, config) -> dict[str, float]:
    """Per cell line, the mean AUPR of its labels scored by the truth of another environment.

    For cell line ``c`` and every other simulated ``c'``, ``u`` is recomputed for ``c``'s
    pairs with ``a_c'`` in place of ``a_c`` and used as the score. The gap to the oracle AUPR
    is what knowing the right environment is worth; without gating there is none.

    Returns
    -------
    dict
        ``{cell line: mean AUPR}`` (None with one cell line or one label class).
    """
    from sklearn.metrics import average_precision_score

    swapped = {}
    for c, cell in enumerate(env.cell_lines):
        rows = np.flatnonzero(cell_index == c)
        y = labels[rows]
        others = [o for o in range(len(env.cell_lines)) if o != c]
        if not others or not 0 < y.sum() < len(y):
            swapped[cell] = None
            continue
        scores = [potential.score_with(env.activity[o], rows, config) for o in others]
        swapped[cell] = float(np.mean([average_precision_score(y, s) for s in scores]))
    return swapped


def oracle_metrics(table: pd.DataFrame) -> dict[str, dict[str, float]]:
    """AUPR, AUROC and Brier score of the oracle probability, per cell line and pooled.

    Returns
    -------
    dict
        ``{cell line or "pooled": {"aupr", "auroc", "brier", "prevalence",
        "target_prevalence", "pairs", "positives"}}``; AUPR/AUROC are None where a cell
        line's labels are all one class.
    """
    metrics = {}
    for cell, rows in table.groupby("cell_line", sort=True):
        metrics[str(cell)] = _metrics(rows)
    metrics["pooled"] = _metrics(table)
    return metrics


def _metrics(rows: pd.DataFrame) -> dict[str, float]:
    from sklearn.metrics import average_precision_score, roc_auc_score

    y = rows["label"].to_numpy()
    p = rows["oracle_probability"].to_numpy()
    both = 0 < y.sum() < len(y)
    return {
        "aupr": float(average_precision_score(y, p)) if both else None,
        "auroc": float(roc_auc_score(y, p)) if both else None,
        "brier": float(np.mean((p - y) ** 2)),
        "prevalence": float(y.mean()),
        "target_prevalence": float(rows["target_prevalence"].mean()),
        "pairs": int(len(y)),
        "positives": int(y.sum()),
    }
