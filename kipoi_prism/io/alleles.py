"""Windows with a variant's allele applied: the alternative input of an element.

The reference window of an element is the one :class:`kipoi_prism.io.encode.PairEncoder`
reads: ``width`` bases starting at ``window_start = (start + end) // 2 - width // 2``
(:func:`kipoi_prism.io.sequence.centered_window`), 0-based half-open, N past the
chromosome ends. Its *centre base* is ``c = window_start + width // 2``.

The alternative window applies the variant to the genome around the element and is rebuilt
around the same centre base with the same width:

* an SNV or an equal-length substitution replaces the bases in place;
* an insertion of ``d`` bases pushes the flank on the far side of the variant (seen from the
  centre) ``d`` bases out of the window; a deletion of ``d`` bases pulls ``d`` more bases of
  that flank in;
* a centre base inside the replaced REF allele stays where it is when the ALT allele is long
  enough to cover it, else the centre moves to the first base after the ALT allele.

So ``alt_window`` has the reference window's length, and its centre is the same genomic
base wherever that base survives.
"""

from __future__ import annotations

from kipoi_prism.errors import PrismInputError
from kipoi_prism.io.genome import Genome
from kipoi_prism.io.vcf import Variant


def overlaps(variant: Variant, window_start: int, width: int) -> bool:
    """Whether the variant's REF bases ``[pos, end)`` touch ``[window_start, window_start +
    width)``."""
    return variant.pos < window_start + width and variant.end > window_start


def alt_centre(variant: Variant, centre: int) -> int:
    """Where the centre base ``centre`` (0-based) lies once the variant is applied."""
    if centre < variant.pos:
        return centre
    offset = centre - variant.pos
    if offset < len(variant.ref):
        return variant.pos + min(offset, len(variant.alt))
    return centre + len(variant.alt) - len(variant.ref)


def alt_window(genome: Genome, variant: Variant, window_start: int, width: int) -> bytes:
    """The ``width`` bases of the window with the variant applied (module docstring).

    Parameters
    ----------
    genome : Genome
    variant : Variant
        Overlapping the window (:func:`overlaps`), on ``variant.chrom``.
    window_start : int
        0-based start of the reference window.
    width : int

    Returns
    -------
    bytes, length ``width``
        Canonical ACGTN bases (N past the chromosome ends).
    """
    margin = len(variant.ref) + len(variant.alt) + 1
    left = min(window_start, variant.pos) - margin
    right = max(window_start + width, variant.end) + margin
    local = (
        _fetch(genome, variant.chrom, left, variant.pos)
        + variant.alt.encode("ascii")
        + _fetch(genome, variant.chrom, variant.end, right)
    )
    start = alt_centre(variant, window_start + width // 2) - width // 2 - left
    bases = local[start : start + width]
    if start < 0 or len(bases) != width:  # cannot happen with the margin above
        raise RuntimeError(f"alt window of {variant} misses the fetched region")
    return bases


def _fetch(genome: Genome, chrom: str, start: int, end: int) -> bytes:
    """:meth:`Genome.fetch`, all N where ``[start, end)`` lies entirely off the chromosome."""
    if end <= 0 or start >= genome.chrom_sizes[chrom]:
        return b"N" * (end - start)
    return genome.fetch(chrom, start, end)


def ref_mismatch(genome: Genome, variant: Variant) -> str | None:
    """The FASTA's bases under the REF allele where they differ from it, else ``None``.

    Raises
    ------
    PrismInputError
        ``variant.chrom`` is not in the FASTA (naming the nearest names).
    """
    genome.check_chrom(variant.chrom)
    length = genome.chrom_sizes[variant.chrom]
    if variant.pos >= length:
        return "past the chromosome end"
    found = genome.fetch(variant.chrom, variant.pos, variant.end).decode("ascii")
    return None if found == variant.ref else found


def check_ref(genome: Genome, variant: Variant, source: str | None = None) -> None:
    """Raise a one-line error when the REF allele does not match the FASTA.

    Raises
    ------
    PrismInputError
        Naming ``source``, the record's line, the allele and the FASTA's bases.
    """
    found = ref_mismatch(genome, variant)
    if found is not None:
        raise PrismInputError(
            f"REF {variant.ref} at {variant.chrom}:{variant.pos + 1} does not match the FASTA "
            f"({found}); is this the genome build the VCF was called on? "
            "(--ref-mismatch flag writes such variants with a flag and no score)",
            source,
            variant.line,
        )
