"""Benchmark outputs: CSV, Markdown tables, PR curves, lam/T trajectories, success signs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from kipoi_prism.config.variants import BASELINES, VARIANTS
from kipoi_prism.io.atomic import atomic_open
from kipoi_prism.metrics import aupr, auroc, brier, f1_at

METRICS = ("aupr", "auroc", "f1", "brier")
COUNT_COLUMNS = ("cells", "seeds", "evaluations", "wins", "pairs")


def row_label(key: str) -> str:
    if key in VARIANTS:
        return VARIANTS[key].label
    return BASELINES.get(key, key)


def _row_rank(key: str) -> int:
    """Rows in the order of the variant list, then the baselines (merged runs included)."""
    canonical = [*VARIANTS, *BASELINES]
    return canonical.index(key) if key in canonical else len(canonical)


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """``frame`` as CSV (no index), written atomically."""
    with atomic_open(path) as out:
        frame.to_csv(out, index=False)


def pooled(evaluations: list) -> pd.DataFrame:
    """Metrics over all held-out cell lines' predictions together, per track/row/seed."""
    groups: dict[tuple, list] = {}
    for e in evaluations:
        groups.setdefault((e.track, e.row, e.seed), []).append(e)
    rows = []
    for (track, row, seed), items in groups.items():
        labels = np.concatenate([e.labels for e in items])
        probabilities = np.concatenate([e.probabilities for e in items])
        calls = [f1_at(e.labels, e.probabilities, e.threshold) for e in items]
        rows.append({"track": track, "row": row, "seed": seed,
                     "pooled_aupr": aupr(labels, probabilities),
                     "pooled_auroc": auroc(labels, probabilities),
                     "pooled_brier": brier(labels, probabilities),
                     "mean_f1": float(np.mean(calls))})  # fmt: skip
    return pd.DataFrame(rows)


def markdown_tables(results: pd.DataFrame, pooled_frame: pd.DataFrame) -> str:
    """Per track: AUPR by held-out cell line (mean over seeds), then a summary table."""
    parts = []
    for track, frame in results.groupby("track", sort=False):
        order = sorted(dict.fromkeys(frame["row"]), key=_row_rank)
        by_cell = frame.pivot_table(index="row", columns="held_out", values="aupr", aggfunc="mean")
        by_cell = by_cell.reindex(order)
        summary = (
            frame.groupby("row")[list(METRICS) + ["precision", "recall"]].mean().reindex(order)
        )
        spread = seed_spread(frame).reindex(order)
        cis = frame.groupby("row")[["aupr_ci_low", "aupr_ci_high"]].mean().reindex(order)
        # A seed without pooled metrics (cell lines split across merged runs) empties the mean.
        pool = pooled_frame[pooled_frame["track"] == track].groupby("row")[
            ["pooled_aupr", "pooled_auroc", "pooled_brier"]].agg(_mean_or_nan)  # fmt: skip
        pool = pool.reindex(order)
        parts.append(f"### Track: {track}\n\nAUPR on the held-out cell line (mean over seeds)\n")
        parts.append(_table(by_cell.rename(index=row_label), "row"))
        matched = distance_matched_table(frame, order)
        if matched is not None:
            parts.append(
                "\nDistance-matched AUPR on the held-out cell line (negatives reweighted "
                "to the positives' distance distribution, deciles; mean over seeds)\n"
            )
            parts.append(_table(matched.rename(index=row_label), "row"))
        if "oracle_aupr" in frame and frame["oracle_aupr"].notna().any():
            oracle = frame.groupby("held_out")["oracle_aupr"].mean()
            parts.append("Oracle AUPR (true probabilities as scores): "
                         + ", ".join(f"{c} {v:.3f}" for c, v in oracle.items()) + "\n")  # fmt: skip
        if "other_env_aupr" in frame and frame["other_env_aupr"].notna().any():
            other = frame.groupby("held_out")["other_env_aupr"].mean().dropna()
            parts.append("Truth under another cell line's environment (AUPR, mean over the "
                         "others): " + ", ".join(f"{c} {v:.3f}" for c, v in other.items())
                         + "\n")  # fmt: skip
        coverage = frame.groupby("row").agg(
            cells=("held_out", "nunique"), seeds=("seed", "nunique"), evaluations=("aupr", "size")
        )
        coverage = coverage.reindex(order)
        table = summary.assign(aupr_seed_sd=spread, aupr_ci_low=cis["aupr_ci_low"],
                               aupr_ci_high=cis["aupr_ci_high"])  # fmt: skip
        table = table.join(pool).join(coverage)
        parts.append(
            "\nMean over held-out cell lines (and seeds); 95% bootstrap interval of "
            "AUPR averaged over cells; pooled = all held-out predictions together; cells, "
            "seeds, evaluations = what each row's means are over (seed SD only where every "
            "seed covers the same cell lines)\n"
        )
        parts.append(_table(table.rename(index=row_label), "row"))
        paired = paired_against_full(frame, order)
        if paired is not None:
            parts.append(
                "\nAgainst the full model, paired over the (held-out cell line, seed) "
                "evaluations both rows have: mean AUPR difference, its standard error, and "
                "how often the row beats the full model\n"
            )
            parts.append(_table(paired.rename(index=row_label), "row"))
        swap = environment_swap_table(frame, order)
        if swap is not None:
            parts.append(
                "\nEnvironment swap: the oracle, the truth under another cell line's environment "
                "(mean over the others), the row's AUPR, and its AUPR with the held-out cell "
                "line's z_E replaced by each training cell line's (mean, min, max over them), "
                "and the Brier score and F1 without and with the swap (mean over donors); "
                "swap_delta = aupr - swap_aupr; all means over seeds\n"
            )
            parts.append(_table(swap, "row"))
    return "\n".join(parts)


