"""Variant effects on enhancer-promoter pairs: reference vs. alternative scores.

For every variant (:class:`kipoi_prism.io.vcf.Variant`) and every pair whose enhancer or
promoter window it overlaps, the pair is scored twice with the same cell-line environment
``z_E``: with the reference windows and with the variant's allele applied to the window(s)
it overlaps (:func:`kipoi_prism.io.alleles.alt_window`: indels keep the window's width and
centre). Everything goes through the one scoring engine
(:class:`kipoi_prism.inference.engine.Predictor`): the pairs are checked and each cell
line's ``z_E`` is drawn in pass 1 exactly as ``predict`` draws it (a seeded support set of
the *reference* pairs, a saved prototype, or an environment file), and both alleles are
scored with :func:`kipoi_prism.inference.engine.score_arrays`.

Pairs are held as a compact index of their windows (:class:`PairIndex`, per chromosome and
element, sorted window starts searched with :func:`numpy.searchsorted`); variants stream
through in chunks, so memory grows with the pairs, not the variants. A pair's reference
scores are computed once and reused by every variant that hits it. Rows come out in variant
order, then pair (input) order; the model is in eval mode, so a row depends on nothing but
its variant, pair and ``z_E``: not on batch size or on the order of the inputs.

Only sequence weights can score variants (feature-backbone weights have no sequence).
"""

from __future__ import annotations

import itertools
import logging
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from kipoi_prism.config import InferenceConfig
from kipoi_prism.errors import PrismInputError
from kipoi_prism.inference.engine import Predictor, predictor_for, score_arrays, weights_bundle
from kipoi_prism.inference.feature_tables import require_sequence_weights
from kipoi_prism.inference.sources import FilePairSource, PairSource
from kipoi_prism.io.alleles import alt_window, check_ref, ref_mismatch
from kipoi_prism.io.encode import ELEMENTS, window_starts
from kipoi_prism.io.progress import progress
from kipoi_prism.io.sequence import one_hot_encode_array
from kipoi_prism.io.vcf import Variant, VcfCounts, iter_variants
from kipoi_prism.model.weights import WeightsBundle

log = logging.getLogger(__name__)

#: Scores reported for each allele, and as ``delta_<name>`` = alt - ref.
EFFECT_SCORES = ("probability", "logit", "U_I")

#: Element hit codes: which window(s) of the pair the variant overlaps.
ELEMENT_HIT = {1: "enhancer", 2: "promoter", 3: "both"}

#: Columns of the variant-effect table, in order (see :mod:`kipoi_prism.cli.variant_effect`).
EFFECT_COLUMNS = (
    ["chrom", "pos", "id", "ref", "alt", "vcf_line", "pair", "cell_line", "pair_line"]
    + ["element", "ref_mismatch"]
    + [f"{kind}_{score}" for score in EFFECT_SCORES for kind in ("ref", "alt", "delta")]
)

_PAIR_KEEP = ["name", "cell_line", "line"] + [
    f"{element}_{part}" for element in ELEMENTS for part in ("chrom", "start", "end")
]


