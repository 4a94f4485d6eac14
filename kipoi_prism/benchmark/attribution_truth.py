"""Attributions and variant effects checked against the simulator's planted motif sites.

The simulator records every motif site it plants (``sites.bed``,
:mod:`kipoi_prism.simulation.outputs`), so on simulated pairs the bases a score can depend
on are known. :func:`run_truth_check` simulates, trains, and asks two questions of each
model on a seeded sample of held-out pairs:

(a) **Attributions** (:func:`attribution_enrichment`): per element window and method (exact
    in-silico mutagenesis ``ism`` and integrated gradients ``ig``,
    :func:`kipoi_prism.inference.attributions.explain_pairs`), the ``k`` bases with the
    largest ``|attribution|``. *Precision at k*: the share of them inside planted sites;
    *base rate*: the share of all window bases inside planted sites (what a random pick
    of ``k`` bases hits); *enrichment* = precision / base rate (1: chance). Pooled over
    windows, per element and over both.
(b) **Variants** (:func:`knockout_variants`, :func:`effect_summary`): in every window of the
    sample, one SNV per planted site at the site's most informative position (its
    highest-information motif column), changed to the base the motif likes least there;
    and as many SNVs at random window positions outside every site (a random other base).
    Both sets go through the variant scorer
    (:func:`kipoi_prism.inference.variants.prepare`, the path of ``kipoi-prism
    variant-effect``) against every sampled pair whose window they overlap; reported:
    ``|delta logit|`` per set (mean, median, quantiles), the AUROC of site against
    background ``|delta logit|`` (0.5: no difference) and the one-sided Mann-Whitney U
    p-value.

The procedure: simulate (:class:`TruthCheckConfig` sizes), hold out one cell line, split the
other cell lines' pairs by original enhancer chromosome into training and validation, train
with the recommended configuration (``kipoi_prism/data/recommended.yaml``: count encoder,
bilinear term, task loss alone) with the first convolution frozen at the simulator's own
motif vocabulary (as ``kipoi-prism benchmark --stem-motifs frozen``). Controls
(``TruthCheckConfig.controls``), run through the same checks:

* ``untrained``: the same network with the frozen motif stem and everything else at its
  random start. What the stem alone puts on sites, before any training.
* ``random_stem``: trained the same way with a random (trainable) first convolution.
* ``untrained_random``: no motifs, no training: the checks' floor (enrichment near 1).

A frozen motif stem makes high enrichment partly a property of the architecture (its
filters respond to motif matches only); the controls say how much.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from kipoi_prism.benchmark.harness import chromosome_split
from kipoi_prism.config import InferenceConfig, SimulationConfig, TrainerConfig
from kipoi_prism.config.loading import RECOMMENDED_CONFIG, load_config
from kipoi_prism.inference.attributions import explain_pairs
from kipoi_prism.inference.device import resolve_device
from kipoi_prism.inference.engine import Predictor
from kipoi_prism.inference.variants import prepare
from kipoi_prism.io.attribution_tracks import PairAttribution
from kipoi_prism.io.encode import ELEMENTS, window_starts
from kipoi_prism.io.genome import Genome
from kipoi_prism.io.motifs import Motif
from kipoi_prism.io.pairs import read_pairs
from kipoi_prism.io.vcf import Variant
from kipoi_prism.metrics import auroc
from kipoi_prism.model.network import PrismEnergy
from kipoi_prism.model.weights import load_weights, save_weights
from kipoi_prism.training.stem import initialise_stem_from_config, stem_motif_configs

log = logging.getLogger(__name__)

CONTROLS = ("untrained", "random_stem", "untrained_random")
QUANTILES = (0.1, 0.25, 0.5, 0.75, 0.9)
_COMPLEMENT = str.maketrans("ACGT", "TGCA")


@dataclass
class TruthCheckConfig:
    """Sizes of one truth check (the defaults: the full-size benchmark).

    Attributes
    ----------
    cell_lines : tuple of str
        Simulated cell lines (one pair table each).
    held_out : str
        The cell line the checks run on (never trained on).
    pairs_per_cell_line : int
        Stratified subsample of each table (the simulator's ``max_pairs_per_cell_line``).
    enhancer_length, promoter_length : int
        Model windows; the simulator plants sites in the central ``min(1000, length)`` bp.
    val_chromosomes : tuple of str
        Original enhancer chromosomes of the validation pairs.
    max_epochs, patience : int
    explain_pairs : int
        Held-out pairs checked (seeded random sample).
    top_k : tuple of int
        ``k`` of the precision at k.
    ig_steps : int
        Integrated-gradients steps.
    controls : tuple of str
        Any of :data:`CONTROLS`.
    seed, threads : int
        Seed of everything; torch threads (0: default).
    device : str
        ``auto``, ``cpu`` or ``cuda`` (training and scoring).
    simulation : dict
        Further :class:`~kipoi_prism.config.SimulationConfig` fields.
    model : dict
        ``model.*`` settings over the recommended configuration.
    """

    cell_lines: tuple[str, ...] = ("GM12878", "HUVEC", "IMR90", "K562")
    held_out: str = "K562"
    pairs_per_cell_line: int = 2000
    enhancer_length: int = 1000
    promoter_length: int = 1000
    val_chromosomes: tuple[str, ...] = ("chr1", "chr2", "chr3")
    max_epochs: int = 6
    patience: int = 3
    explain_pairs: int = 60
    top_k: tuple[int, ...] = (10, 50)
    ig_steps: int = 50
    controls: tuple[str, ...] = CONTROLS
    seed: int = 0
    threads: int = 1
    device: str = "auto"
    simulation: dict = field(default_factory=dict)
    model: dict = field(default_factory=dict)


@dataclass
class World:
    """A simulated world split for a truth check.

    ``records`` (FASTA record names), ``site_counts`` (regions x factors) and ``truth``
    (``truth.json``) give each knock-out's true effect (:func:`true_effects`).
    """

    fasta: Path
    motifs: Path
    vocabulary: list[Motif]
    sites: pd.DataFrame
    train: pd.DataFrame
    val: pd.DataFrame
    test: pd.DataFrame
    records: pd.Index
    site_counts: np.ndarray
    truth: dict


# ---------------------------------------------------------------------- world and models


def simulate_world(tables, motifs, background, out_dir: Path, config: TruthCheckConfig) -> World:
    """Simulate ``tables`` and split: held-out cell line, validation chromosomes, training."""
    from kipoi_prism.simulation.run import simulate

    sim = SimulationConfig(
        seed=config.seed, max_pairs_per_cell_line=config.pairs_per_cell_line,
        enhancer_length=config.enhancer_length, promoter_length=config.promoter_length,
        enhancer_motif_span=min(1000, config.enhancer_length),
        promoter_motif_span=min(1000, config.promoter_length), **config.simulation,
    )  # fmt: skip
    result = simulate(tables, motifs, background, out_dir, sim, progress=False)
    frame = read_pairs(result.pairs)
    frame["distance"] = frame["distance"].astype(float)
    test = frame[frame["cell_line"] == config.held_out].reset_index(drop=True)
    if test.empty:
        raise ValueError(f"held-out cell line {config.held_out!r} has no simulated pairs")
    rest = frame[frame["cell_line"] != config.held_out].reset_index(drop=True)
    train, val = chromosome_split(rest, config.val_chromosomes, "original_enhancer_chrom")
    return World(result.fasta, Path(motifs), result.vocabulary, result.site_table, train, val,
                 test, pd.Index(result.regions["record"]), result.site_counts,
                 result.truth_data)  # fmt: skip


def model_configs(config: TruthCheckConfig, world: World, stem: str):
    """The recommended configuration at this size; ``stem``: ``frozen`` (the simulator's
    motif vocabulary, kept) or ``random``."""
    run = load_config(RECOMMENDED_CONFIG, [f"model.{k}={v}" for k, v in config.model.items()])
    model = dataclasses.replace(run.model, enhancer_length=config.enhancer_length,
                                promoter_length=config.promoter_length)  # fmt: skip
    train = dataclasses.replace(run.train, max_epochs=config.max_epochs,
                                patience=config.patience, seed=config.seed)  # fmt: skip
    ids = [motif.id for motif in world.vocabulary]
    model, train = stem_motif_configs(model, train, world.motifs, ids, frozen=True)
    if stem == "random":  # the same width, a random trainable first layer
        train = dataclasses.replace(train, stem_motifs=None, stem_motif_ids=[], freeze_stem=False)
    return model, train


def train_model(config: TruthCheckConfig, world: World, run_dir: Path, stem: str) -> Path:
    """Train on the world's training split; the exported weights file."""
    from kipoi_prism.training.fit import fit

    model, train = model_configs(config, world, stem)
    trainer = TrainerConfig(accelerator="cpu" if config.device == "cpu" else "auto",
                            logger="csv", progress_bar=False, threads=config.threads)  # fmt: skip
    result = fit(world.train, world.val, world.fasta, model, train, run_dir,
                 trainer_config=trainer)  # fmt: skip
    log.info("truth check: %s stem trained, best epoch %s, validation AUPR %.3f", stem,
             result.best_epoch, result.best_val_aupr)  # fmt: skip
    return result.weights_path


def untrained_model(config: TruthCheckConfig, world: World, path: Path, stem: str) -> Path:
    """The network at its seeded random start (``stem``: ``frozen`` motifs or ``random``)."""
    model_config, train = model_configs(config, world, stem)
    torch.manual_seed(config.seed)
    model = PrismEnergy(model_config)
    if stem == "frozen":
        initialise_stem_from_config(model, model_config, train)
    return save_weights(path, model.eval())


# ---------------------------------------------------------------------- sites


def site_index(sites: pd.DataFrame) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """``{record: (starts, ends)}`` of the planted sites (``sites.bed`` rows)."""
    return {
        chrom: (rows["start"].to_numpy(np.int64), rows["end"].to_numpy(np.int64))
        for chrom, rows in sites.groupby("chrom", sort=False)
    }


def site_mask(index: dict, chrom: str, start: int, length: int) -> np.ndarray:
    """Which bases of the window ``[start, start + length)`` lie inside a planted site."""
    mask = np.zeros(length, dtype=bool)
    starts, ends = index.get(chrom, (np.empty(0, np.int64), np.empty(0, np.int64)))
    for s, e in zip(starts - start, ends - start, strict=True):
        mask[max(s, 0) : max(min(e, length), 0)] = True
    return mask


def sample_pairs(test: pd.DataFrame, n: int, seed: int) -> pd.DataFrame:
    """A seeded random sample of ``n`` held-out pairs, in table order."""
    rng = np.random.default_rng(seed)
    chosen = np.sort(rng.choice(len(test), size=min(n, len(test)), replace=False))
    return test.iloc[chosen].reset_index(drop=True)


# ---------------------------------------------------------------------- (a) attributions


def attribution_enrichment(
    pairs: list[PairAttribution], index: dict, top_k: tuple[int, ...]
) -> pd.DataFrame:
    """Precision at k, base rate and enrichment of the top-``|attribution|`` bases.

    Returns
    -------
    pandas.DataFrame
        One row per method, element (``enhancer``, ``promoter``, ``both``) and ``k``:
        ``windows``, ``top_bases``, ``top_in_sites``, ``window_bases``, ``site_bases``,
        ``precision_at_k``, ``base_rate``, ``enrichment``.
    """
    tallies: dict[tuple, np.ndarray] = {}
    for pair in pairs:
        for element in ELEMENTS:
            attribution = pair.elements[element]
            length = attribution.one_hot.shape[1]
            mask = site_mask(index, attribution.chrom, attribution.start, length)
            for method, scores in attribution.scores.items():
                valid = np.flatnonzero(np.isfinite(scores))
                order = valid[np.argsort(-np.abs(scores[valid]), kind="stable")]
                for k in top_k:
                    top = order[:k]
                    counts = np.array([1, len(top), mask[top].sum(), len(valid), mask[valid].sum()])
                    for key in ((method, element, k), (method, "both", k)):
                        tallies[key] = tallies.get(key, 0) + counts
    rows = []
    for (method, element, k), (windows, top, hits, bases, in_sites) in sorted(tallies.items()):
        precision, base_rate = hits / top, in_sites / bases
        rows.append({"method": method, "element": element, "k": k, "windows": int(windows),
                     "top_bases": int(top), "top_in_sites": int(hits), "window_bases": int(bases),
                     "site_bases": int(in_sites), "precision_at_k": precision,
                     "base_rate": base_rate,
                     "enrichment": precision / base_rate if base_rate else np.nan})  # fmt: skip
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------- (b) variants


def knockout_variants(
    sample: pd.DataFrame, sites: pd.DataFrame, vocabulary: list[Motif], genome: Genome,
    widths: dict[str, int], seed: int,
) -> tuple[list[Variant], pd.DataFrame]:  # fmt: skip
    """Site-destroying and background SNVs in the windows of ``sample`` (module docstring).

    Returns
    -------
    variants : list of Variant
        Sorted by record and position; IDs ``site<n>`` and ``background<n>``.
    kinds : pandas.DataFrame
        Indexed by variant ID: ``kind`` (``site`` or ``background``) and ``motif_id`` (the
        knocked-out site's factor; empty for background SNVs).
    """
    motifs = {motif.id: motif for motif in vocabulary}
    rng = np.random.default_rng(seed)
    windows = set()
    for element in ELEMENTS:
        starts = window_starts(
            sample[f"{element}_start"].to_numpy(np.int64),
            sample[f"{element}_end"].to_numpy(np.int64),
            widths[element],
        )
        windows |= set(zip(sample[f"{element}_chrom"].astype(str), starts.tolist(),
                           [widths[element]] * len(sample), strict=True))  # fmt: skip
    by_chrom, index = dict(tuple(sites.groupby("chrom", sort=False))), site_index(sites)
    found: dict[tuple[str, int], tuple[str, str, str, str]] = {}
    for chrom, start, width in sorted(windows):
        inside = by_chrom.get(chrom, sites.iloc[:0])
        inside = inside[(inside["start"] >= start) & (inside["end"] <= start + width)]
        for site in inside.itertuples():
            pos, ref, alt = _knockout(site, motifs[site.motif_id])
            found.setdefault((chrom, pos), ("site", ref, alt, site.motif_id))
        mask = site_mask(index, chrom, start, width)
        text = genome.fetch(chrom, start, start + width).decode()  # N beyond the record
        free = np.flatnonzero(~mask & (np.frombuffer(text.encode(), np.uint8) != ord("N")))
        for offset in rng.choice(free, size=min(len(inside), len(free)), replace=False):
            ref = text[offset]
            alt = "ACGT".replace(ref, "")[rng.integers(3)]
            found.setdefault((chrom, start + int(offset)), ("background", ref, alt, ""))
    variants, kinds, numbers = [], [], {"site": 0, "background": 0}
    for (chrom, pos), (kind, ref, alt, motif_id) in sorted(found.items()):
        numbers[kind] += 1
        name = f"{kind}{numbers[kind]}"
        variants.append(Variant(chrom, pos, name, ref, alt))
        kinds.append((name, kind, motif_id))
    return variants, pd.DataFrame(kinds, columns=["id", "kind", "motif_id"]).set_index("id")


def _knockout(site, motif: Motif) -> tuple[int, str, str]:
    """Genome position, reference and alternative base of a site's knock-out SNV."""
    p = motif.probabilities
    information = 2.0 + (p * np.log2(np.where(p > 0, p, 1.0))).sum(axis=1)
    column = int(np.flatnonzero(information >= information.max() - 1e-9)[0])  # ties: first
    ref = site.sequence[column]
    liked = p[column].copy()
    liked["ACGT".index(ref)] = np.inf
    alt = "ACGT"[int(np.argmin(liked))]
    if site.strand == "-":
        return site.end - 1 - column, ref.translate(_COMPLEMENT), alt.translate(_COMPLEMENT)
    return site.start + column, ref, alt


def true_effects(effects: pd.DataFrame, sample: pd.DataFrame, world: World) -> np.ndarray:
    """The true ``delta logit*`` of each site knock-out row (NaN for background rows).

    Destroying a planted site of factor ``f`` takes the element's count ``n_f`` to
    ``n_f - 1`` in the mechanism (:mod:`kipoi_prism.simulation.labels`):
    ``delta logit* = (1 + lam* R*_c) / T* * signal_scale / sd * delta((1 - g) S + g G_c)``.
    """
    from kipoi_prism.simulation.labels import (
        compatibility_terms,
        mixed_compatibility,
        motif_features,
    )

    truth, out = world.truth, np.full(len(effects), np.nan)
    sites = effects["motif_id"].astype(str).to_numpy() != ""
    if not sites.any():
        return out
    rows = effects[sites]
    pairs = sample.set_index("name").loc[rows["pair"].astype(str)]
    factor = pd.Index([m.id for m in world.vocabulary]).get_indexer(rows["motif_id"])
    x = {e: world.site_counts[world.records.get_indexer(pairs[f"{e}_chrom"])] for e in ELEMENTS}
    knocked = {e: x[e].copy() for e in ELEMENTS}
    for e in ELEMENTS:
        hit = (rows["element"] == e).to_numpy()
        knocked[e][hit, factor[hit]] -= 1
    weights = np.asarray(truth["compatibility_matrix"], dtype=np.float64)
    cells = [truth["cell_lines"][c] for c in pairs["cell_line"]]
    activity = np.array([c["activity"] for c in cells], dtype=np.float64)
    gating, mechanism = truth["config"]["gating_strength"], truth["mechanism"]

    def mixed(counts):
        ungated, gated = compatibility_terms(motif_features(counts["enhancer"]),
                                             motif_features(counts["promoter"]), activity,
                                             weights)  # fmt: skip
        return mixed_compatibility(ungated, gated, gating)

    slope = (1 + mechanism["lam_star"] * np.array([c["r_star"] for c in cells])) / mechanism[
        "t_star"
    ]
    scale = truth["config"]["signal_scale"] / mechanism["compatibility_sd"]
    out[sites] = slope * scale * (mixed(knocked) - mixed(x))
    return out


def effect_summary(effects: pd.DataFrame, kinds: pd.DataFrame) -> dict:
    """``|delta logit|`` of site against background variants (rows of the variant scorer).

    Returns
    -------
    dict
        ``{"site": stats, "background": stats, "auroc": float, "mannwhitney_p": float}``;
        ``stats``: ``rows``, ``variants``, ``mean``, ``median`` and ``q10`` ... ``q90``.
        With a ``true_delta_logit`` column (:func:`true_effects`), also
        :func:`truth_agreement`'s ``spearman_true``, ``auroc_relevant`` and
        ``no_true_effect``.
    """
    from scipy.stats import mannwhitneyu

    kind = effects["id"].map(kinds["kind"])
    size = effects["delta_logit"].astype(float).abs()
    summary: dict = {}
    for name in ("site", "background"):
        values = size[kind == name].to_numpy()
        stats = {"rows": int(len(values)), "variants": int(effects["id"][kind == name].nunique()),
                 "mean": float(values.mean()) if len(values) else np.nan}  # fmt: skip
        for q in QUANTILES:
            label = "median" if q == 0.5 else f"q{round(100 * q)}"
            stats[label] = float(np.quantile(values, q)) if len(values) else np.nan
        summary[name] = stats
    site, background = size[kind == "site"].to_numpy(), size[kind == "background"].to_numpy()
    if len(site) and len(background):
        summary["auroc"] = auroc((kind == "site").to_numpy(np.int64), size.to_numpy())
        summary["mannwhitney_p"] = float(
            mannwhitneyu(site, background, alternative="greater").pvalue
        )
    if "true_delta_logit" in effects:
        summary.update(truth_agreement(effects[kind == "site"]))
    return summary


def truth_agreement(rows: pd.DataFrame) -> dict:
    """How the site knock-outs' ``delta logit`` follows their true ``delta logit*``.

    Returns
    -------
    dict
        ``spearman_true`` (signed deltas), ``auroc_relevant`` (``|delta logit|`` of the
        knock-outs with a true effect against those without: 0.5, the model does not tell
        the sites that matter from the others) and ``no_true_effect`` (the share of site
        rows without a true effect: factors with no compatible partner in the pair).
    """
    from scipy.stats import spearmanr

    model = rows["delta_logit"].astype(float).to_numpy()
    true = rows["true_delta_logit"].astype(float).to_numpy()
    relevant = np.abs(true) > 1e-12
    out = {"spearman_true": np.nan, "auroc_relevant": np.nan,
           "no_true_effect": float(1 - relevant.mean()) if len(rows) else np.nan}  # fmt: skip
    if len(rows) >= 3 and np.ptp(model) > 0 and np.ptp(true) > 0:
        out["spearman_true"] = float(spearmanr(model, true).statistic)
    if 0 < relevant.sum() < len(rows):
        out["auroc_relevant"] = auroc(relevant.astype(np.int64), np.abs(model))
    return out


# ---------------------------------------------------------------------- one model


def check_model(weights: Path, world: World, config: TruthCheckConfig) -> dict:
    """Both checks for one weights file on the world's held-out sample.

    Returns
    -------
    dict
        ``enrichment`` (DataFrame of :func:`attribution_enrichment`), ``effects`` (the
        variant scorer's rows with a ``kind`` column), ``variants`` (:func:`effect_summary`),
        ``seconds``.
    """
    began = time.perf_counter()
    device = str(resolve_device(config.device))
    bundle = load_weights(weights, map_location=device)
    inference = InferenceConfig(support_size=32, seed=config.seed)
    predictor = Predictor(bundle, Genome(world.fasta), inference, device=device)
    z_e = predictor.environments(predictor.scan(predictor.frame_source(world.test)).support)
    sample = sample_pairs(world.test, config.explain_pairs, config.seed)
    source = predictor.frame_source(sample, "held-out sample")
    explained = list(explain_pairs(predictor, source, given=z_e, ig_steps=config.ig_steps))
    enrichment = attribution_enrichment(explained, site_index(world.sites), config.top_k)
    variants, kinds = knockout_variants(sample, world.sites, world.vocabulary,
                                        predictor.encoder.genome, predictor.encoder.widths,
                                        config.seed)  # fmt: skip
    scorer, _ = prepare(predictor, source, given=z_e, vcf_name="knock-out variants")
    frames = list(scorer.score(variants))
    effects = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["id"])
    effects = effects.join(kinds, on="id")
    effects["true_delta_logit"] = true_effects(effects, sample, world)
    return {"enrichment": enrichment, "effects": effects,
            "variants": effect_summary(effects, kinds),
            "seconds": time.perf_counter() - began}  # fmt: skip


