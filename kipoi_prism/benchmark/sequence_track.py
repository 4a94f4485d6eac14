"""The sequence track: simulated sequences on the real TargetFinder pair graph."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from kipoi_prism.benchmark.baselines import speid_probabilities, train_speid
from kipoi_prism.benchmark.harness import (
    BenchmarkConfig,
    Evaluation,
    base_configs,
    held_out_rows,
    history_extra,
    resume_from,
    simple_baselines,
    stratified_subsample,
    timed,
    trainer_settings,
    validation_split,
)
from kipoi_prism.config import InferenceConfig
from kipoi_prism.config.variants import resolve
from kipoi_prism.errors import PrismInputError
from kipoi_prism.inference import resolve_device, score_frame
from kipoi_prism.io.encode import PairEncoder
from kipoi_prism.io.genome import Genome
from kipoi_prism.io.motifs import write_meme
from kipoi_prism.io.pairs import read_pairs
from kipoi_prism.metrics import aupr, brier, f1_at
from kipoi_prism.training.motif_discovery import DiscoveryConfig, discover_in_pairs
from kipoi_prism.training.stem import stem_motif_configs

log = logging.getLogger(__name__)

# A sequence fit's folder under a run's ``runs/``: ``seq-<row>-<held-out cell>-seed<k>``
# (:func:`sequence_fit_name`); research scripts read fits back by it.
SEQUENCE_FIT = re.compile(r"^seq-(?P<row>[^-]+)-(?P<cell>.+)-seed(?P<seed>\d+)$")


def sequence_fit_name(row: str, held_out: str, seed: int) -> str:
    """The folder name of one sequence fit, as :data:`SEQUENCE_FIT` reads it."""
    return f"seq-{row}-{held_out}-seed{seed}"


MOTIFS = Path("motifs") / "jaspar2024_core_vertebrates.meme"  # under the shared data folder


def simulate_pairs(config: BenchmarkConfig, data_dir: Path, out_dir: Path, seed: int):
    """Simulate the benchmark's cell lines; returns (pairs frame, FASTA path, oracle,
    the motif vocabulary's matrix IDs)."""
    from kipoi_prism.config import SimulationConfig
    from kipoi_prism.simulation.run import simulate

    tables = [data_dir / "targetfinder" / "pairs" / f"{c}.pairs.csv" for c in config.cell_lines]
    gating = {} if config.gating_strength is None else {"gating_strength": config.gating_strength}
    result = simulate(
        tables,
        data_dir / MOTIFS,
        data_dir / "human-sequence" / "human_200bp_regions.fa",
        out_dir,
        SimulationConfig(seed=seed, max_pairs_per_cell_line=config.pairs_per_cell_line,
                         enhancer_length=config.enhancer_length,
                         promoter_length=config.promoter_length,
                         enhancer_motif_span=min(1000, config.enhancer_length),
                         promoter_motif_span=min(1000, config.promoter_length),
                         **gating),
        progress=False,
    )  # fmt: skip
    frame = read_pairs(result.pairs)
    return frame, result.fasta, result.oracle, [motif.id for motif in result.vocabulary]


def with_stem_motifs(config: BenchmarkConfig, data_dir: Path, model_config, train_config,
                     vocabulary: list[str], discovered: tuple | None = None):  # fmt: skip
    """``--stem-motifs init|frozen``: the first convolution starts from the simulator's own
    motif vocabulary (privileged knowledge: what a model that had already found every
    motif would start from), with room for both strands of every motif.
    ``--stem-motifs discovered`` (or ``discovered-by-cell-line``): frozen at ``discovered``,
    a MEME file and its motif ids (:func:`discovered_motifs`: found in the training cell
    lines' regions, no label used); ``discovered-init``: started there and trained."""
    if not config.stem_motifs:
        return model_config, train_config
    if config.stem_motifs.startswith("discovered"):
        frozen = config.stem_motifs != "discovered-init"
        return stem_motif_configs(model_config, train_config, *discovered, frozen=frozen)
    return stem_motif_configs(model_config, train_config, data_dir / MOTIFS, vocabulary,
                              frozen=config.stem_motifs == "frozen")  # fmt: skip


