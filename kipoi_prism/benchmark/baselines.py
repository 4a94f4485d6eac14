"""Baselines the benchmark reads prism-energy against.

* :class:`DistanceBaseline` - logistic regression on log10 distance only.
* :class:`PromoterPrior` - a promoter's smoothed positive rate among training pairs
  (shared promoters carry labels across pairs; the leak the benchmark's splits avoid).
* :class:`GradientBoosting` - TargetFinder's method: boosted trees on the features, with
  the learning rate, leaves per tree and number of trees chosen on validation.
* :func:`abc_scores` - ABC-style (activity by contact) scores, normalised per promoter.
* :class:`SpeidNet` - a SPEID-style CNN-LSTM (Singh et al. 2019) at its published sizes:
  per element a 1,024-filter convolution of width 40, max-pool 20, then a BiLSTM of 100
  units per direction over the joined elements and a 925-unit dense layer.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import torch
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from torch import nn


class DistanceBaseline:
    """P(y=1) from ``log10(distance + 1)`` alone."""

    def fit(self, distance: np.ndarray, labels: np.ndarray) -> DistanceBaseline:
        self.model = LogisticRegression().fit(self._x(distance), labels)
        return self

    def predict_proba(self, distance: np.ndarray) -> np.ndarray:
        return self.model.predict_proba(self._x(distance))[:, 1]

    @staticmethod
    def _x(distance: np.ndarray) -> np.ndarray:
        return np.log10(np.abs(np.asarray(distance, dtype=np.float64)) + 1.0)[:, None]


class PromoterPrior:
    """Smoothed positive rate of each promoter region among training pairs.

    ``rate(p) = (positives(p) + k * base) / (pairs(p) + k)`` with ``base`` the overall
    training rate and ``k`` the smoothing strength; unseen promoters get ``base``.
    """

    def __init__(self, smoothing: float = 5.0) -> None:
        if smoothing <= 0:
            raise ValueError(f"smoothing: expected > 0, got {smoothing}")
        self.smoothing = smoothing

    def fit(self, promoters: pd.Series, labels: np.ndarray) -> PromoterPrior:
        frame = pd.DataFrame({"p": promoters.to_numpy(), "y": np.asarray(labels)})
        self.base = float(frame["y"].mean())
        grouped = frame.groupby("p")["y"].agg(["sum", "count"])
        k = self.smoothing
        self.rates = (grouped["sum"] + k * self.base) / (grouped["count"] + k)
        return self

    def predict_proba(self, promoters: pd.Series) -> np.ndarray:
        return promoters.map(self.rates).fillna(self.base).to_numpy(np.float64)


class GradientBoosting:
    """Histogram gradient boosting (TargetFinder's model family), tuned on validation.

    Every combination of ``grid["learning_rate"]`` and ``grid["max_leaf_nodes"]`` is fitted
    with up to ``grid["max_iter"]`` trees; the setting and the number of trees (checked
    every :attr:`STEP` trees) with the best validation AUPR are kept, as early stopping
    keeps the networks' best epoch.

    Parameters
    ----------
    grid : dict
        ``learning_rate`` and ``max_leaf_nodes`` (sequences), ``max_iter`` (int).
    seed : int
    """

    STEP = 10

    def __init__(self, grid: dict, seed: int = 0) -> None:
        self.grid = grid
        self.seed = seed

    def fit(
        self, x: np.ndarray, labels: np.ndarray, x_val: np.ndarray, val_labels: np.ndarray
    ) -> GradientBoosting:
        """Fit every setting on ``x``; keep the one best on ``(x_val, val_labels)``.

        After fitting, :attr:`setting` holds ``learning_rate``, ``max_leaf_nodes``,
        ``trees`` and ``val_aupr`` of the kept model.
        """
        from kipoi_prism.metrics import aupr

        best = -np.inf
        cap = int(self.grid["max_iter"])
        for rate, leaves in itertools.product(
            self.grid["learning_rate"], self.grid["max_leaf_nodes"]
        ):
            model = self._classifier(rate, leaves, cap).fit(x, labels)
            for trees, probabilities in enumerate(model.staged_predict_proba(x_val), start=1):
                if trees % self.STEP and trees != cap:
                    continue
                score = np.nan_to_num(aupr(val_labels, probabilities[:, 1]), nan=0.0)
                if score > best:
                    best, self.model = score, model
                    self.setting = {"learning_rate": float(rate), "max_leaf_nodes": int(leaves),
                                    "trees": trees, "val_aupr": float(score)}  # fmt: skip
        return self

    def fit_setting(
        self,
        x: np.ndarray,
        labels: np.ndarray,
        learning_rate: float,
        max_leaf_nodes: int,
        trees: int,
    ) -> GradientBoosting:
        """Fit one setting (one the tuner chose, e.g. read from a run's ``results.csv``) as the
        tuner fits it; with the same training pairs and seed it is the tuner's kept model."""
        self.model = self._classifier(learning_rate, max_leaf_nodes, trees).fit(x, labels)
        self.setting = {"learning_rate": float(learning_rate),
                        "max_leaf_nodes": int(max_leaf_nodes), "trees": int(trees)}  # fmt: skip
        return self

    def _classifier(self, rate: float, leaves: int, trees: int) -> HistGradientBoostingClassifier:
        return HistGradientBoostingClassifier(
            max_iter=int(trees), learning_rate=float(rate), max_leaf_nodes=int(leaves),
            early_stopping=False, random_state=self.seed,
        )  # fmt: skip

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        """P(y=1) from the kept model's first ``setting["trees"]`` trees."""
        trees = self.setting["trees"]
        for count, probabilities in enumerate(self.model.staged_predict_proba(x), start=1):
            if count == trees:
                return probabilities[:, 1]
        raise AssertionError("unreachable: the kept model has at least `trees` trees")


# ABC's power law of contact on distance (Fulco et al. 2019; the ABC-Enhancer-Gene-Prediction
# default fitted on Hi-C), and the distance below which contact is taken as at that distance.
ABC_GAMMA = 1.024238616787792
ABC_MIN_DISTANCE = 5000.0


def abc_scores(
    dnase: np.ndarray, h3k27ac: np.ndarray, distance: np.ndarray, promoters: pd.Series
) -> np.ndarray:
    """ABC-style scores: activity x contact, as a share of the promoter's candidates' sum.

    Activity is the geometric mean of DNase and H3K27ac at the enhancer; contact is
    ``max(distance, 5 kb) ** -1.024`` (ABC's power law; nothing is fitted). Each score is
    divided by the sum over the rows with the same ``promoters`` key (the promoter's
    candidate enhancers in the table); a promoter whose candidates all have no activity
    scores 0.

    Returns
    -------
    numpy.ndarray of float64, shape=(N,)
        Scores in [0, 1].
    """
    activity = np.sqrt(np.clip(np.asarray(dnase, np.float64), 0, None)
                       * np.clip(np.asarray(h3k27ac, np.float64), 0, None))  # fmt: skip
    distance = np.maximum(np.abs(np.asarray(distance, np.float64)), ABC_MIN_DISTANCE)
    score = activity * distance**-ABC_GAMMA
    total = pd.Series(score).groupby(promoters.to_numpy()).transform("sum").to_numpy()
    return np.divide(score, total, out=np.zeros_like(score), where=total > 0)


class SpeidNet(nn.Module):
    """SPEID-style CNN-LSTM on one-hot enhancer and promoter windows.

    Parameters
    ----------
    filters, kernel, pool, lstm_units, dense_units : int
        Published sizes by default (1,024, 40, 20, 100, 925).
    dropout : float
    """

    def __init__(
        self,
        filters: int = 1024,
        kernel: int = 40,
        pool: int = 20,
        lstm_units: int = 100,
        dense_units: int = 925,
        dropout: float = 0.25,
    ) -> None:
        super().__init__()
        self.enhancer_conv = nn.Sequential(
            nn.Conv1d(4, filters, kernel), nn.ReLU(), nn.MaxPool1d(pool)
        )
        self.promoter_conv = nn.Sequential(
            nn.Conv1d(4, filters, kernel), nn.ReLU(), nn.MaxPool1d(pool)
        )
        self.norm = nn.BatchNorm1d(filters)
        self.dropout = nn.Dropout(dropout)
        self.lstm = nn.LSTM(filters, lstm_units, batch_first=True, bidirectional=True)
        self.dense = nn.Sequential(
            nn.Linear(2 * lstm_units, dense_units), nn.ReLU(), nn.Dropout(0.5)
        )
        self.out = nn.Linear(dense_units, 1)

    def forward(self, enhancer: torch.Tensor, promoter: torch.Tensor) -> torch.Tensor:
        """
        Parameters
        ----------
        enhancer : torch.Tensor, shape=(B, 4, L_E)
        promoter : torch.Tensor, shape=(B, 4, L_P)

        Returns
        -------
        torch.Tensor, shape=(B,)
            Logits.
        """
        joined = torch.cat([self.enhancer_conv(enhancer), self.promoter_conv(promoter)], dim=-1)
        joined = self.dropout(self.norm(joined)).transpose(1, 2)
        _, (hidden, _) = self.lstm(joined)
        summary = torch.cat([hidden[0], hidden[1]], dim=-1)
        return self.out(self.dense(summary)).squeeze(-1)


def _encode_frame(encoder, frame: pd.DataFrame, device) -> tuple[torch.Tensor, torch.Tensor]:
    encoded = encoder.encode(frame)
    return (torch.from_numpy(encoded.enhancer).to(device),
            torch.from_numpy(encoded.promoter).to(device))  # fmt: skip


@torch.inference_mode()
def speid_probabilities(
    model: SpeidNet, encoder, frame: pd.DataFrame, batch: int = 64
) -> np.ndarray:
    """SPEID-style probabilities for every row of ``frame`` (eval mode, in order), computed
    on the device the model's parameters are on."""
    model.eval()
    device = next(model.parameters()).device
    out = []
    for start in range(0, len(frame), batch):
        enhancer, promoter = _encode_frame(encoder, frame.iloc[start : start + batch], device)
        out.append(torch.sigmoid(model(enhancer, promoter)).cpu().numpy())
    return np.concatenate(out).astype(np.float64)


def train_speid(
    train: pd.DataFrame,
    val: pd.DataFrame,
    encoder,
    sizes: dict,
    seed: int,
    batch: int = 32,
    lr: float = 1e-3,
    device: str | torch.device = "cpu",
) -> tuple[SpeidNet, float]:
    """Train the SPEID-style baseline with class-weighted BCE; keep the best validation AUPR.

    ``device``: where it trains (the benchmark passes ``cuda`` when a GPU is there, as its
    Lightning fits do with ``accelerator="auto"``).

    Returns
    -------
    model : SpeidNet
        Best epoch's weights.
    threshold : float
        Calibrated on validation (precision = recall).
    """
    from kipoi_prism.metrics import aupr, calibrate_threshold

    torch.manual_seed(seed)
    sizes = dict(sizes)
    epochs = int(sizes.pop("epochs", 3))
    model = SpeidNet(**sizes).to(device)
    optimiser = torch.optim.Adam(model.parameters(), lr=lr)
    labels = train["label"].to_numpy()
    positive = max(float(labels.mean()), 1e-3)
    weight = torch.tensor((1 - positive) / positive, device=device)
    loss_fn = nn.BCEWithLogitsLoss(pos_weight=weight)
    rng = np.random.default_rng(seed)
    best = (-1.0, None, 0.5)
    for _ in range(epochs):
        model.train()
        order = rng.permutation(len(train))
        for start in range(0, len(order), batch):
            rows = train.iloc[order[start : start + batch]]
            enhancer, promoter = _encode_frame(encoder, rows, device)
            target = torch.from_numpy(rows["label"].to_numpy(np.float32)).to(device)
            optimiser.zero_grad()
            loss_fn(model(enhancer, promoter), target).backward()
            optimiser.step()
        probabilities = speid_probabilities(model, encoder, val)
        score = aupr(val["label"].to_numpy(), probabilities)
        if np.nan_to_num(score, nan=0.0) > best[0]:
            threshold = calibrate_threshold(val["label"].to_numpy(), probabilities)
            best = (
                np.nan_to_num(score, nan=0.0),
                {k: v.clone() for k, v in model.state_dict().items()},
                threshold,
            )
    model.load_state_dict(best[1])
    return model.eval(), best[2]
