"""Variants from a VCF file: plain records, one per alternative allele.

Read with pysam (``pysam.VariantFile``, htslib underneath): a maintained reader of ``.vcf``
and bgzipped ``.vcf.gz`` with or without an index, and a writer that keeps the input's
header and records while adding INFO fields (:class:`VcfAnnotator`). It is already in the
environment through selene-sdk.

Coordinates: the VCF's ``POS`` is 1-based; a :class:`Variant` holds the 0-based start of its
``REF`` allele (``pos = POS - 1``), so the bases it replaces are ``[pos, pos + len(ref))``,
half-open, as everywhere in the package.

* A multi-allelic record (``ALT`` = ``C,T``) is split into one :class:`Variant` per ALT.
* Symbolic and breakend ALTs (``<DEL>``, ``<*>``, ``N[chr2:10[``, ``*``) and a missing ALT
  (``.``) cannot be applied to a sequence: they are skipped and counted
  (:class:`VcfCounts`), with one warning.
* A missing file, a file that is not VCF, an unparsable record, an empty ``REF`` or a
  non-DNA allele raise :class:`kipoi_prism.errors.PrismInputError` naming the file, the
  record's line and the problem.
"""

from __future__ import annotations

import gzip
import itertools
import logging
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pysam

from kipoi_prism.errors import PrismInputError
from kipoi_prism.io.atomic import atomic_path

log = logging.getLogger(__name__)

_DNA = re.compile(r"[ACGTNacgtn]+")


@dataclass(frozen=True)
class Variant:
    """One alternative allele of a VCF record.

    Attributes
    ----------
    chrom : str
    pos : int
        0-based start of ``ref`` (the VCF's POS minus 1).
    id : str
        The record's ID (``.`` when missing).
    ref, alt : str
        Upper-case alleles (A, C, G, T, N).
    line : int, optional
        1-based line of the record in the (decompressed) file: named by messages, and the
        key of :meth:`VcfAnnotator.annotate`. ``None`` for variants made in code.
    allele : int
        1-based index of ``alt`` among the record's ALT alleles.
    """

    chrom: str
    pos: int
    id: str
    ref: str
    alt: str
    line: int | None = None
    allele: int = 1

    @property
    def end(self) -> int:
        """0-based exclusive end of the REF allele."""
        return self.pos + len(self.ref)


@dataclass
class VcfCounts:
    """What reading a VCF found.

    Attributes
    ----------
    records : int
        Records read.
    variants : int
        Variants yielded (one per usable ALT).
    split : int
        Multi-allelic records split into more than one variant.
    symbolic : int
        ALT alleles skipped: symbolic (``<DEL>``), breakend, ``*`` or missing.
    skipped_examples : list of str
        The first three skipped alleles (``line N ALT <DEL>``), named by the warning.
    """

    records: int = 0
    variants: int = 0
    split: int = 0
    symbolic: int = 0
    skipped_examples: list[str] = field(default_factory=list)

    def describe(self) -> str:
        """One line for the log."""
        return (
            f"{self.records} VCF record(s), {self.variants} variant(s) "
            f"({self.split} multi-allelic record(s) split, {self.symbolic} symbolic, breakend "
            "or missing ALT allele(s) skipped)"
        )


def open_vcf(path: str | os.PathLike) -> pysam.VariantFile:
    """Open a VCF (``.vcf`` or bgzipped ``.vcf.gz``) for reading.

    Raises
    ------
    PrismInputError
        The file is missing or is not VCF/BCF.
    """
    path = Path(path)
    if not path.is_file():
        raise PrismInputError("VCF file not found", path)
    pysam.set_verbosity(0)  # htslib's own stderr messages; errors are ours, one line
    try:
        return pysam.VariantFile(str(path))
    except (OSError, ValueError) as error:
        raise PrismInputError(f"not a readable VCF file ({error})", path) from None


def count_header_lines(path: str | os.PathLike) -> int:
    """Lines of the VCF's header (``#`` lines) as written in the file, so that record ``k``
    is on line ``header + k`` (pysam's own header text adds lines, e.g. ``FILTER=PASS``)."""
    with open(path, "rb") as raw:
        packed = raw.read(2) == b"\x1f\x8b"  # gzip magic: bgzip is gzip
    with (gzip.open if packed else open)(path, "rb") as handle:
        return sum(1 for _ in itertools.takewhile(lambda line: line.startswith(b"#"), handle))


def iter_variants(path: str | os.PathLike, counts: VcfCounts | None = None) -> Iterator[Variant]:
    """Variants of a VCF, file order, multi-allelic records split (see module docstring).

    Parameters
    ----------
    path : str or PathLike
        ``.vcf`` or ``.vcf.gz`` (bgzip; an index is not needed).
    counts : VcfCounts, optional
        Filled in while reading (records, split records, skipped alleles).

    Yields
    ------
    Variant

    Raises
    ------
    PrismInputError
        Naming the file, the record's line and the problem.
    """
    counts = VcfCounts() if counts is None else counts
    with open_vcf(path) as vcf:
        header_lines = count_header_lines(path)
        records = iter(vcf)
        while True:
            line = header_lines + counts.records + 1
            try:
                record = next(records)
            except StopIteration:
                break
            except (OSError, ValueError) as error:
                raise PrismInputError(
                    f"cannot parse the VCF record (htslib: {error}); expected tab-separated "
                    "CHROM, POS (an integer), ID, REF, ALT, QUAL, FILTER, INFO",
                    path,
                    line,
                ) from None
            counts.records += 1
            yield from _split(record, path, line, counts)
    if counts.symbolic:
        log.warning(
            "%s: skipped %d symbolic, breakend or missing ALT allele(s) (e.g. %s); only "
            "sequence alleles can be applied",
            path,
            counts.symbolic,
            ", ".join(counts.skipped_examples),
        )


