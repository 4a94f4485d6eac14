"""Region sequences: a Markov background with planted motif sites, written as FASTA.

Every genomic region (keyed by its original ``chrom:start-end``) gets ONE sequence, shared
by every pair and cell line that uses it. The stored sequence covers the region and the
model windows centred on it (enhancer 3,000 bp, promoter 2,000 bp by default), so the pair
table's windows never run off a stored sequence.

* Background: an order-``k`` Markov chain
  (:class:`kipoi_prism.simulation.background.MarkovBackground`,
  ``k = 4`` by default) fitted on both strands of the real human sequence sample. Promoters
  (any region used as a promoter) use a CpG- and GC-boosted copy of the chain.
* Motif sites: ``n ~ Poisson(enhancer_sites)`` (or ``promoter_sites``) sites, capped by the
  number of slots, are planted in distinct slots of width ``max motif width + 2`` tiling the
  central ``*_motif_span`` bp of the region, each at a random offset in its slot, on a random
  strand, its bases drawn position by position from the JASPAR frequency matrix.
  An enhancer site's factor is, with probability ``enhancer_enrichment``, one of the active
  cell-type factors of a cell line drawn uniformly from those using the enhancer; otherwise
  any factor of the vocabulary, uniformly. A promoter site's factor is, with probability
  ``promoter_enrichment``, a shared promoter factor; otherwise any factor of the vocabulary.
  So a cell line's enhancers carry its factors' motifs, and its support set its identity.
  Every planted site is recorded (:class:`PlantedSites`) and written as ``sites.bed`` in the
  FASTA's coordinates (:func:`kipoi_prism.simulation.outputs.site_table`), the known truth
  attributions and variant effects are checked against.
* Randomness is per region: a region's sequence depends on the seed, its key and the set of
  simulated cell lines using it, never on the other regions, the batch or the row order.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kipoi_prism.config import SimulationConfig
from kipoi_prism.io.atomic import atomic_open
from kipoi_prism.io.motifs import reverse_complement_codes, sample_sites
from kipoi_prism.io.progress import progress
from kipoi_prism.simulation.background import MarkovBackground
from kipoi_prism.simulation.randomness import region_rng

FASTA_LINE_WIDTH = 60
# Per-site uniforms before the base uniforms: enriched?, cell line, factor, offset, strand.
_SITE_FIELDS = 5
_LETTERS = np.frombuffer(b"ACGT", dtype=np.uint8)


def backgrounds(path, config: SimulationConfig) -> dict[str, MarkovBackground]:
    enhancer = MarkovBackground.from_fasta(path, config.markov_order)
    promoter = enhancer.boosted(config.promoter_cpg_boost, config.promoter_gc_boost)
    return {"enhancer": enhancer, "promoter": promoter}


@dataclass
class _Sites:
    """Motif sites drawn for one batch of regions (one entry per site)."""

    row: np.ndarray  # batch row, int64
    slot: np.ndarray  # slot index within the region's span, int64
    uniforms: np.ndarray  # float64, shape=(n, _SITE_FIELDS + max_width)


@dataclass
class PlantedSites:
    """Sites of one factor planted in one batch, in stored-sequence (FASTA) coordinates.

    Attributes
    ----------
    region : numpy.ndarray of int64, shape=(n,)
        Row of ``regions`` (and FASTA record) holding each site.
    start : numpy.ndarray of int64, shape=(n,)
        0-based first base of each site in its record.
    factor : int
        Vocabulary index of the factor (its width is the site width).
    minus : numpy.ndarray of bool, shape=(n,)
        Planted on the reverse strand (the record holds the reverse complement).
    bases : numpy.ndarray of uint8, shape=(n, W)
        The sampled instances on the motif's strand, channel codes 0-3.
    """

    region: np.ndarray
    start: np.ndarray
    factor: int
    minus: np.ndarray
    bases: np.ndarray


class SequenceGenerator:
    """Generates region sequences in batches and records the planted sites.

    ``counts`` (regions x factors) and ``planted`` (one :class:`PlantedSites` per factor and
    batch, in generation order) grow as batches are generated.

    Parameters
    ----------
    regions : pandas.DataFrame
        From :func:`kipoi_prism.simulation.pairs.build_regions`.
    cell_sets : numpy.ndarray of int64, shape=(n_regions, C)
    environments : Environments
    backgrounds : dict
        ``{"enhancer": MarkovBackground, "promoter": MarkovBackground}``.
    config : SimulationConfig
    """

    def __init__(self, regions, cell_sets, environments, backgrounds, config) -> None:
        self.regions = regions
        self.cell_sets = cell_sets
        self.n_cells = (cell_sets >= 0).sum(axis=1)
        self.env = environments
        self.backgrounds = backgrounds
        self.config = config
        self.slot_width = environments.max_width + 2
        self.factor_table, self.factor_counts = environments.factor_table()
        self.counts = np.zeros((len(regions), len(environments.vocabulary)), dtype=np.int32)
        self.planted: list[PlantedSites] = []

    def batches(self) -> Iterator[np.ndarray]:
        """Region indices per batch: one role per batch, at most ``batch_bases`` bases."""
        promoter = self.regions["promoter_use"].to_numpy()
        lengths = self.regions["length"].to_numpy()
        start = 0
        while start < len(self.regions):
            stop = start + 1
            while (
                stop < len(self.regions)
                and promoter[stop] == promoter[start]
                and (stop - start + 1) * lengths[stop] <= self.config.batch_bases
            ):
                stop += 1
            yield np.arange(start, stop)
            start = stop

    def generate(self, batch: np.ndarray) -> np.ndarray:
        """Sequences of one batch of regions.

        Returns
        -------
        numpy.ndarray of uint8, shape=(B, L_max)
            Channel codes; row ``i`` is valid up to ``regions.length[batch[i]]``.
        """
        lengths = self.regions["length"].to_numpy()[batch]
        uniforms = np.zeros((len(batch), int(lengths.max())), dtype=np.float32)
        sites = self._draw(batch, uniforms)
        role = "promoter" if self.regions["promoter_use"].iloc[batch[0]] else "enhancer"
        codes = self.backgrounds[role].sample(uniforms)
        self._plant(batch, codes, sites, role)
        return codes

    def _draw(self, batch: np.ndarray, uniforms: np.ndarray) -> _Sites:
        """Per region, in a fixed order: site count, slots, site uniforms, background."""
        seed = self.config.seed
        keys = self.regions["key"].to_numpy()[batch]
        promoter = self.regions["promoter_use"].to_numpy()[batch]
        n_slots = self.regions["span"].to_numpy()[batch] // self.slot_width
        mean = np.where(promoter, self.config.promoter_sites, self.config.enhancer_sites)
        lengths = self.regions["length"].to_numpy()[batch]
        width = _SITE_FIELDS + self.env.max_width
        rows, slots, draws = [], [], []
        for i, key in enumerate(keys):
            rng = region_rng(seed, key)
            n = min(int(rng.poisson(mean[i])), int(n_slots[i]))
            slots.append(rng.choice(int(n_slots[i]), size=n, replace=False))
            draws.append(rng.random((n, width)))
            rows.append(np.full(n, i, dtype=np.int64))
            rng.random(out=uniforms[i, : lengths[i]], dtype=np.float32)
        return _Sites(np.concatenate(rows), np.concatenate(slots), np.concatenate(draws))

    def _factors(self, batch: np.ndarray, sites: _Sites, role: str) -> np.ndarray:
        """Vocabulary index of every site's factor (see module docstring)."""
        u = sites.uniforms
        n_vocabulary = len(self.env.vocabulary)
        generic = np.minimum((u[:, 2] * n_vocabulary).astype(np.int64), n_vocabulary - 1)
        if role == "promoter":
            shared = self.env.shared
            pick = np.minimum((u[:, 2] * len(shared)).astype(np.int64), len(shared) - 1)
            return np.where(u[:, 0] < self.config.promoter_enrichment, shared[pick], generic)
        region = batch[sites.row]
        n_cells = self.n_cells[region]
        which = np.minimum((u[:, 1] * n_cells).astype(np.int64), n_cells - 1)
        cell = self.cell_sets[region, which]
        counts = self.factor_counts[cell]
        pick = np.minimum((u[:, 2] * counts).astype(np.int64), np.maximum(counts - 1, 0))
        own = self.factor_table[cell, pick]
        enriched = (u[:, 0] < self.config.enhancer_enrichment) & (counts > 0)
        return np.where(enriched, own, generic)

    def _plant(self, batch: np.ndarray, codes: np.ndarray, sites: _Sites, role: str) -> None:
        if len(sites.row) == 0:
            return
        factors = self._factors(batch, sites, role)
        region = batch[sites.row]
        start, end = self.regions["start"].to_numpy(), self.regions["end"].to_numpy()
        centre = (start[region] + end[region]) // 2 - self.regions["stored_start"].to_numpy()[
            region
        ]
        span_start = centre - self.regions["span"].to_numpy()[region] // 2
        slot_start = span_start + sites.slot * self.slot_width
        for k in np.unique(factors):
            motif = self.env.vocabulary[k]
            chosen = np.flatnonzero(factors == k)
            u = sites.uniforms[chosen]
            sampled = sample_sites(motif, u[:, _SITE_FIELDS:])
            minus = u[:, 4] < 0.5
            bases = sampled.copy()
            bases[minus] = reverse_complement_codes(bases[minus])
            room = self.slot_width - motif.width + 1
            offset = np.minimum((u[:, 3] * room).astype(np.int64), room - 1)
            columns = (slot_start[chosen] + offset)[:, None] + np.arange(motif.width)
            codes[sites.row[chosen][:, None], columns] = bases
            np.add.at(self.counts, (region[chosen], k), 1)
            self.planted.append(PlantedSites(region[chosen], columns[:, 0], k, minus, sampled))


