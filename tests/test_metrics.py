import numpy as np
import pytest

from kipoi_prism.metrics import (
    aupr,
    auroc,
    bootstrap_interval,
    brier,
    calibrate_threshold,
    distance_matched_aupr,
    distance_matched_weights,
    f1_at,
    paired_bootstrap_difference,
    precision_recall_at,
    score_all,
)


def test_hand_computed_metrics():
    labels = np.array([1, 0, 1, 0])
    probabilities = np.array([0.9, 0.8, 0.4, 0.1])
    # ranking: 1 (0.9), 0 (0.8), 1 (0.4), 0 (0.1): AP = (1/1 + 2/3) / 2
    assert aupr(labels, probabilities) == pytest.approx((1 + 2 / 3) / 2)
    assert auroc(labels, probabilities) == pytest.approx(0.75)
    assert precision_recall_at(labels, probabilities, 0.5) == (0.5, 0.5)
    assert f1_at(labels, probabilities, 0.5) == pytest.approx(0.5)
    assert brier(labels, probabilities) == pytest.approx((0.01 + 0.64 + 0.36 + 0.01) / 4)


def test_calibrated_threshold_balances_precision_and_recall():
    rng = np.random.default_rng(0)
    labels = (rng.random(2000) < 0.1).astype(int)
    probabilities = np.clip(0.1 + 0.5 * labels + rng.normal(0, 0.2, labels.size), 0, 1)
    threshold = calibrate_threshold(labels, probabilities)
    precision, recall = precision_recall_at(labels, probabilities, threshold)
    assert abs(precision - recall) < 0.02
    assert calibrate_threshold(np.zeros(5), np.linspace(0, 1, 5)) == 0.5


def test_one_class_gives_nan_and_bad_labels_raise():
    assert np.isnan(aupr(np.zeros(3), np.ones(3)))
    with pytest.raises(ValueError, match="labels"):
        aupr(np.array([0, 2]), np.array([0.1, 0.2]))
    with pytest.raises(ValueError, match="equal lengths"):
        auroc(np.array([0, 1]), np.array([0.1]))


def test_bootstrap_interval_brackets_the_estimate():
    rng = np.random.default_rng(1)
    labels = (rng.random(500) < 0.2).astype(int)
    scores = labels + rng.normal(0, 1, 500)
    low, high = bootstrap_interval(labels, scores, n_boot=100)
    assert low < aupr(labels, scores) < high
    summary = score_all(labels, 1 / (1 + np.exp(-scores)), 0.5)
    assert summary.n == 500 and summary.positives == int(labels.sum())


def test_calibrated_threshold_on_a_hand_computed_curve():
    labels = np.array([1, 1, 0, 1, 0, 0])
    probabilities = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.1])
    # Calls >= 0.9: P 1, R 1/3; >= 0.8: P 1, R 2/3; >= 0.7: P 2/3, R 2/3 (balanced).
    assert calibrate_threshold(labels, probabilities) == 0.7
    summary = score_all(labels, probabilities, 0.7)
    assert (summary.precision, summary.recall, summary.f1) == pytest.approx((2 / 3, 2 / 3, 2 / 3))
    assert (summary.n, summary.positives) == (6, 3)
    assert summary.auroc == pytest.approx(8 / 9)  # 8 of the 9 positive-negative pairs ordered


def test_no_calls_give_zero_precision_recall_and_f1():
    labels = np.array([1, 0, 1])
    probabilities = np.array([0.2, 0.3, 0.4])
    assert precision_recall_at(labels, probabilities, 0.5) == (0.0, 0.0)
    assert f1_at(labels, probabilities, 0.5) == 0.0
    assert f1_at(np.zeros(3), probabilities, 0.5) == 0.0  # no positives and no calls


def test_bootstrap_interval_is_seeded_and_follows_the_level():
    rng = np.random.default_rng(2)
    labels = (rng.random(300) < 0.3).astype(int)
    scores = labels + rng.normal(0, 1.5, 300)
    first = bootstrap_interval(labels, scores, n_boot=50, seed=4)
    assert bootstrap_interval(labels, scores, n_boot=50, seed=4) == first
    assert bootstrap_interval(labels, scores, n_boot=50, seed=5) != first
    low, high = bootstrap_interval(labels, scores, n_boot=50, seed=4, level=0.5)
    assert first[0] < low < high < first[1]
    assert np.isnan(bootstrap_interval(np.zeros(5), np.ones(5), n_boot=5)).all()


