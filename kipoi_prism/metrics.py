"""Classification metrics shared by training, calibration and the benchmark.

All functions take plain numpy arrays: ``labels`` of 0/1 and ``scores`` (probabilities
where a function says so).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.metrics import average_precision_score, precision_recall_curve, roc_auc_score


def _check(labels: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    labels = np.asarray(labels).astype(np.int64).ravel()
    scores = np.asarray(scores, dtype=np.float64).ravel()
    if labels.shape != scores.shape:
        raise ValueError(
            f"labels and scores: expected equal lengths, got {labels.size} and {scores.size}"
        )
    if not np.isin(labels, (0, 1)).all():
        raise ValueError("labels: expected only 0 and 1")
    return labels, scores


def aupr(labels: np.ndarray, scores: np.ndarray, weights: np.ndarray | None = None) -> float:
    """Area under the precision-recall curve (average precision), each pair counted
    ``weights`` times where given; NaN with one class."""
    labels, scores = _check(labels, scores)
    if labels.min() == labels.max():
        return float("nan")
    return float(average_precision_score(labels, scores, sample_weight=weights))


def auroc(labels: np.ndarray, scores: np.ndarray) -> float:
    """Area under the ROC curve; NaN with one class."""
    labels, scores = _check(labels, scores)
    if labels.min() == labels.max():
        return float("nan")
    return float(roc_auc_score(labels, scores))


def f1_at(labels: np.ndarray, probabilities: np.ndarray, threshold: float) -> float:
    """F1 of the calls ``probability >= threshold``."""
    labels, probabilities = _check(labels, probabilities)
    calls = probabilities >= threshold
    tp = float(np.sum(calls & (labels == 1)))
    denominator = float(calls.sum() + labels.sum())
    return 0.0 if denominator == 0 else 2 * tp / denominator


def precision_recall_at(
    labels: np.ndarray, probabilities: np.ndarray, threshold: float
) -> tuple[float, float]:
    """``(precision, recall)`` of the calls ``probability >= threshold``."""
    labels, probabilities = _check(labels, probabilities)
    calls = probabilities >= threshold
    tp = float(np.sum(calls & (labels == 1)))
    precision = tp / calls.sum() if calls.sum() else 0.0
    recall = tp / labels.sum() if labels.sum() else 0.0
    return float(precision), float(recall)


def brier(labels: np.ndarray, probabilities: np.ndarray) -> float:
    """Mean squared error of probabilities against 0/1 labels."""
    labels, probabilities = _check(labels, probabilities)
    return float(np.mean((probabilities - labels) ** 2))


def calibrate_threshold(labels: np.ndarray, probabilities: np.ndarray) -> float:
    """Decision threshold that balances precision and recall on validation data.

    Among the thresholds of the precision-recall curve, picks the one where
    ``|precision - recall|`` is smallest (ties: the higher F1), among the thresholds that
    call at least one true pair (a threshold calling only negatives has precision = recall
    = 0, balanced but useless). With a single class, returns 0.5.

    Parameters
    ----------
    labels : numpy.ndarray, shape=(N,)
    probabilities : numpy.ndarray, shape=(N,)

    Returns
    -------
    float
    """
    labels, probabilities = _check(labels, probabilities)
    if labels.min() == labels.max():
        return 0.5
    precision, recall, thresholds = precision_recall_curve(labels, probabilities)
    precision, recall = precision[:-1], recall[:-1]
    f1 = np.where(precision + recall > 0, 2 * precision * recall / (precision + recall + 1e-12), 0)
    # Thresholds that call no true pair (precision = recall = 0, "balanced") rank last.
    imbalance = np.where(f1 > 0, np.abs(precision - recall), np.inf)
    order = np.lexsort((-f1, imbalance))
    return float(thresholds[order[0]])


def distance_matched_weights(
    labels: np.ndarray, distance: np.ndarray, bins: int = 10
) -> np.ndarray:
    """Pair weights that give the negatives the positives' distribution of distance.

    The pairs are binned at the positives' distance quantiles (``bins`` bins, outer edges
    open); each bin's negatives share the weight the bin's share of positives asks for, so
    that the weighted negatives have the positives' bin distribution and their total weight
    stays the number of negatives (prevalence unchanged). Positives weigh 1. Positives in a
    bin without negatives cannot be matched there; the other bins' negatives then carry
    the whole negative weight. With one class every weight is 1.

    Returns
    -------
    numpy.ndarray, shape=(N,)
    """
    labels, distance = _check(labels, distance)
    weights = np.ones(labels.size)
    if labels.min() == labels.max():
        return weights
    edges = np.unique(np.quantile(distance[labels == 1], np.linspace(0, 1, bins + 1)[1:-1]))
    which = np.searchsorted(edges, distance, side="right")
    positives = np.bincount(which[labels == 1], minlength=edges.size + 1).astype(float)
    negatives = np.bincount(which[labels == 0], minlength=edges.size + 1).astype(float)
    share = np.where(negatives > 0, positives, 0.0)
    share /= share.sum()
    per_negative = np.divide(share * negatives.sum(), negatives, out=np.zeros_like(share),
                             where=negatives > 0)  # fmt: skip
    weights[labels == 0] = per_negative[which[labels == 0]]
    return weights


def distance_matched_aupr(
    labels: np.ndarray, scores: np.ndarray, distance: np.ndarray, bins: int = 10
) -> float:
    """AUPR with the negatives reweighted to the positives' distance distribution
    (:func:`distance_matched_weights`): how well ``scores`` rank pairs at equal distance,
    so that a table whose negatives lie nearer (or farther) than its positives does not
    reward or punish a model for how it reads distance. NaN with one class."""
    return aupr(labels, scores, distance_matched_weights(labels, distance, bins))


@dataclass
class Scores:
    """The benchmark's per-evaluation metrics."""

    aupr: float
    auroc: float
    f1: float
    precision: float
    recall: float
    brier: float
    n: int
    positives: int


