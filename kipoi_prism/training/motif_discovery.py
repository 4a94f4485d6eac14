"""Motifs found in the regions themselves: a start for the first layer without a motif file.

The sequence model's first convolution learns motifs poorly from a few thousand labelled
pairs (docs/BENCHMARK.md: with a random first layer it stays near chance on the simulated
benchmark, and it reaches the known-motif reader only when started from the true motifs).
A user always has more than the labels: the regions themselves. This module finds motifs
in them **without labels**, the way word-counting motif finders (HOMER, STREME) do:

1. count every ``k``-mer of the windows on both strands;
2. compare with what an order-``m`` Markov chain fitted on the same windows expects
   (``E[w] = c(w[0:m+1]) * prod_i c(w[i:i+m+1]) / c(w[i:i+m])``, counts of both strands), so
   base composition, CpG depletion and any shorter structure are already accounted for
   (or, with a ``background`` set such as the other cell lines' enhancers, with what those
   windows hold: :func:`discover_by_contrast`);
3. take the most over-represented ``k``-mers by ``z = (observed - expected) / sqrt(expected
   + 1)``, skipping any that overlaps a chosen one (either strand, a shift of up to
   ``k - MIN_OVERLAP`` bases) with at most one mismatch, down to ``z >= min_z``; a word
   whose Poisson upper tail, times the number of words tested (Bonferroni), exceeds
   ``max_p`` is skipped (few windows give small counts, where ``z`` alone overstates), and
   so are simple repeats (a word of period 1 or 2: ``AAAAAAAA``, ``ACACACAC``), which any
   real genome over-represents;
4. turn each into a position frequency matrix: every occurrence within one mismatch of it
   (either strand, oriented), with ``flank`` bases either side, counted per position;
   ``refine`` passes then rebuild each matrix from its own scan hits (log-odds score at
   least ``SCAN_THRESHOLD`` of its best, both strands);
5. with ``em_iterations``, fit each matrix by expectation-maximisation as the motif of a
   site-or-background mixture over every window position
   (:func:`kipoi_prism.training.motif_em.em_refine`), started from step 4's matrix and a
   site rate of the word's excess over the chain;
6. with ``merge_similarity``, :func:`discover_in_pairs` leaves out each motif whose matrix
   matches one kept before it (:mod:`kipoi_prism.training.motif_similarity`), e.g. a factor
   found again in another cell line's windows.

The result is a list of :class:`kipoi_prism.io.motifs.Motif` (written as MEME by
:func:`kipoi_prism.io.motifs.write_meme`), which ``train.stem_motifs`` reads like any motif
file. Enhancer and promoter windows differ in composition, so callers run discovery on
each set and join the lists (:func:`discover_in_element_sets`); :func:`discover_in_pairs`
does all of it for a pair table's enhancer and promoter windows, each genomic base counted
once (overlapping windows of nearby candidates would otherwise count their shared words
many times over and make any word look over-represented), lower-case (soft-masked) bases
read as N unless ``DiscoveryConfig.soft_masked_as_n`` is off (a genome FASTA's repeats).

Deterministic: no randomness; ties in ``z`` break by the ``k``-mer's index.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kipoi_prism.io.encode import PairEncoder
from kipoi_prism.io.kmers import reverse_complement_codes, strand_symmetric_counts
from kipoi_prism.io.motifs import Motif
from kipoi_prism.io.sequence import encode_codes
from kipoi_prism.training.motif_similarity import merge_similar

MIN_OVERLAP = 6
PSEUDOCOUNT = 0.5
SCAN_THRESHOLD = 0.75  # a site scores at least this share of the matrix's best log-odds
SCAN_ROWS = 1024  # windows scanned at once by scan_matrix (bounds its memory)


@dataclass(frozen=True)
class DiscoveryConfig:
    """Knobs of :func:`discover_motifs`.

    Attributes
    ----------
    k : int
        Word length (4^k words are counted; 8 holds 65,536).
    markov_order : int
        Order ``m`` of the background chain, ``0 <= m <= k - 2``.
    n_motifs : int
        At most this many motifs per window set.
    min_z : float
        Stop when the best remaining word's ``z`` falls below this.
    max_p : float
        Skip a word whose Poisson tail probability, times the 4^k / 2 words tested, exceeds
        this.
    flank : int
        Bases kept on either side of each word in the matrices (width ``k + 2 * flank``).
    refine : int
        Passes rebuilding each matrix from the sites its log-odds scan finds (0: none).
    em_iterations : int
        Expectation-maximisation steps fitting each matrix to the windows (0: none).
    merge_similarity : float
        :func:`discover_in_pairs`: leave out a motif whose matrix is this similar to one
        kept before it (:func:`kipoi_prism.training.motif_similarity.merge_similar`; mean
        column r, best strand and shift), e.g. a factor found again in another cell line
        (0: keep all).
    soft_masked_as_n : bool
        :func:`discover_in_pairs` and :func:`discover_by_contrast` read lower-case
        (soft-masked) bases as ``N``, so no word spans them: UCSC's and Ensembl's genome
        FASTAs mark repeats that way, and repeat copies would otherwise stand out as words.
        The model itself reads every base (:mod:`kipoi_prism.io.sequence`).
    """

    k: int = 8
    markov_order: int = 4
    n_motifs: int = 12
    min_z: float = 5.0
    max_p: float = 0.01
    flank: int = 3
    refine: int = 0
    em_iterations: int = 0
    merge_similarity: float = 0.0
    soft_masked_as_n: bool = True

    def __post_init__(self) -> None:
        if not 4 <= self.k <= 10:
            raise ValueError(f"k: {self.k}; expected 4-10")
        if not 0 <= self.markov_order <= self.k - 2:
            raise ValueError(f"markov_order: {self.markov_order}; expected 0..k-2")
        if self.n_motifs < 1 or min(self.flank, self.refine, self.em_iterations) < 0:
            raise ValueError("n_motifs must be >= 1; flank, refine and em_iterations >= 0")
        if not 0 <= self.merge_similarity <= 1:
            raise ValueError(f"merge_similarity: {self.merge_similarity}; expected 0-1")


@dataclass(frozen=True)
class Word:
    """One chosen ``k``-mer: its text, observed and expected counts (both strands), ``z``."""

    text: str
    observed: float
    expected: float
    z: float


def discover_motifs(
    codes: np.ndarray,
    config: DiscoveryConfig = DiscoveryConfig(),
    name: str = "discovered",
    background: np.ndarray | None = None,
) -> tuple[list[Motif], list[Word]]:
    """Motifs over-represented in ``codes`` (n, L) uint8 windows (0-3 = A, C, G, T; any
    other value, e.g. 4 for N, breaks words). Returns the motifs (ids ``{name}_{i}``,
    names their seed words) and the seed words, best first. With ``background`` (other
    windows, e.g. other cell lines'), a word's expected count is its count there scaled to
    the words of ``codes`` (:func:`contrast_expectation`) instead of the Markov chain's."""
    from scipy.stats import poisson  # here: scipy.stats costs every CLI start 0.6 s

    codes = np.asarray(codes)
    if codes.ndim != 2:
        raise ValueError(f"codes: expected (n, L), got shape {codes.shape}")
    k, m = config.k, config.markov_order
    index, ok = word_index(codes, k)
    observed = strand_counts(codes, k)
    if background is None:
        expected = markov_expectation(codes, k, m)
    else:
        expected = contrast_expectation(observed, np.asarray(background), k)
    z = (observed - expected) / np.sqrt(expected + 1.0)
    order = np.lexsort((np.arange(4**k), -z))
    chosen: list[np.ndarray] = []
    words: list[Word] = []
    tests = 4**k / 2  # words on both strands
    for w in order:
        if len(words) == config.n_motifs or z[w] < config.min_z:
            break
        if poisson.sf(observed[w] - 1, expected[w]) * tests > config.max_p:
            continue
        digits = word_digits(w, k)
        if simple_repeat(digits) or any(overlaps(digits, other) for other in chosen):
            continue
        chosen.append(digits)
        words.append(Word(decode(digits), float(observed[w]), float(expected[w]), float(z[w])))
    matrices = []
    for digits in chosen:
        matrix = site_matrix(codes, index, ok, digits, config.flank)
        for _ in range(config.refine):
            matrix = scan_matrix(codes, matrix)
        matrices.append(matrix)
    if config.em_iterations:
        from kipoi_prism.training.motif_em import em_refine  # torch: only when asked

        positions = max(int(ok.sum()), 1)
        rates = [max(w.observed - w.expected, 1.0) / positions for w in words]
        matrices = em_refine(codes, matrices, rates, config.em_iterations)
    motifs = [Motif(f"{name}_{i + 1}", word.text, matrix)
              for i, (word, matrix) in enumerate(zip(words, matrices, strict=True))]  # fmt: skip
    return motifs, words


def discover_in_element_sets(
    sets: dict[str, np.ndarray], config: DiscoveryConfig = DiscoveryConfig()
) -> list[Motif]:
    """:func:`discover_motifs` on each named window set (e.g. ``{"enhancer": ...,
    "promoter": ...}``), joined in that order; a motif whose seed word overlaps one already
    kept (as :func:`discover_motifs` judges overlap) is left out."""
    kept: list[Motif] = []
    for name, codes in sets.items():
        kept = join_new(kept, discover_motifs(codes, config, name)[0])
    return kept


def join_new(kept: list[Motif], motifs: list[Motif]) -> list[Motif]:
    """``kept`` and then each of ``motifs`` whose seed word (its name) overlaps none kept
    before it (:func:`overlaps`)."""
    joined = list(kept)
    seeds = [encode(motif.name) for motif in kept]
    for motif in motifs:
        digits = encode(motif.name)
        if not any(overlaps(digits, other) for other in seeds):
            joined.append(motif)
            seeds.append(digits)
    return joined


def discover_by_contrast(frame: pd.DataFrame, encoder: PairEncoder,
                         config: DiscoveryConfig = DiscoveryConfig()) -> list[Motif]:  # fmt: skip
    """The pooled search's motifs (:func:`discover_in_pairs`), then, for each cell line in
    sorted order, the words of its enhancer windows over-represented against the other
    cell lines' enhancer windows (ids ``{cell line}_contrast_{i}``), each joined unless its
    seed overlaps one kept (:func:`join_new`). Still no label: which cell line a region
    comes from is the user's own BED file."""
    motifs = discover_in_pairs(frame, encoder, config)
    for cell_line, group in frame.groupby("cell_line", sort=True):
        own = element_codes(group, encoder, "enhancer", config.soft_masked_as_n)
        rest = element_codes(frame[frame["cell_line"] != cell_line], encoder, "enhancer",
                             config.soft_masked_as_n)  # fmt: skip
        found, _ = discover_motifs(own, config, f"{cell_line}_contrast", background=rest)
        motifs = join_new(motifs, found)
    return motifs


def discover_in_pairs(frame: pd.DataFrame, encoder: PairEncoder,
                      config: DiscoveryConfig = DiscoveryConfig(),
                      by_cell_line: bool = False) -> list[Motif]:  # fmt: skip
    """Motifs of the enhancer and of the promoter windows of a pair table (each base once,
    :func:`element_codes`; labels, if any, unused): :func:`discover_in_element_sets`.

    With ``by_cell_line``, each cell line's windows (column ``cell_line``, in sorted order)
    are searched apart and the lists joined without merging across cell lines (ids
    ``{cell line}_enhancer_{i}``): relatives of one family used by different cell lines keep
    a matrix each, built from that cell line's sites, instead of one mixture.

    With ``config.merge_similarity``, a motif as similar as that to one earlier in the list
    (a factor found again in a later cell line) is then left out."""
    if not by_cell_line:
        motifs = _discover_in_windows(frame, encoder, config, "")
    else:
        motifs = []
        for cell_line, group in frame.groupby("cell_line", sort=True):
            motifs += _discover_in_windows(group, encoder, config, f"{cell_line}_")
    if config.merge_similarity:
        motifs = merge_similar(motifs, config.merge_similarity)
    return motifs


def _discover_in_windows(frame: pd.DataFrame, encoder: PairEncoder, config: DiscoveryConfig,
                         prefix: str) -> list[Motif]:  # fmt: skip
    sets = {f"{prefix}{element}": element_codes(frame, encoder, element, config.soft_masked_as_n)
            for element in ("enhancer", "promoter")}  # fmt: skip
    return discover_in_element_sets(sets, config)


def element_codes(frame: pd.DataFrame, encoder: PairEncoder, element: str,
                  soft_masked_as_n: bool = False) -> np.ndarray:  # fmt: skip
    """Base codes of one element's windows, each genomic base once: windows that overlap
    (nearby candidates) are merged, and the merged stretches cut into rows of the window
    width (the last row of each N-padded), in chromosome and position order. Windows that
    do not overlap come out as themselves, one row each. With ``soft_masked_as_n``,
    lower-case bases are N (code 4)."""
    width = encoder.widths[element]
    starts, ends = encoder.windows(frame, element)
    windows = pd.DataFrame({"chrom": frame[f"{element}_chrom"].astype(str).to_numpy(),
                            "start": starts, "end": ends})  # fmt: skip
    rows_chrom, rows_start, rows_end = [], [], []
    for chrom, group in windows.groupby("chrom", sort=True):
        for start, end in merged_intervals(group["start"].to_numpy(), group["end"].to_numpy()):
            for piece in range(start, end, width):
                rows_chrom.append(chrom)
                rows_start.append(piece)
                rows_end.append(min(piece + width, end))
    bases = encoder.genome.fetch_windows(rows_chrom, rows_start, width, soft_masked_as_n)
    codes = encode_codes(bases.ravel()).reshape(bases.shape)
    beyond = np.arange(width)[None, :] >= (np.array(rows_end) - np.array(rows_start))[:, None]
    codes[beyond] = 4
    return codes


def merged_intervals(starts: np.ndarray, ends: np.ndarray) -> list[tuple[int, int]]:
    """The union of half-open intervals as sorted, disjoint ``(start, end)`` pairs."""
    order = np.lexsort((ends, starts))
    merged: list[list[int]] = []
    for start, end in zip(starts[order].tolist(), ends[order].tolist(), strict=True):
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


# ---------------------------------------------------------------------- words


def word_index(codes: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """``(index, ok)``, both (n, L - k + 1): each position's ``k``-mer as a base-4 number
    (first base most significant; int32, 4 bytes a position) and whether all its bases are
    A, C, G or T. Built in place, a position costing 5 bytes at the peak beyond ``codes``."""
    n, length = codes.shape
    span = length - k + 1
    if span < 1:
        raise ValueError(f"windows of {length} bp are shorter than k = {k}")
    index = np.zeros((n, span), np.int32)
    ok = np.ones((n, span), bool)
    for j in range(k):
        column = codes[:, j : j + span]
        ok &= column < 4
        index *= 4
        index += np.minimum(column, 3)
    return index, ok


def markov_expectation(codes: np.ndarray, k: int, m: int) -> np.ndarray:
    """Expected both-strand count of every ``k``-mer under the order-``m`` chain of the
    windows themselves (both strands)."""
    longer = strand_counts(codes, m + 1)
    shorter = strand_counts(codes, m) if m > 0 else None
    words = np.arange(4**k)
    expected = longer[words // 4 ** (k - m - 1)]
    for i in range(1, k - m):
        shift = k - m - 1 - i
        expected = expected * longer[(words // 4**shift) % 4 ** (m + 1)]
        if shorter is not None:
            context = shorter[(words // 4 ** (shift + 1)) % 4**m]
            expected = np.divide(expected, context, out=np.zeros_like(expected),
                                 where=context > 0)  # fmt: skip
        else:
            expected = expected / max(longer.sum(), 1.0)
    return expected


def contrast_expectation(observed: np.ndarray, background: np.ndarray, k: int) -> np.ndarray:
    """Expected both-strand count of every ``k``-mer if the windows were like
    ``background``: its count there (plus ``PSEUDOCOUNT``) scaled by the ratio of the two
    sets' word totals; ``observed`` holds the windows' own counts."""
    counts = strand_counts(background, k) + PSEUDOCOUNT
    return counts * (observed.sum() / counts.sum())


def strand_counts(codes: np.ndarray, k: int) -> np.ndarray:
    """Both-strand count of every ``k``-mer of the windows (those holding an N skipped;
    counted blockwise by :func:`kipoi_prism.io.kmers.strand_symmetric_counts`)."""
    return strand_symmetric_counts([codes], k - 1).ravel()


def word_digits(word: int, k: int) -> np.ndarray:
    return np.array([(word // 4 ** (k - 1 - j)) % 4 for j in range(k)], np.int64)


def decode(digits: np.ndarray) -> str:
    return "".join("ACGT"[d] for d in digits)


def encode(text: str) -> np.ndarray:
    return np.array(["ACGT".index(c) for c in text], np.int64)


def simple_repeat(digits: np.ndarray) -> bool:
    """Whether the word repeats with period 1 or 2 (a mononucleotide or dinucleotide run)."""
    return any(bool((digits[period:] == digits[:-period]).all()) for period in (1, 2))


def overlaps(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether ``a`` matches ``b`` or its reverse complement, at a shift of up to
    ``len - MIN_OVERLAP`` bases, with at most one mismatch over the overlap."""
    for other in (b, 3 - b[::-1]):
        for shift in range(-(len(a) - MIN_OVERLAP), len(a) - MIN_OVERLAP + 1):
            x = a[max(shift, 0) :]
            y = other[max(-shift, 0) :]
            width = min(len(x), len(y))
            if width >= MIN_OVERLAP and np.count_nonzero(x[:width] != y[:width]) <= 1:
                return True
    return False


# ---------------------------------------------------------------------- matrices


def neighbours(digits: np.ndarray) -> np.ndarray:
    """Indices of the word and every word one mismatch away from it."""
    k = len(digits)
    out = []
    for j in range(k):
        for base in range(4):
            variant = digits.copy()
            variant[j] = base
            out.append(int(sum(int(d) * 4 ** (k - 1 - i) for i, d in enumerate(variant))))
    return np.unique(out)


def site_matrix(codes: np.ndarray, index: np.ndarray, ok: np.ndarray, digits: np.ndarray,
                flank: int) -> np.ndarray:  # fmt: skip
    """Position frequency matrix (k + 2 * flank, 4) of the occurrences of ``digits`` with
    at most one mismatch, both strands (reverse-strand sites reverse-complemented), with
    ``flank`` bases either side (sites too near a window's end are skipped)."""
    k = len(digits)
    width = k + 2 * flank
    counts = np.full((width, 4), PSEUDOCOUNT)
    length = codes.shape[1]
    for reverse, word in ((False, digits), (True, 3 - digits[::-1])):
        rows, starts = np.nonzero(np.isin(index, neighbours(word)) & ok)
        keep = (starts >= flank) & (starts + k + flank <= length)
        rows, starts = rows[keep], starts[keep] - flank
        sites = codes[rows[:, None], starts[:, None] + np.arange(width)]
        if reverse:
            sites = np.where(sites < 4, 3 - sites, sites)[:, ::-1]
        for base in range(4):
            counts[:, base] += (sites == base).sum(axis=0)
    return counts / counts.sum(axis=1, keepdims=True)


def scan_matrix(codes: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """The frequency matrix of the sites ``matrix`` finds in ``codes``: windows whose
    log-odds score (``log2(p / 0.25)``) is at least ``SCAN_THRESHOLD`` of the best, on either
    strand (reverse-strand sites reverse-complemented); ``matrix`` itself if none."""
    width = len(matrix)
    log_odds = np.log2(matrix / 0.25)
    threshold = SCAN_THRESHOLD * log_odds.max(axis=1).sum()
    table = np.vstack([log_odds.T, np.zeros((1, width))])  # (5, W): code 4 (N) scores 0
    counts = np.full((width, 4), PSEUDOCOUNT)
    found = 0
    for start in range(0, len(codes), SCAN_ROWS):  # rows in blocks: bounded memory
        block = codes[start : start + SCAN_ROWS]
        for reverse in (False, True):
            strand = reverse_complement_codes(block) if reverse else block
            windows = np.lib.stride_tricks.sliding_window_view(strand, width, axis=1)
            scores = np.zeros(windows.shape[:2])
            for j in range(width):
                scores += table[windows[:, :, j].astype(np.intp), j]
            sites = windows[scores >= threshold]
            found += len(sites)
            for base in range(4):
                counts[:, base] += (sites == base).sum(axis=0)
    if not found:
        return matrix
    return counts / counts.sum(axis=1, keepdims=True)
