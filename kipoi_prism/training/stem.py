"""Where the sequence backbone's first convolution starts (``train.stem_motifs``).

Two sources, each written on both strands into the first ``2 * n`` filters
(:func:`kipoi_prism.model.backbone.initialise_stem`):

- a MEME motif file (e.g. JASPAR), :func:`initialise_stem_from_config`;
- ``discover`` (:data:`DISCOVER`, the recommended configuration's default): motifs found
  **without labels** in the run's own enhancer and promoter windows, the training and the
  validation pairs' (the search of ``kipoi-prism motifs``,
  :func:`kipoi_prism.training.motif_discovery.discover_in_pairs`), written to the run
  folder as ``discovered_motifs.meme`` and then read like any motif file
  (:func:`resolve_discovered_stem`). On the simulated benchmark a first layer frozen at
  such motifs averages 0.111 AUPR over eighteen held-out evaluations where a random one
  stays at chance (docs/BENCHMARK.md, "The recommended configuration without a motif file").
"""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

import pandas as pd

from kipoi_prism.config import ModelConfig, TrainConfig
from kipoi_prism.config.training import DISCOVER
from kipoi_prism.errors import PrismInputError
from kipoi_prism.io.encode import PairEncoder
from kipoi_prism.io.genome import Genome
from kipoi_prism.io.motifs import Motif, read_meme, write_meme

log = logging.getLogger(__name__)

DISCOVERED_FILE = "discovered_motifs.meme"


def resolve_discovered_stem(train_pairs: pd.DataFrame, val_pairs: pd.DataFrame,
                            genome: Genome | None, model_config: ModelConfig,
                            train_config: TrainConfig, run_dir: Path,
                            resuming: bool = False) -> tuple[ModelConfig, TrainConfig]:  # fmt: skip
    """``train.stem_motifs: discover`` made concrete: the motifs found in the windows of
    ``train_pairs`` and ``val_pairs`` (no label read), written to
    ``run_dir/discovered_motifs.meme``; returns the configurations that name that file and
    its motif ids, ``model.channels`` raised to hold both strands of each motif
    (:func:`stem_motif_configs`; the log says so). A resumed run reads the file it wrote
    instead of searching again (the search is deterministic: the same windows give the
    same motifs).

    Raises
    ------
    PrismInputError
        The feature backbone (no first convolution), no genome, or no motif stands out in
        the windows (too few regions, or no motif signal): the message names both ways
        on, a motif file or a random first layer.
    """
    check_sequence_backbone(model_config, f"train.stem_motifs: {DISCOVER}",
                            "; set train.stem_motifs=null and train.freeze_stem=false")  # fmt: skip
    path = run_dir / DISCOVERED_FILE
    if resuming and path.exists():
        motifs = read_meme(path)
        log.info("first convolution: %d motifs found earlier in this run's windows (%s)",
                 len(motifs), path)  # fmt: skip
    else:
        motifs = _discover(pd.concat([train_pairs, val_pairs], ignore_index=True), genome,
                           model_config)  # fmt: skip
        run_dir.mkdir(parents=True, exist_ok=True)
        write_meme(path, motifs)
        log.info("first convolution: %d motifs found without labels in the training and "
                 "validation windows: %s; written to %s", len(motifs),
                 ", ".join(m.name for m in motifs), path)  # fmt: skip
    model, train = stem_motif_configs(model_config, train_config, path, [m.id for m in motifs],
                                      frozen=train_config.freeze_stem)  # fmt: skip
    if model.channels != model_config.channels:
        log.info("model.channels: %d -> %d, both strands of %d motifs", model_config.channels,
                 model.channels, len(motifs))  # fmt: skip
    return model, train


def stem_motif_configs(
    model_config: ModelConfig,
    train_config: TrainConfig,
    motifs: Path,
    vocabulary: list[str],
    frozen: bool,
) -> tuple[ModelConfig, TrainConfig]:
    """The configurations with the first convolution started from ``vocabulary`` (matrix IDs
    in the MEME file ``motifs``), ``model.channels`` raised to hold both strands of each."""
    channels = max(model_config.channels, 2 * len(vocabulary))
    train_config = dataclasses.replace(
        train_config, stem_motifs=str(motifs), stem_motif_ids=list(vocabulary),
        freeze_stem=frozen,
    )  # fmt: skip
    return dataclasses.replace(model_config, channels=channels), train_config


def check_sequence_backbone(model_config: ModelConfig, setting: str, advice: str = "") -> None:
    """Refuse ``setting`` unless the model has the sequence backbone's first convolution."""
    if model_config.backbone != "prism":
        raise PrismInputError(
            f"{setting}: only the sequence backbone has a first convolution (model.backbone "
            f"is {model_config.backbone!r}){advice}"
        )


def _discover(frame: pd.DataFrame, genome: Genome, model_config: ModelConfig) -> list[Motif]:
    from kipoi_prism.training.motif_discovery import DiscoveryConfig, discover_in_pairs

    if genome is None:
        raise PrismInputError(f"train.stem_motifs: {DISCOVER}: needs the genome FASTA")
    encoder = PairEncoder(genome, model_config.enhancer_length, model_config.promoter_length)
    encoder.validate(frame)
    config = DiscoveryConfig()
    log.info("first convolution: searching the enhancer and promoter windows of %d pairs "
             "for motifs (no labels read)", len(frame))  # fmt: skip
    motifs = discover_in_pairs(frame, encoder, config)
    if not motifs:
        raise PrismInputError(
            f"train.stem_motifs: {DISCOVER}: no word stands out (z >= {config.min_z}) in the "
            f"windows of {len(frame)} training and validation pairs (too few regions, or "
            "no motif signal); give a motif file (train.stem_motifs=FILE.meme) or train "
            "the first layer from random (train.stem_motifs=null train.freeze_stem=false)"
        )
    return motifs


def initialise_stem_from_config(model, model_config: ModelConfig,
                                train_config: TrainConfig) -> None:  # fmt: skip
    """``train.stem_motifs`` (a MEME file): the first convolution starts from its motifs
    (``train.stem_motif_ids`` of them, or all), kept with ``train.freeze_stem``."""
    from kipoi_prism.io.motifs import find_motif
    from kipoi_prism.model.backbone import initialise_stem

    check_sequence_backbone(model_config, "train.stem_motifs")
    path = train_config.stem_motifs
    motifs = read_meme(path)
    if train_config.stem_motif_ids:
        motifs = [find_motif(motifs, query, path) for query in train_config.stem_motif_ids]
    filters = initialise_stem(model.backbone, motifs, freeze=train_config.freeze_stem)
    log.info("first convolution: %d of %d filters from %d motifs of %s%s", filters,
             model_config.channels, len(motifs), path,
             " (frozen)" if train_config.freeze_stem else "")  # fmt: skip