def score_all(labels: np.ndarray, probabilities: np.ndarray, threshold: float) -> Scores:
    """AUPR, AUROC, F1/precision/recall at ``threshold``, Brier, counts."""
    labels, probabilities = _check(labels, probabilities)
    precision, recall = precision_recall_at(labels, probabilities, threshold)
    return Scores(
        aupr=aupr(labels, probabilities),
        auroc=auroc(labels, probabilities),
        f1=f1_at(labels, probabilities, threshold),
        precision=precision,
        recall=recall,
        brier=brier(labels, probabilities),
        n=int(labels.size),
        positives=int(labels.sum()),
    )


def _percentile_bootstrap(size: int, statistic, n_boot: int, seed: int, level: float):
    """Percentile interval of ``statistic(index)`` over ``n_boot`` resamples of ``size``
    items with replacement (NaN values skipped; NaN, NaN when every value is NaN)."""
    rng = np.random.default_rng(seed)
    values = []
    for _ in range(n_boot):
        value = statistic(rng.integers(0, size, size))
        if not np.isnan(value):
            values.append(value)
    if not values:
        return float("nan"), float("nan")
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(values, [tail, 100 - tail])
    return float(low), float(high)


def bootstrap_interval(
    labels: np.ndarray,
    scores: np.ndarray,
    metric=aupr,
    n_boot: int = 200,
    seed: int = 0,
    level: float = 0.95,
    covariate: np.ndarray | None = None,
) -> tuple[float, float]:
    """Percentile bootstrap interval of ``metric`` (resampling pairs with replacement).

    With ``covariate`` (one value per pair, e.g. the distances of
    :func:`distance_matched_aupr`), ``metric`` is called as ``metric(labels, scores,
    covariate)`` on each resample, the covariate resampled with its pairs.
    """
    columns = _check(labels, scores)
    if covariate is not None:
        columns = (*columns, _check(columns[0], covariate)[1])
    return _percentile_bootstrap(
        columns[0].size, lambda index: metric(*(c[index] for c in columns)), n_boot, seed, level
    )


def paired_bootstrap_difference(
    labels: np.ndarray,
    scores_a: np.ndarray,
    scores_b: np.ndarray,
    metric=aupr,
    n_boot: int = 500,
    seed: int = 0,
    level: float = 0.95,
) -> tuple[float, float, float]:
    """``metric(a) - metric(b)`` on the same pairs, with its percentile bootstrap interval.

    Each resample draws pairs with replacement once and scores both models on it, so the
    interval is that of the difference (narrower than comparing two separate intervals when
    the models' errors are correlated).

    Returns
    -------
    difference, low, high : float
    """
    labels, scores_a = _check(labels, scores_a)
    _, scores_b = _check(labels, scores_b)

    def difference(index):
        return metric(labels[index], scores_a[index]) - metric(labels[index], scores_b[index])

    low, high = _percentile_bootstrap(labels.size, difference, n_boot, seed, level)
    return float(difference(slice(None))), low, high
