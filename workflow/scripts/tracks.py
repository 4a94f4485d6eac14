"""The workflow's gather and interact steps (``workflow/Snakefile``).

Usage::

    python tracks.py gather --out scores.bedpe shard1.bedpe shard2.bedpe ...
    python tracks.py interact --out scores.interact.bed scores.bedpe

``gather`` concatenates ``kipoi-prism predict`` BEDPE shards in the order given, the ``#``
header once: the header of the first shard that has rows (a shard with no pair writes a
header without the input's extra columns); every shard with rows must share it. Rows are
copied as text, so the gathered file holds exactly the bytes predict wrote.

``interact`` converts a scored BEDPE into a sorted UCSC ``interact`` file with
:func:`kipoi_prism.io.tracks.write_interact` (chunked, sorted in bounded memory). Both write
atomically; errors are one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator

import pandas as pd

from kipoi_prism.errors import PrismInputError
from kipoi_prism.io.tracks import atomic_text_output, write_interact

CHUNK_ROWS = 200_000
TEXT_COLUMNS = ("enhancer_chrom", "promoter_chrom", "name", "cell_line",
                "enhancer_strand", "promoter_strand")  # fmt: skip


def gather(shards: list[str], out: str) -> int:
    """Concatenate ``shards`` into ``out``, header once; returns the rows written."""
    headers = []
    for path in shards:
        with open(path, encoding="utf-8") as handle:
            header, row = handle.readline(), handle.readline()
        if not header.startswith("#"):
            raise PrismInputError("expected a '#' header line (a kipoi-prism BEDPE)", path)
        headers.append((header, bool(row)))
    with_rows = [i for i, (_, has_rows) in enumerate(headers) if has_rows]
    first = with_rows[0] if with_rows else 0
    header = headers[first][0]
    for i in with_rows:
        if headers[i][0] != header:
            raise PrismInputError(
                f"header differs from {shards[first]}'s: {headers[i][0].strip()!r}", shards[i]
            )
    rows = 0
    with atomic_text_output(out) as stream:
        stream.write(header)
        for path in shards:
            with open(path, encoding="utf-8") as handle:
                handle.readline()
                for line in handle:
                    stream.write(line)
                    rows += 1
    return rows


def scored_chunks(path: str) -> Iterator[pd.DataFrame]:
    """A scored BEDPE (``kipoi-prism predict --out *.bedpe``) in chunks of rows."""
    with open(path, encoding="utf-8") as handle:
        columns = handle.readline().lstrip("#").rstrip("\n").split("\t")
    if "probability" not in columns:
        raise PrismInputError("no probability column: not a scored kipoi-prism BEDPE", path)
    dtype = {column: str for column in TEXT_COLUMNS if column in columns}
    yield from pd.read_csv(path, sep="\t", comment=None, skiprows=1, names=columns,
                           dtype=dtype, keep_default_na=False, chunksize=CHUNK_ROWS)  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("step", choices=("gather", "interact"))
    parser.add_argument("--out", required=True)
    parser.add_argument("inputs", nargs="+")
    args = parser.parse_args(argv)
    try:
        if args.step == "gather":
            rows = gather(args.inputs, args.out)
        else:
            if len(args.inputs) != 1:
                parser.error("interact takes one scored BEDPE")
            rows = write_interact(scored_chunks(args.inputs[0]), args.out)
    except PrismInputError as error:
        print(f"tracks.py: error: {error}", file=sys.stderr)
        return 2
    print(f"tracks.py: {args.step}: {rows} pairs to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