def discovered_motifs(config: BenchmarkConfig, frame: pd.DataFrame, encoder: PairEncoder,
                      held: str, path: Path) -> tuple[Path, list[str]] | None:  # fmt: skip
    """``--stem-motifs discovered``: motifs found without labels in the windows of every
    training cell line's pairs (the held-out cell line's left out; with
    ``discovered-by-cell-line`` each cell line's apart), written to ``path``; returns
    ``(path, motif ids)``."""
    if not config.stem_motifs.startswith("discovered"):
        return None
    by_cell_line = config.stem_motifs == "discovered-by-cell-line"
    discovery = DiscoveryConfig(merge_similarity=config.stem_merge_similarity)
    motifs = discover_in_pairs(frame[frame["cell_line"] != held], encoder, discovery,
                               by_cell_line=by_cell_line)  # fmt: skip
    if not motifs:
        raise PrismInputError(
            f"--stem-motifs {config.stem_motifs}: no motif stands out in the training cell lines' "
            f"regions without {held} (too few pairs; raise --pairs-per-cell-line)"
        )
    write_meme(path, motifs)
    log.info("sequence track: %d motifs discovered without %s: %s", len(motifs), held,
             ", ".join(m.name for m in motifs))  # fmt: skip
    return path, [m.id for m in motifs]


def promoter_key(frame: pd.DataFrame) -> pd.Series:
    """Promoters by their original coordinates (shared across cell lines)."""
    return (frame["original_promoter_chrom"].astype(str) + ":"
            + frame["original_promoter_start"].astype(str) + "-"
            + frame["original_promoter_end"].astype(str))  # fmt: skip


def prepare_pairs(frame: pd.DataFrame) -> pd.DataFrame:
    """A simulated pair table as the track reads it (the distance as a float)."""
    frame = frame.copy()
    frame["distance"] = frame["distance"].astype(float)
    return frame


