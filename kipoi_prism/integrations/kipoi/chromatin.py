"""The Kipoi dataloader of the chromatin models: pairs and the user's chromatin tracks.

The chromatin models (``prism-energy-chromatin`` and ``prism-energy-chromatin-window``, the
feature backbone trained on TargetFinder-style candidates and on candidates drawn within a
window of each promoter) read, per pair, the 8 marks at the enhancer, the promoter and the
window between them, and the distance. This dataloader makes them from a pair table and one
track per mark, as ``kipoi-prism features`` followed by ``kipoi-prism predict --weights
prism-energy-chromatin`` does. It lives in prism-energy-chromatin's folder of the Kipoi
source; prism-energy-chromatin-window's ``model.yaml`` names it (``default_dataloader:
../prism-energy-chromatin``), which is sound because both weights record the same recipe
and input widths, all this dataloader reads from its ``weights`` (tested):

1. the feature table: :class:`kipoi_prism.io.feature_table.ChromatinFeatures` over the
   pairs, written with :func:`~kipoi_prism.io.feature_table.write_feature_table` to a
   temporary file and read back with
   :func:`~kipoi_prism.io.feature_inputs.read_feature_table`: the very table and values
   ``kipoi-prism features`` writes and ``kipoi-prism predict`` reads;
2. the model inputs with the recipe the weights record
   (:func:`kipoi_prism.inference.feature_tables.feature_table_frame`; the shipped model ranks
   each mark within each cell line of the given pairs, so a pair's inputs depend on the
   other pairs of its cell line);
3. support sets per cell line from the given pairs (seeded, as ``kipoi-prism predict``
   draws them) and batches of one cell line each
   (:class:`kipoi_prism.integrations.kipoi.dataloader.CellLineBatches`)::

    inputs:   enhancer          (B, 17)   marks at the enhancer and in the window, log distance
              promoter          (B, 8)    marks at the promoter
              support_enhancer  (m, 17)   the cell line's support set
              support_promoter  (m, 8)
    metadata: name, cell_line, label (-1 unknown), enhancer_range, promoter_range

The model class is the sequence model's
(:class:`kipoi_prism.integrations.kipoi.model.PrismEnergyKipoiModel`), given the chromatin
weights.
"""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path

from kipoi_prism.config import InferenceConfig
from kipoi_prism.errors import PrismInputError
from kipoi_prism.inference import FeatureEncoder, FramePairSource
from kipoi_prism.inference.feature_tables import feature_table_frame, is_feature_model
from kipoi_prism.integrations.kipoi.dataloader import CellLineBatches
from kipoi_prism.integrations.kipoi.register import CHROMATIN_MODELS
from kipoi_prism.io.feature_inputs import FEATURE_INPUTS, read_feature_table
from kipoi_prism.io.feature_table import MARKS
from kipoi_prism.io.pairs import read_pairs

#: The shipped chromatin model, the dataloader's default weights.
CHROMATIN_WEIGHTS = CHROMATIN_MODELS[0]  # whose Kipoi folder holds this dataloader
#: Dataloader argument -> mark (``ctcf`` -> ``CTCF``, ``dnase`` -> ``DNase``, ...).
MARK_ARGUMENTS = {mark.lower(): mark for mark in MARKS}


def track_arguments(given: dict[str, str | None]) -> dict[str, Path]:
    """``{mark: path}`` from the dataloader's mark arguments, refusing a missing one.

    Raises
    ------
    PrismInputError
        Naming every mark argument without a path: the model was trained on all 8 marks.
    """
    missing = [argument for argument in MARK_ARGUMENTS if not given.get(argument)]
    if missing:
        raise PrismInputError(
            f"no track for {', '.join(missing)}: the chromatin models were trained on all "
            f"{len(MARKS)} marks and need a bigWig or narrowPeak path for each of "
            f"{', '.join(MARK_ARGUMENTS)}"
        )
    return {mark: Path(str(given[argument])) for argument, mark in MARK_ARGUMENTS.items()}