class PairIndex:
    """Pairs' enhancer and promoter windows, searchable by position.

    Parameters
    ----------
    frame : pandas.DataFrame
        Canonical pair rows (input order; row ``i`` is pair ``i``).
    widths : dict
        ``{"enhancer": L_E, "promoter": L_P}``, the model's window widths.
    """

    def __init__(self, frame: pd.DataFrame, widths: dict[str, int]) -> None:
        self.frame = frame.reset_index(drop=True)
        self.widths = widths
        self.starts: dict[str, np.ndarray] = {}
        self._by_chrom: dict[str, dict[str, tuple[np.ndarray, np.ndarray]]] = {}
        for element in ELEMENTS:
            starts = window_starts(
                self.frame[f"{element}_start"].to_numpy(np.int64),
                self.frame[f"{element}_end"].to_numpy(np.int64),
                widths[element],
            )
            self.starts[element] = starts
            table = {}
            for chrom, rows in self.frame.groupby(f"{element}_chrom", sort=False).indices.items():
                order = rows[np.argsort(starts[rows], kind="stable")]
                table[str(chrom)] = (starts[order], order)
            self._by_chrom[element] = table

    @classmethod
    def from_source(cls, source: PairSource, widths: dict[str, int]) -> PairIndex:
        """Read a (checked) pair source, keeping only the columns the index needs."""
        chunks = [chunk[_PAIR_KEEP] for chunk in source.chunks()]
        frame = pd.concat(chunks, ignore_index=True) if chunks else pd.DataFrame(columns=_PAIR_KEEP)
        return cls(frame, widths)

    def __len__(self) -> int:
        return len(self.frame)

    def hits(self, variant: Variant) -> tuple[np.ndarray, np.ndarray]:
        """Pairs whose windows the variant's REF bases overlap.

        Returns
        -------
        pairs : numpy.ndarray of int64
            Row numbers, increasing (input order).
        codes : numpy.ndarray of int8
            1 enhancer, 2 promoter, 3 both (:data:`ELEMENT_HIT`).
        """
        found = []
        for bit, element in enumerate(ELEMENTS):
            entry = self._by_chrom[element].get(variant.chrom)
            if entry is None:
                continue
            starts, order = entry
            # Window [s, s + w) overlaps [pos, end) when pos - w < s < end.
            low = np.searchsorted(starts, variant.pos - self.widths[element], side="right")
            high = np.searchsorted(starts, variant.end, side="left")
            found.append((order[low:high], 1 << bit))
        if not found:
            return np.empty(0, np.int64), np.empty(0, np.int8)
        pairs = np.unique(np.concatenate([rows for rows, _ in found]))
        codes = np.zeros(len(pairs), np.int8)
        for rows, bit in found:
            codes[np.isin(pairs, rows)] |= bit
        return pairs, codes


@dataclass
class VariantCounts:
    """What scoring found, for the log.

    Attributes
    ----------
    variants : int
        Variants scored or looked up.
    outside : int
        Variants in no pair's window (no row).
    rows : int
        (variant, pair) rows written.
    mismatched : int
        Variants whose REF did not match the FASTA (flagged rows, ``ref_mismatch="flag"``).
    """

    variants: int = 0
    outside: int = 0
    rows: int = 0
    mismatched: int = 0


