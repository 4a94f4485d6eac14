"""How much of a simulation's motif grammar is same-motif pairs.

The simulator's labels read ``m = (1 - g) S + g G_c`` with ``S = x_e^T W x_p`` and ``G_c``
the same under cell line c's activities (docs/SIMULATOR.md). A network input that multiplies
each motif filter's enhancer count with the same filter's promoter count (``v_E * v_P`` with
the count encoder) can express only the diagonal of ``W``. For each simulation folder given,
this prints the squared correlation, over every simulated pair, between ``m`` and its
diagonal part (``W`` with its off-diagonal entries set to zero), and checks the recomputed
``m`` against the ``u_star`` column the simulator wrote.

    python benchmarks/grammar_diagonal.py SIM_DIR [SIM_DIR ...]

SIM_DIR: a ``kipoi-prism simulate`` output folder (truth.json, pairs.bedpe, sites.bed).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from kipoi_prism.simulation.labels import compatibility_terms, mixed_compatibility, motif_features


def pair_features(folder: Path, truth: dict) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """The simulated pairs, and each pair's enhancer and promoter motif features ``x``."""
    motif_ids = [m["id"] for m in truth["vocabulary"]]
    sites = pd.read_csv(folder / "sites.bed", sep="\t")
    counts = (
        sites.groupby(["#chrom", "motif_id"]).size().unstack(fill_value=0)
        .reindex(columns=motif_ids, fill_value=0)
    )  # fmt: skip
    pairs = pd.read_csv(folder / "pairs.bedpe", sep="\t")
    x = {
        role: motif_features(counts.reindex(pairs[column], fill_value=0).to_numpy())
        for role, column in (("e", "#enhancer_chrom"), ("p", "promoter_chrom"))
    }
    return pairs, x["e"], x["p"]


def motif_term(pairs, x_e, x_p, truth: dict, weights: np.ndarray) -> np.ndarray:
    """``m`` of every pair under compatibility ``weights``."""
    activity = np.array([truth["cell_lines"][c]["activity"] for c in pairs["cell_line"]])
    ungated, gated = compatibility_terms(x_e, x_p, activity, weights)
    return mixed_compatibility(ungated, gated, truth["config"]["gating_strength"])


def check_against_labels(pairs, m: np.ndarray, truth: dict) -> float:
    """Largest difference between ``signal_scale * z(m)`` and what ``u_star`` implies."""
    config = truth["config"]
    mechanism = truth["mechanism"]
    offsets = pairs["cell_line"].map({c: v["offset_b"] for c, v in truth["cell_lines"].items()})
    z_distance = (
        np.log10(np.maximum(pairs["distance"], 1)) - mechanism["log10_distance_mean"]
    ) / mechanism["log10_distance_sd"]
    implied = pairs["u_star"] - offsets + config["distance_weight"] * z_distance
    z_m = (m - mechanism["compatibility_mean"]) / mechanism["compatibility_sd"]
    return float(np.max(np.abs(config["signal_scale"] * z_m - implied)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", type=Path)
    args = parser.parse_args(argv)
    print(f"Command: python benchmarks/grammar_diagonal.py {' '.join(map(str, args.folders))}")
    print("| simulation | seed | pairs | diagonal share of W's magnitude | "
          "r^2(m, diagonal part) | check: max error of m against u_star |")  # fmt: skip
    print("|---|---|---|---|---|---|")
    for folder in args.folders:
        start = time.perf_counter()
        truth = json.loads((folder / "truth.json").read_text())
        weights = np.array(truth["compatibility_matrix"], dtype=np.float64)
        pairs, x_e, x_p = pair_features(folder, truth)
        m = motif_term(pairs, x_e, x_p, truth, weights)
        error = check_against_labels(pairs, m, truth)
        diagonal = motif_term(pairs, x_e, x_p, truth, np.diag(np.diag(weights)))
        r2 = float(np.corrcoef(m, diagonal)[0, 1] ** 2)
        share = float(np.abs(np.diag(weights)).sum() / np.abs(weights).sum())
        print(f"| {folder.name} | {truth['config']['seed']} | {len(pairs)} | {share:.3f} | "
              f"{r2:.3f} | {error:.1e} ({time.perf_counter() - start:.0f} s) |")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