def _split(record, path, line: int, counts: VcfCounts) -> Iterator[Variant]:
    ref = record.ref or ""
    if ref in ("", ".") or not _DNA.fullmatch(ref):
        problem = "empty REF" if ref in ("", ".") else f"REF {ref!r} is not a DNA sequence"
        raise PrismInputError(problem, path, line)
    usable = 0
    for allele, alt in enumerate(record.alts or (".",), start=1):
        if alt in (".", "*") or alt.startswith("<") or "[" in alt or "]" in alt:
            counts.symbolic += 1
            if len(counts.skipped_examples) < 3:
                counts.skipped_examples.append(f"line {line} ALT {alt}")
            continue
        if not _DNA.fullmatch(alt):
            raise PrismInputError(f"ALT {alt!r} is not a DNA sequence", path, line)
        usable += 1
        counts.variants += 1
        yield Variant(
            chrom=record.chrom,
            pos=record.start,  # pysam's 0-based start: POS - 1
            id=record.id or ".",
            ref=ref.upper(),
            alt=alt.upper(),
            line=line,
            allele=allele,
        )
    counts.split += usable > 1


#: INFO fields :class:`VcfAnnotator` adds: (ID, Type, Description); Number is ``.`` for all,
#: one value per (ALT allele, overlapping pair).
INFO_FIELDS = (
    ("PRISM_ALT", "String", "prism-energy: the ALT allele scored"),
    ("PRISM_PAIR", "String", "prism-energy: name of the enhancer-promoter pair"),
    ("PRISM_CELL", "String", "prism-energy: cell line of the pair"),
    ("PRISM_ELEMENT", "String", "prism-energy: window hit (enhancer, promoter or both)"),
    ("PRISM_DP", "Float", "prism-energy: delta probability (alt - ref)"),
    ("PRISM_DL", "Float", "prism-energy: delta logit (alt - ref)"),
    ("PRISM_DU", "Float", "prism-energy: delta U_I, the interaction energy (alt - ref)"),
)


_END = "End position of the variant described in this record"


class VcfAnnotator:
    """Copy a VCF, adding per-record INFO fields (:data:`INFO_FIELDS`); written atomically.

    Records come out in input order; call :meth:`annotate` with increasing record numbers
    (records not named are copied unchanged). Use as a context manager: on success the
    output replaces ``out`` (``.vcf.gz`` is bgzipped); on an error nothing is left.

    Parameters
    ----------
    vcf : str or PathLike
        The input VCF (read a second time, in step).
    out : str or PathLike
        ``.vcf`` or ``.vcf.gz``.
    contigs : dict, optional
        ``{name: length}`` (the genome's): the lengths of ``##contig`` lines added for
        chromosomes the input's records use but its header does not declare (htslib cannot
        write such records otherwise).
    """

    def __init__(
        self, vcf: str | os.PathLike, out: str | os.PathLike, contigs: dict | None = None
    ) -> None:
        self.vcf, self.out, self.contigs = vcf, out, contigs or {}
        self.written = 0

    def __enter__(self) -> VcfAnnotator:
        self._atomic = atomic_path(self.out)
        temporary = self._atomic.__enter__()
        try:
            self._in = open_vcf(self.vcf)
            self._header_lines = count_header_lines(self.vcf)
            # htslib gives a symbolic allele (<DEL>) an INFO/END it cannot write unless the
            # header declares END (a reserved VCF key): declare it where the input does not.
            for key, kind, description in (("END", "Integer", _END), *INFO_FIELDS):
                if key not in self._in.header.info:
                    self._in.header.info.add(key, 1 if key == "END" else ".", kind, description)
            self._declare_contigs()
            mode = "wz" if str(self.out).endswith(".gz") else "w"
            self._out = pysam.VariantFile(str(temporary), mode, header=self._in.header)
        except BaseException as error:
            self._atomic.__exit__(type(error), error, error.__traceback__)
            raise
        self._records = iter(self._in)
        return self

    def _declare_contigs(self) -> None:
        """Add ``##contig`` lines for chromosomes used by records but not declared."""
        header = self._in.header
        with open_vcf(self.vcf) as first_pass:
            used = dict.fromkeys(record.chrom for record in first_pass)
        for name in used:
            if name not in header.contigs:
                length = self.contigs.get(name)
                header.contigs.add(name, **({} if length is None else {"length": length}))

    def annotate(self, line: int, values: dict[str, list]) -> None:
        """Write records up to the one on ``line`` (:attr:`Variant.line`), giving it the INFO
        ``values`` (``{ID: [value, ...]}``, IDs of :data:`INFO_FIELDS`)."""
        record = line - self._header_lines
        while self.written < record - 1:
            self._copy()
        current = self._copy(write=False)
        for key, value in values.items():
            current.info[key] = value
        self._out.write(current)

    def _copy(self, write: bool = True):
        record = next(self._records)
        self.written += 1
        if write:
            self._out.write(record)
        return record

    def __exit__(self, kind, error, traceback) -> None:
        try:
            if error is None:
                for record in self._records:
                    self._out.write(record)
        finally:
            self._out.close()
            self._in.close()
            self._atomic.__exit__(kind, error, traceback)