class VariantScorer:
    """Scores variants against indexed pairs (see module docstring).

    Parameters
    ----------
    predictor : Predictor
        With sequence weights and a genome.
    pairs : PairIndex
    z_e : dict
        ``{cell line: z_E}`` (:meth:`Predictor.environments`), every cell line of ``pairs``.
    ref_mismatch : {"error", "flag"}
        A REF allele unlike the FASTA: a :class:`PrismInputError`, or rows with
        ``ref_mismatch = 1`` and no scores.
    source : str, optional
        What messages call the variants (the VCF path).
    chunk_size : int
        Variants looked up per chunk.
    """

    def __init__(
        self,
        predictor: Predictor,
        pairs: PairIndex,
        z_e: dict[str, torch.Tensor],
        ref_mismatch: str = "error",
        source: str | None = None,
        chunk_size: int = 4096,
    ) -> None:
        check_sequence_weights(predictor.bundle)
        if ref_mismatch not in ("error", "flag"):
            raise PrismInputError(f"--ref-mismatch: expected error or flag, got {ref_mismatch!r}")
        self.predictor, self.pairs, self.source = predictor, pairs, source
        self.ref_mismatch, self.chunk_size = ref_mismatch, chunk_size
        self.genome = predictor.encoder.genome
        cells = sorted(z_e)
        self._z_table = torch.stack([z_e[c] for c in cells]).to(predictor.device)
        codes = {c: i for i, c in enumerate(cells)}
        self._cell_codes = np.array([codes[c] for c in pairs.frame["cell_line"]], np.int64)
        self._ref = {key: np.full(len(pairs), np.nan, np.float32) for key in EFFECT_SCORES}
        self.counts = VariantCounts()

    def score(
        self, variants: Iterable[Variant], show_progress: bool = False
    ) -> Iterator[pd.DataFrame]:
        """Effect rows (:data:`EFFECT_COLUMNS`) in variant, then pair order, one frame per
        chunk of variants that hit a window."""
        variants = iter(variants)
        with progress(show_progress, "scoring variants", unit="variants") as bar:
            while chunk := list(itertools.islice(variants, self.chunk_size)):
                self.counts.variants += len(chunk)
                rows = self._score_chunk(chunk)
                if rows is not None:
                    self.counts.rows += len(rows)
                    yield rows
                bar.update(len(chunk))

    def _score_chunk(self, chunk: list[Variant]) -> pd.DataFrame | None:
        hit_variant, hit_pair, hit_code, flagged = [], [], [], []
        for i, variant in enumerate(chunk):
            pairs, codes = self.pairs.hits(variant)
            if len(pairs) == 0:
                self.counts.outside += 1
                continue
            bad = self._mismatch(variant)
            hit_variant.append(np.full(len(pairs), i))
            hit_pair.append(pairs)
            hit_code.append(codes)
            flagged.append(np.full(len(pairs), bad, np.int8))
        if not hit_variant:
            return None
        hits = pd.DataFrame({
            "variant": np.concatenate(hit_variant), "pair": np.concatenate(hit_pair),
            "code": np.concatenate(hit_code), "ref_mismatch": np.concatenate(flagged),
        })  # fmt: skip
        self._reference_scores(np.unique(hits["pair"].to_numpy()))
        alt = self._alt_scores(chunk, hits[hits["ref_mismatch"] == 0])
        return self._rows(chunk, hits, alt)

    def _mismatch(self, variant: Variant) -> bool:
        if self.ref_mismatch == "error":
            check_ref(self.genome, variant, self.source)
            return False
        bad = ref_mismatch(self.genome, variant) is not None
        self.counts.mismatched += bad
        return bad

    def _reference_scores(self, pairs: np.ndarray) -> None:
        """Score (once) the reference windows of ``pairs`` not scored yet."""
        todo = pairs[np.isnan(self._ref["probability"][pairs])]
        batch = self.predictor.config.batch_size
        for start in range(0, len(todo), batch):
            rows = todo[start : start + batch]
            encoded = self.predictor.encoder.encode(self.pairs.frame.iloc[rows])
            scores = self._model(encoded.enhancer, encoded.promoter, rows)
            for key in EFFECT_SCORES:
                self._ref[key][rows] = scores[key]

    def _alt_scores(self, chunk: list[Variant], hits: pd.DataFrame) -> dict[str, np.ndarray]:
        """Scores of the alternative windows of ``hits`` (rows with a matching REF)."""
        out = {key: np.empty(len(hits), np.float32) for key in EFFECT_SCORES}
        batch = self.predictor.config.batch_size
        for start in range(0, len(hits), batch):
            part = hits.iloc[start : start + batch]
            windows = [self._windows(chunk, part, bit, element) for bit, element in
                       enumerate(ELEMENTS)]  # fmt: skip
            scores = self._model(*windows, part["pair"].to_numpy())
            for key in EFFECT_SCORES:
                out[key][start : start + len(part)] = scores[key]
        return out

    def _windows(self, chunk, part: pd.DataFrame, bit: int, element: str) -> np.ndarray:
        """One-hot windows of one element for the rows of ``part``, the allele applied where
        the variant overlaps this element."""
        pairs = part["pair"].to_numpy()
        starts = self.pairs.starts[element][pairs]
        width = self.pairs.widths[element]
        chroms = self.pairs.frame[f"{element}_chrom"].to_numpy()[pairs]
        bases = self.genome.fetch_windows(chroms, starts, width)
        changed = (part["code"].to_numpy() & (1 << bit)) != 0
        variants = part["variant"].to_numpy()
        for row in np.flatnonzero(changed):
            window = alt_window(self.genome, chunk[variants[row]], int(starts[row]), width)
            bases[row] = np.frombuffer(window, np.uint8)
        return one_hot_encode_array(bases)

    def _model(self, enhancer: np.ndarray, promoter: np.ndarray, pairs: np.ndarray) -> dict:
        codes = torch.from_numpy(self._cell_codes[pairs]).to(self._z_table.device)
        predictor = self.predictor
        return score_arrays(
            predictor.model, enhancer, promoter, self._z_table[codes], predictor.threshold,
            predictor.precision, logit=True,
        )  # fmt: skip

    def _rows(self, chunk: list[Variant], hits: pd.DataFrame, alt: dict) -> pd.DataFrame:
        variants = [chunk[i] for i in hits["variant"]]
        pairs = hits["pair"].to_numpy()
        pair_rows = self.pairs.frame.iloc[pairs]
        table = {
            "chrom": [v.chrom for v in variants],
            "pos": np.array([v.pos + 1 for v in variants], np.int64),  # VCF's 1-based POS
            "id": [v.id for v in variants],
            "ref": [v.ref for v in variants],
            "alt": [v.alt for v in variants],
            "vcf_line": pd.array([v.line for v in variants], dtype="Int64"),  # NA: made in code
            "pair": pair_rows["name"].to_numpy(),
            "cell_line": pair_rows["cell_line"].to_numpy(),
            "pair_line": pair_rows["line"].to_numpy(np.int64),
            "element": [ELEMENT_HIT[c] for c in hits["code"]],
            "ref_mismatch": hits["ref_mismatch"].to_numpy(np.int8),
        }
        scored = hits["ref_mismatch"].to_numpy() == 0
        for key in EFFECT_SCORES:
            ref = np.where(scored, self._ref[key][pairs], np.float32(np.nan))
            alt_values = np.full(len(hits), np.nan, np.float32)
            alt_values[scored] = alt[key]
            table[f"ref_{key}"], table[f"alt_{key}"] = ref, alt_values
            table[f"delta_{key}"] = alt_values - ref
        return pd.DataFrame(table, columns=list(EFFECT_COLUMNS))