def distance_matched_table(frame: pd.DataFrame, order: list[str]) -> pd.DataFrame | None:
    """Distance-matched AUPR by row and held-out cell line (mean over seeds); None where
    no evaluation has it (a track without distances, or a run from before the column)."""
    column = "aupr_distance_matched"
    if column not in frame or frame[column].isna().all():
        return None
    table = frame.pivot_table(index="row", columns="held_out", values=column, aggfunc="mean")
    return table.reindex([row for row in order if row in table.index])


SWAP_COLUMNS = ("oracle_aupr", "other_env_aupr", "aupr", "swap_aupr", "swap_aupr_min",
                "swap_aupr_max", "brier", "swap_brier", "f1", "swap_f1")  # fmt: skip


def environment_swap_table(frame: pd.DataFrame, order: list[str]) -> pd.DataFrame | None:
    """Per row with swapped scores and held-out cell line: :data:`SWAP_COLUMNS` and
    ``swap_delta`` (mean over seeds); None where no row has them (no ``--environment-swap``)."""
    if "swap_aupr" not in frame or frame["swap_aupr"].isna().all():
        return None
    rows = frame[frame["swap_aupr"].notna()]
    columns = [c for c in SWAP_COLUMNS if c in rows]
    table = rows.groupby(["row", "held_out"], sort=False)[columns].mean()
    table.insert(columns.index("swap_aupr_max") + 1, "swap_delta",
                 table["aupr"] - table["swap_aupr"])  # fmt: skip
    ranked = sorted(table.index, key=lambda key: (_row_rank(key[0]), key[0], str(key[1])))
    table = table.reindex(ranked).reset_index(level="held_out")
    return table.rename(index=row_label)


def _mean_or_nan(values: pd.Series) -> float:
    return float(values.mean()) if values.notna().all() else np.nan


def seed_spread(frame: pd.DataFrame) -> pd.Series:
    """SD over seeds of each row's mean AUPR; NaN where the seeds cover different cell lines
    (their means would then differ by which cell lines they hold, not by seed)."""
    spreads = {}
    for row, rows in frame.groupby("row"):
        cells = rows.groupby("seed")["held_out"].agg(frozenset)
        even = cells.nunique() == 1
        spreads[row] = rows.groupby("seed")["aupr"].mean().std() if even else np.nan
    return pd.Series(spreads, dtype=float)


def summarise_differences(difference) -> tuple[float, float, int, int]:
    """Paired differences: their mean, its standard error (NaN for one pair), how many are
    positive, how many there are."""
    difference = np.asarray(difference, dtype=float)
    error = difference.std(ddof=1) / np.sqrt(len(difference)) if len(difference) > 1 else np.nan
    return float(difference.mean()), float(error), int((difference > 0).sum()), len(difference)


def paired_against_full(frame: pd.DataFrame, order: list[str]) -> pd.DataFrame | None:
    """Per row: AUPR minus the full model's on the same held-out cell line and seed."""
    key = ["held_out", "seed"]
    full = frame[frame["row"] == "full"].set_index(key)["aupr"]
    if full.empty:
        return None
    rows = {}
    for row in order:
        if row == "full":
            continue
        mine = frame[frame["row"] == row].set_index(key)["aupr"]
        shared = mine.index.intersection(full.index)
        if not len(shared):
            continue
        summary = summarise_differences(mine[shared] - full[shared])
        rows[row] = dict(zip(("delta_aupr", "delta_se", "wins", "pairs"), summary, strict=True))
    return pd.DataFrame.from_dict(rows, orient="index") if rows else None