def test_calibration_never_picks_a_threshold_that_calls_only_negatives():
    # The top two scores are negatives: at 0.9 and 0.8 precision = recall = 0 (balanced but
    # useless). Among the others, 0.5 is the most balanced (P 1/3, R 1/2).
    labels = np.array([0, 0, 1, 1, 0])
    probabilities = np.array([0.9, 0.8, 0.5, 0.4, 0.1])
    assert calibrate_threshold(labels, probabilities) == 0.5


def test_paired_bootstrap_difference_of_a_model_with_itself_is_zero_and_seeded():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 2, 400)
    good = labels + rng.normal(0, 0.8, 400)
    noise = rng.normal(0, 1, 400)
    assert paired_bootstrap_difference(labels, good, good, n_boot=50) == (0.0, 0.0, 0.0)
    difference, low, high = paired_bootstrap_difference(labels, good, noise, n_boot=100, seed=3)
    assert difference == pytest.approx(aupr(labels, good) - aupr(labels, noise))
    assert 0 < low < difference < high
    assert paired_bootstrap_difference(labels, good, noise, n_boot=100, seed=3) == (
        difference,
        low,
        high,
    )
    back = paired_bootstrap_difference(labels, noise, good, n_boot=100, seed=3)
    assert back == pytest.approx((-difference, -high, -low))
    with pytest.raises(ValueError, match="equal lengths"):
        paired_bootstrap_difference(labels, good[:10], noise)


def _near_negatives(rng, n=4000):
    """Positives far, negatives near (like a table whose negatives sit by their promoters),
    and a mark that tells them apart at every distance."""
    labels = (rng.random(n) < 0.1).astype(int)
    distance = np.exp(rng.normal(11 + 1.5 * labels, 1.0))
    mark = 1.5 * labels + rng.normal(0, 1.0, n)
    return labels, distance, mark


def test_distance_matched_weights_give_negatives_the_positives_distances():
    labels, distance, _ = _near_negatives(np.random.default_rng(0))
    weights = distance_matched_weights(labels, distance, bins=5)
    assert (weights[labels == 1] == 1).all()
    assert weights[labels == 0].sum() == pytest.approx((labels == 0).sum())
    edges = np.quantile(distance[labels == 1], [0.2, 0.4, 0.6, 0.8])
    which = np.searchsorted(edges, distance, side="right")
    negative_share = np.bincount(which[labels == 0], weights[labels == 0], minlength=5)
    positive_share = np.bincount(which[labels == 1], minlength=5)
    assert negative_share / negative_share.sum() == pytest.approx(
        positive_share / positive_share.sum()
    )
    assert (distance_matched_weights(np.zeros(4), np.arange(4.0)) == 1).all()


def test_distance_matched_aupr_takes_away_what_distance_alone_buys():
    labels, distance, mark = _near_negatives(np.random.default_rng(1))
    prevalence = labels.mean()
    # Distance alone looks good on the plain metric and falls to about chance matched.
    assert aupr(labels, distance) > 3 * prevalence
    assert distance_matched_aupr(labels, distance, distance) < 1.6 * prevalence
    # The mark's ranking at equal distance survives the matching.
    assert distance_matched_aupr(labels, mark, distance) > 3 * prevalence
    assert np.isnan(distance_matched_aupr(np.zeros(3), np.ones(3), np.ones(3)))


def test_bootstrap_interval_resamples_a_covariate_with_its_pairs():
    labels, distance, mark = _near_negatives(np.random.default_rng(2), n=1500)
    low, high = bootstrap_interval(labels, mark, distance_matched_aupr, n_boot=60,
                                   covariate=distance)  # fmt: skip
    assert low < distance_matched_aupr(labels, mark, distance) < high
    with pytest.raises(ValueError, match="equal lengths"):
        bootstrap_interval(labels, mark, distance_matched_aupr, n_boot=5, covariate=distance[:9])