def run_truth_check(tables, motifs, background, out_dir: Path, config: TruthCheckConfig) -> dict:
    """Simulate, train, check the trained model and the controls (module docstring).

    Returns
    -------
    dict
        ``{model name: check_model(...)}`` for ``trained`` and each control, plus
        ``"world"`` (:class:`World`) and ``"timings"`` (seconds per step).
    """
    unknown = sorted(set(config.controls) - set(CONTROLS))
    if unknown:
        raise ValueError(f"controls: unknown {', '.join(unknown)}; known: {', '.join(CONTROLS)}")
    if config.threads:
        torch.set_num_threads(config.threads)
    out_dir = Path(out_dir)
    timings: dict[str, float] = {}
    began = time.perf_counter()
    world = simulate_world(tables, motifs, background, out_dir / "simulation", config)
    timings["simulate"] = time.perf_counter() - began
    makers = {
        "trained": lambda: train_model(config, world, out_dir / "trained", "frozen"),
        "untrained": lambda: untrained_model(config, world, out_dir / "untrained.pt", "frozen"),
        "random_stem": lambda: train_model(config, world, out_dir / "random-stem", "random"),
        "untrained_random": lambda: untrained_model(config, world,
                                                    out_dir / "untrained-random.pt", "random"),
    }  # fmt: skip
    results: dict = {"world": world, "timings": timings}
    for name in ("trained", *[c for c in CONTROLS if c in config.controls]):
        began = time.perf_counter()
        weights = makers[name]()
        timings[f"{name}_model"] = time.perf_counter() - began
        results[name] = check_model(weights, world, config)
        timings[f"{name}_checks"] = results[name]["seconds"]
        log.info("truth check: %s done", name)
    return results
