"""Baselines the benchmark reads prism-energy against.

* :class:`DistanceBaseline` - logistic regression on log10 distance only.
* :class:`PromoterPrior` - a promoter's smoothed positive rate among training pairs
  (shared promoters carry labels across pairs; the leak the benchmark's splits avoid).
* :class:`GradientBoosting` - TargetFinder's method: boosted trees on the features.
* :class:`SpeidNet` - a SPEID-style CNN-LSTM (Singh et al. 2019) at its published sizes:
  per element a 1,024-filter convolution of width 40, max-pool 20, then a BiLSTM of 100
  units per direction over the joined elements and a 925-unit dense layer.
"""

from __future__ import annotations

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
    """Histogram gradient boosting on a feature matrix (TargetFinder's model family)."""

    def __init__(self, seed: int = 0) -> None:
        self.model = HistGradientBoostingClassifier(
            max_iter=300, learning_rate=0.05, max_leaf_nodes=31, random_state=seed
        )

    def fit(self, x: np.ndarray, labels: np.ndarray) -> GradientBoosting:
        self.model.fit(x, labels)
        return self

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        return self.model.predict_proba(x)[:, 1]


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