def fasta_record(name: str, codes: np.ndarray, width: int = FASTA_LINE_WIDTH) -> bytes:
    """One FASTA record with fixed-width lines.

    Parameters
    ----------
    name : str
    codes : numpy.ndarray of uint8, shape=(L,)
        Channel codes 0-3.
    width : int
        Bases per line.

    Returns
    -------
    bytes
    """
    letters = _LETTERS[codes]
    full = len(letters) // width * width
    lines = np.hstack(
        [letters[:full].reshape(-1, width), np.full((full // width, 1), 10, np.uint8)]
    )
    tail = letters[full:].tobytes() + b"\n" if full < len(letters) else b""
    return f">{name}\n".encode() + lines.tobytes() + tail


def write_genome(
    generator: SequenceGenerator, fasta: Path, show_progress: bool
) -> dict[str, dict[str, float]]:
    """Generate every region and write the FASTA and its ``.fai``, each atomically.

    The index is written after the FASTA is in place, so it is never older than the FASTA
    (:class:`kipoi_prism.io.genome.Genome` rebuilds an older index).

    Returns
    -------
    dict
        ``{"enhancer": composition, "promoter": composition}`` of all stored sequences of
        each role (see :func:`kipoi_prism.simulation.background.composition`).
    """
    regions = generator.regions
    lengths, names = regions["length"].to_numpy(), regions["record"].to_numpy()
    index_rows: list[str] = []
    tallies = {"enhancer": _Tally(), "promoter": _Tally()}
    bar = progress(show_progress, "simulate: sequences", len(regions), unit="regions")
    with bar, atomic_open(fasta.with_name(fasta.name + ".fai")) as fai:
        with atomic_open(fasta, "wb") as handle:
            for batch in generator.batches():
                codes = generator.generate(batch)
                role = "promoter" if regions["promoter_use"].iloc[batch[0]] else "enhancer"
                tallies[role].add(codes, lengths[batch])
                for row, region in enumerate(batch):
                    record = fasta_record(names[region], codes[row, : lengths[region]])
                    offset = handle.tell() + len(names[region]) + 2  # after ">name\n"
                    index_rows.append(
                        f"{names[region]}\t{lengths[region]}\t{offset}\t"
                        f"{FASTA_LINE_WIDTH}\t{FASTA_LINE_WIDTH + 1}\n"
                    )
                    handle.write(record)
                bar.update(len(batch))
        fai.write("".join(index_rows))  # renamed into place after the FASTA
    return {role: tally.composition() for role, tally in tallies.items() if tally.bases}


class _Tally:
    """Running C, G and CpG counts over sequences of several batches."""

    def __init__(self) -> None:
        self.bases = self.c = self.g = self.pairs = self.cg = 0

    def add(self, codes: np.ndarray, lengths: np.ndarray) -> None:
        valid = np.arange(codes.shape[1]) < lengths[:, None]
        self.bases += int(valid.sum())
        self.c += int(((codes == 1) & valid).sum())
        self.g += int(((codes == 2) & valid).sum())
        self.pairs += int(valid[:, 1:].sum())
        self.cg += int(((codes[:, :-1] == 1) & (codes[:, 1:] == 2) & valid[:, 1:]).sum())

    def composition(self) -> dict[str, float]:
        """Same keys as :func:`kipoi_prism.simulation.background.composition`."""
        c, g, cg = self.c / self.bases, self.g / self.bases, self.cg / self.pairs
        return {
            "gc": c + g,
            "cpg_oe": cg / (c * g) if c * g > 0 else 0.0,
            "cpg_per_kb": 1000.0 * cg,
        }