def feature_table(pairs, tracks: dict[str, Path], name: str, cell_line: str | None = None):
    """The feature table ``kipoi-prism features`` writes for ``pairs``, read back as
    ``kipoi-prism predict`` reads it (:func:`read_feature_table` with pair names).

    Parameters
    ----------
    pairs : pandas.DataFrame
        Canonical pair table (with ``line``), as :func:`read_pairs` gives it.
    tracks : dict of str to Path
        ``{mark: bigWig or narrowPeak path}``.
    name : str
        What messages call the pairs.
    cell_line : str, optional
        Replaces the pairs' cell line (``kipoi-prism features --cell-line``).
    """
    from kipoi_prism.io.chromatin import open_tracks
    from kipoi_prism.io.feature_table import ChromatinFeatures, write_feature_table

    with contextlib.ExitStack() as stack:
        features = ChromatinFeatures(open_tracks(tracks, stack), name, cell_line)
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="prism-kipoi-")))
        write_feature_table(iter([pairs]), features, folder / "features.tsv")
        features.warn_coverage()
        return read_feature_table(folder / "features.tsv", names=True)


class PrismChromatinDataLoader(CellLineBatches):
    """Kipoi dataloader of prism-energy-chromatin (see module docstring).

    Parameters
    ----------
    pairs : str
        Pair table: BEDPE, TargetFinder CSV or BENGI TSV (gzip accepted); both regions of a
        pair on one chromosome.
    ctcf, dnase, h3k27ac, h3k27me3, h3k36me3, h3k4me1, h3k4me3, h3k9me3 : str
        The cell line's track of each mark: bigWig (``.bw``, ``.bigWig``) or peaks
        (``.narrowPeak``, ``.broadPeak``, ``.bed``; ``.gz`` accepted). All 8 are required.
    cell_line : str, optional
        Every pair's cell line (replaces the pair table's).
    format : str, optional
        ``bedpe``, ``targetfinder`` or ``bengi``; detected when omitted.
    support_size : int
        ``m``, support-set pairs per cell line.
    seed : int
        Seed of the support-set draw.
    weights : str, optional
        Feature-backbone weights whose recipe (``feature_inputs``) and input widths to use
        (default: the shipped ``prism-energy-chromatin``, which
        ``prism-energy-chromatin-window`` shares); must be the model's or share them.

    Raises
    ------
    PrismInputError
        A missing mark, bad pairs or tracks (file and line named), weights that do not
        read chromatin features.
    """

    def __init__(
        self,
        pairs: str,
        ctcf: str | None = None,
        dnase: str | None = None,
        h3k27ac: str | None = None,
        h3k27me3: str | None = None,
        h3k36me3: str | None = None,
        h3k4me1: str | None = None,
        h3k4me3: str | None = None,
        h3k9me3: str | None = None,
        cell_line: str | None = None,
        format: str | None = None,
        support_size: int = InferenceConfig.support_size,
        seed: int = InferenceConfig.seed,
        weights: str | None = None,
    ) -> None:
        from kipoi_prism.model.weights import load_weights

        marks = dict(
            ctcf=ctcf,
            dnase=dnase,
            h3k27ac=h3k27ac,
            h3k27me3=h3k27me3,
            h3k36me3=h3k36me3,
            h3k4me1=h3k4me1,
            h3k4me3=h3k4me3,
            h3k9me3=h3k9me3,
        )
        tracks = track_arguments(marks)
        if cell_line is not None and (not str(cell_line).strip() or cell_line == "."):
            raise PrismInputError(f"cell_line: expected a cell-line name, got {cell_line!r}")
        bundle = load_weights(weights or CHROMATIN_WEIGHTS)
        if not is_feature_model(bundle):
            raise PrismInputError(
                "weights: these read DNA sequence, not chromatin features; give feature-backbone "
                f"weights (default {CHROMATIN_WEIGHTS})",
                bundle.path,
            )
        name = str(pairs)
        given = read_pairs(pairs, format)  # names checked before any track is read
        scoring = feature_table_frame(bundle, feature_table(given, tracks, name, cell_line), name)
        for column in ("enhancer_strand", "promoter_strand"):  # the feature table has none
            scoring[column] = given[column].to_numpy(object)
        self.encoder = FeatureEncoder(bundle.model.config, FEATURE_INPUTS)
        self.table = scoring
        self.draw_support(FramePairSource(scoring, name), support_size, seed)