def _table(frame: pd.DataFrame, index_name: str) -> str:
    columns = [index_name] + [str(c) for c in frame.columns]
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for index, row in frame.iterrows():
        cells = [_cell(v, column in COUNT_COLUMNS) for column, v in row.items()]
        lines.append("| " + " | ".join([str(index)] + cells) + " |")
    return "\n".join(lines) + "\n"


def _cell(value, count: bool = False) -> str:
    if isinstance(value, float) and np.isnan(value):
        return "–"
    if count:
        return str(int(value))
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def pr_curves(evaluations: list, out_dir: Path) -> list[Path]:
    """One PNG per track and held-out cell line: PR curves of every row (first seed)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.metrics import precision_recall_curve

    paths = []
    first_seed = min(e.seed for e in evaluations)
    keys = sorted({(e.track, e.held_out) for e in evaluations})
    for track, held in keys:
        figure, axis = plt.subplots(figsize=(5.5, 4.5))
        for e in evaluations:
            if (e.track, e.held_out, e.seed) != (track, held, first_seed):
                continue
            if e.labels.min() == e.labels.max():
                continue
            precision, recall, _ = precision_recall_curve(e.labels, e.probabilities)
            label = f"{row_label(e.row)} ({aupr(e.labels, e.probabilities):.2f})"
            axis.plot(recall, precision, label=label, linewidth=1)
        axis.set(xlabel="recall", ylabel="precision", title=f"{track}: held out {held}")
        axis.legend(fontsize=6)
        name = f"pr-{track}-{held}".replace(" ", "_").replace(":", "_").replace("/", "_")
        path = out_dir / f"{name}.png"
        figure.tight_layout()
        figure.savefig(path, dpi=110)
        plt.close(figure)
        paths.append(path)
    return paths


def trajectories(histories: list[pd.DataFrame], out_dir: Path) -> Path | None:
    """lam and T per epoch for every trained row (CSV + one PNG)."""
    if not histories:
        return None
    frame = pd.concat(histories, ignore_index=True)
    write_csv(frame, out_dir / "training_history.csv")
    if not {"lam", "T"} <= set(frame.columns):
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(1, 2, figsize=(10, 4))
    for _, rows in frame.groupby(["row", "held_out", "seed"]):
        x = np.arange(1, len(rows) + 1)
        axes[0].plot(x, rows["lam"], linewidth=0.8, alpha=0.7)
        axes[1].plot(x, rows["T"], linewidth=0.8, alpha=0.7)
    axes[0].set(xlabel="epoch", ylabel="lam", title="interaction coefficient lam")
    axes[1].set(xlabel="epoch", ylabel="T", title="temperature T")
    figure.tight_layout()
    path = out_dir / "lam_T_trajectories.png"
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path


def success_signs(results: pd.DataFrame, histories: list[pd.DataFrame]) -> str:
    """The SPEC's success signs with measured values (full-model rows, last epoch of each run)."""
    lines = ["| sign (hoped for) | measured (mean, range over runs) |", "|---|---|"]
    history = pd.concat(histories, ignore_index=True) if histories else pd.DataFrame()
    if len(history):
        history = history[history["row"] == "full"]
        last = history.groupby(["track", "held_out", "seed"], dropna=False).tail(1)
        signs = [("train AUPR 0.85-0.90 (not > 0.95)", last.get("train_aupr")),
                 ("validation-train AUPR gap <= 0.15", _gap(last)),
                 ("L_corr < 1e-3", last.get("corr")),
                 ("domain-classifier accuracy < 30% (chance 1/|C_train|)", last.get("domain_acc")),
                 ("domain chance level", last.get("domain_chance"))]  # fmt: skip
        for name, series in signs:
            lines.append(f"| {name} | {_describe(series)} |")
    for track, rows in results[results["row"] == "full"].groupby("track"):
        lines.append(f"| test AUPR >= 0.75 ({track}) | {_describe(rows['aupr'])} |")
        lines.append(f"| precision in 0.6-0.8 ({track}) | {_describe(rows['precision'])} |")
        lines.append(f"| recall in 0.6-0.8 ({track}) | {_describe(rows['recall'])} |")
    return "\n".join(lines) + "\n"


def _gap(last: pd.DataFrame) -> pd.Series | None:
    if not {"train_aupr", "val_aupr"} <= set(last.columns):
        return None
    return (last["train_aupr"] - last["val_aupr"]).abs()


def _describe(series: pd.Series | None) -> str:
    if series is None or not len(series) or series.isna().all():
        return "not logged"
    series = series.astype(float)
    return f"{series.mean():.3g} ({series.min():.3g}-{series.max():.3g})"