def check_sequence_weights(bundle: WeightsBundle) -> None:
    """Refuse feature-backbone weights: variants change sequence, which they do not read."""
    require_sequence_weights(bundle, "variant effects", "so a variant cannot change their inputs")


def prepare(
    predictor: Predictor,
    source: PairSource,
    given: dict[str, torch.Tensor] | None = None,
    ref_mismatch: str = "error",
    vcf_name: str | None = None,
):
    """Pass 1 over the pairs, their environments and index: a ready :class:`VariantScorer`.

    Parameters
    ----------
    predictor : Predictor
    source : PairSource
        The pairs (checked and support sets drawn as ``predict`` does).
    given : dict, optional
        ``{cell line: z_E}`` from environment files (:meth:`Predictor.environments`).
    ref_mismatch : {"error", "flag"}
    vcf_name : str, optional
        What messages call the variants.

    Returns
    -------
    (VariantScorer, kipoi_prism.inference.scan.ScanResult)
    """
    check_sequence_weights(predictor.bundle)
    result = predictor.scan(source)
    z_e = predictor.environments(result.support, given)
    index = PairIndex.from_source(source, predictor.encoder.widths)
    return VariantScorer(predictor, index, z_e, ref_mismatch, vcf_name), result


def variant_effects(
    variants: str | os.PathLike | Iterable[Variant],
    pairs: str | os.PathLike | pd.DataFrame | PairSource,
    fasta: str | os.PathLike,
    weights=None,
    config: InferenceConfig | None = None,
    device: str = "cpu",
    ref_mismatch: str = "error",
) -> pd.DataFrame:
    """Effects of variants on the pairs whose windows they overlap, in one table.

    Parameters
    ----------
    variants : str, PathLike or iterable of Variant
        A VCF file (``.vcf``/``.vcf.gz``) or variants already made (e.g. the simulator's
        planted-site knock-outs: ``Variant(chrom, pos, id, ref, alt)``, ``pos`` 0-based).
    pairs : str, PathLike, pandas.DataFrame or PairSource
        A pair table file, a canonical pair table, or a pair source.
    fasta : str or PathLike
        The genome the pairs and variants are on.
    weights : str, PathLike or WeightsBundle, optional
        Sequence weights (default: the shipped prism-energy weights).
    config : InferenceConfig, optional
        Support-set size, seed, prototypes, batch size.
    device : str
    ref_mismatch : {"error", "flag"}

    Returns
    -------
    pandas.DataFrame
        :data:`EFFECT_COLUMNS`, one row per (variant, overlapping pair), variant order then
        pair order; ``pos`` is 1-based (the VCF's POS).
    """
    bundle = weights_bundle(weights, device)
    check_sequence_weights(bundle)
    predictor = predictor_for(bundle, fasta, None, config, device)
    if isinstance(pairs, pd.DataFrame):
        source = predictor.frame_source(pairs)
    elif isinstance(pairs, (str, os.PathLike)):
        source = FilePairSource(pairs)
    else:
        source = pairs
    name = str(variants) if isinstance(variants, (str, os.PathLike)) else "<variants>"
    scorer, _ = prepare(predictor, source, ref_mismatch=ref_mismatch, vcf_name=name)
    if isinstance(variants, (str, os.PathLike)):
        variants = iter_variants(variants, VcfCounts())
    frames = list(scorer.score(variants))
    if not frames:
        return pd.DataFrame(columns=list(EFFECT_COLUMNS))
    return pd.concat(frames, ignore_index=True)