def evaluation_pairs(frame: pd.DataFrame, held: str, config: BenchmarkConfig,
                     seed: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:  # fmt: skip
    """``(train, val, test)`` of one evaluation: the held-out cell line's pairs are the
    test; the others, subsampled per cell line (``config.train_pairs_per_cell_line``,
    seeded), are split as ``config.validate_on`` says (by the enhancer's original
    chromosome, or by cell line)."""
    test = held_out_rows(frame, held)
    rest = frame[frame["cell_line"] != held].reset_index(drop=True)
    rest = stratified_subsample(rest, config.train_pairs_per_cell_line, seed)
    train, val = validation_split(rest, held, config, "original_enhancer_chrom")
    return train, val, test


def predict_frame(weights_path: Path, fasta: Path, frame: pd.DataFrame, seed: int,
                  environment_from: pd.DataFrame | None = None):  # fmt: skip
    """Probabilities for ``frame`` through the inference engine, and the threshold.

    ``environment_from``: pairs of another cell line whose ``z_E`` every pair is scored
    with instead of its own (:func:`kipoi_prism.inference.score_frame`).
    """
    from kipoi_prism.model.weights import load_weights

    device = resolve_device("auto")  # the GPU where the fits ran on one
    bundle = load_weights(weights_path, map_location=device)
    scored = score_frame(bundle, frame, Genome(fasta), device=str(device),
                         config=InferenceConfig(support_size=32, seed=seed),
                         name="held-out pairs", environment_from=environment_from)  # fmt: skip
    return scored["probability"].to_numpy(np.float64), bundle.threshold


def environment_swap(weights_path: Path, fasta: Path, test: pd.DataFrame,
                     donors: dict[str, pd.DataFrame], seed: int) -> dict:  # fmt: skip
    """The environment-swap ablation: ``test`` scored with ``z_E`` drawn from each donor
    cell line's pairs (same support-set size and seed) in place of the held-out one's.

    A ``z_E`` that is one value per cell line enters the energy head and ``T(c)`` only as an
    affine map of ``U_I``, so their ranking (AUPR) moves only where its slope changes sign;
    calibration (Brier score, F1 at the saved threshold) shows what the swap does to them.

    Returns
    -------
    dict
        ``swap_aupr`` (mean over donors), ``swap_aupr_min``, ``swap_aupr_max``,
        ``swap_brier`` and ``swap_f1`` (means over donors) and ``swap_from`` (the donor
        cell lines, comma-separated).
    """
    labels = test["label"].to_numpy()
    scores = []
    for cell, pairs in donors.items():
        probabilities, threshold = predict_frame(weights_path, fasta, test, seed, pairs)
        scores.append((aupr(labels, probabilities), brier(labels, probabilities),
                       f1_at(labels, probabilities, threshold)))  # fmt: skip
        log.info("environment swap: z_E of %s, AUPR %.3f", cell, scores[-1][0])
    auprs, briers, f1s = np.array(scores, dtype=float).T
    return {"swap_aupr": float(auprs.mean()), "swap_aupr_min": float(auprs.min()),
            "swap_aupr_max": float(auprs.max()), "swap_brier": float(briers.mean()),
            "swap_f1": float(f1s.mean()), "swap_from": ",".join(donors)}  # fmt: skip


def _other_environments(oracle: dict, held: str) -> float:
    value = oracle.get(held, {}).get("aupr_other_environments")
    return np.nan if value is None else float(value)


def run_sequence_track(
    config: BenchmarkConfig, data_dir: Path, run_dir: Path
) -> Iterator[Evaluation]:
    """Every row and baseline, every held-out cell line and seed (yields as it goes)."""
    from kipoi_prism.training.fit import fit

    for seed in config.seeds:
        simulated = simulate_pairs(config, data_dir, run_dir / f"sim-seed{seed}", seed)
        frame, fasta, oracle, vocabulary = simulated
        frame = prepare_pairs(frame)
        encoder = PairEncoder(Genome(fasta), config.enhancer_length, config.promoter_length)
        for held in config.held_out:
            train, val, test = evaluation_pairs(frame, held, config, seed)
            labels = test["label"].to_numpy()
            context = {"oracle_aupr": float(oracle.get(held, {}).get("aupr", np.nan)),
                       "other_env_aupr": _other_environments(oracle, held)}  # fmt: skip
            donors = ({c: held_out_rows(frame, c) for c in config.cell_lines if c != held}
                      if config.environment_swap else {})  # fmt: skip
            meme = run_dir / f"discovered-{held}-seed{seed}.meme"
            discovered = discovered_motifs(config, frame, encoder, held, meme)
            for variant in resolve(list(config.rows)):
                configs = variant.change(*base_configs(config, seed))
                model_config, train_config = with_stem_motifs(
                    config, data_dir, *configs, vocabulary, discovered
                )
                folder = run_dir / "runs" / sequence_fit_name(variant.key, held, seed)
                log.info("sequence track: %s, held out %s, seed %d", variant.label, held, seed)
                settings = trainer_settings(config)
                result, seconds = timed(
                    fit, train, val, fasta, model_config, train_config, folder,
                    trainer_config=settings, resume=resume_from(config),
                )  # fmt: skip
                probabilities, threshold = predict_frame(result.weights_path, fasta, test, seed)
                extra = {**context, **history_extra(result.history), "train_s": seconds}
                if config.environment_swap:
                    extra.update(environment_swap(result.weights_path, fasta, test, donors, seed))
                history = result.history.assign(row=variant.key, held_out=held, seed=seed)
                extra["history"] = history
                yield Evaluation("sequence", variant.key, held, seed, labels, probabilities,
                                 threshold, extra)  # fmt: skip
            for name, (probabilities, threshold) in simple_baselines(
                train, val, test, config.baselines, promoter_key
            ).items():
                yield Evaluation("sequence", name, held, seed, labels, probabilities, threshold,
                                 dict(context))  # fmt: skip
            if "speid" in config.baselines:
                log.info("sequence track: SPEID-style baseline, held out %s, seed %d", held, seed)
                speid = dict(config.speid)
                speid_train = stratified_subsample(train, speid.pop("train_pairs", None), seed)
                (model, threshold), seconds = timed(
                    train_speid, speid_train, val, encoder, speid, seed,
                    device=resolve_device("auto"),  # the GPU where the fits use one
                )  # fmt: skip
                probabilities = speid_probabilities(model, encoder, test)
                yield Evaluation("sequence", "speid", held, seed, labels, probabilities,
                                 threshold, {**context, "train_s": seconds})  # fmt: skip
