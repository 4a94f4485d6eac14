"""``kipoi-prism benchmark``: the leave-one-cell-line-out benchmark (docs/BENCHMARK.md)."""

from __future__ import annotations

import argparse
import dataclasses
import shlex
import sys
from pathlib import Path

from kipoi_prism.config.benchmark import (
    ENVIRONMENTS,
    FEATURE_SOURCES,
    SOURCE_CELL_LINES,
    STEM_MOTIFS,
    VALIDATIONS,
)
from kipoi_prism.errors import PrismInputError

DEFAULT_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "benchmark",
        help="leave-one-cell-line-out benchmark (simulated sequence + real features)",
        description="Leave-one-cell-line-out over the TargetFinder cell lines: prism-energy, "
        "its ablations and baselines, on simulated sequence and on real chromatin features.",
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="CI-sized smoke run (a few minutes)")
    mode.add_argument("--full", action="store_true", help="the full table (hours on 2 CPU cores)")
    mode.add_argument(
        "--merge",
        nargs="+",
        type=Path,
        metavar="RUN_DIR",
        help="merge finished results directories (e.g. rows split across processes) into --out",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=DEFAULT_DATA,
        help="the shared data folder (default: ../shared/data)",
    )
    parser.add_argument("--out", type=Path, required=True, help="results directory")
    parser.add_argument(
        "--tracks", metavar="LIST", help="comma-separated: sequence,features (default: both)"
    )
    parser.add_argument("--seeds", metavar="LIST", help="comma-separated seeds (e.g. 0,1,2)")
    parser.add_argument(
        "--held-out",
        metavar="LIST",
        help="comma-separated cell lines to hold out in turn (default: every TargetFinder one)",
    )
    parser.add_argument(
        "--rows", metavar="LIST", help="comma-separated sequence-track variants (e.g. full,lam0)"
    )
    parser.add_argument(
        "--feature-rows", metavar="LIST", help="comma-separated feature-track variants"
    )
    parser.add_argument(
        "--baselines",
        metavar="LIST",
        help="comma-separated sequence-track baselines: speid,distance,promoter_prior "
        "('' for none)",
    )
    parser.add_argument(
        "--feature-baselines",
        metavar="LIST",
        help="comma-separated feature-track baselines: gbm (tuned on validation),abc,"
        "distance,promoter_prior ('' for none)",
    )
    parser.add_argument(
        "--pairs-per-cell-line",
        type=int,
        metavar="N",
        help="sequence track: simulated pairs per cell line",
    )
    parser.add_argument(
        "--train-pairs-per-cell-line",
        type=int,
        metavar="N",
        help="sequence track: subsample of each training cell line's pairs",
    )
    parser.add_argument(
        "--feature-pairs-per-cell-line",
        type=_count_or_all,
        metavar="N|all",
        help="feature track: training (and validation) pairs per cell line for the network "
        "rows; 'all' (the --full default) trains on every pair, as the baselines do",
    )
    parser.add_argument("--max-epochs", type=int, metavar="N", help="epoch cap of the trained rows")
    parser.add_argument(
        "--feature-max-epochs",
        type=int,
        metavar="N",
        help="feature track: epoch cap of the network rows (default: --max-epochs; --full: 20)",
    )
    parser.add_argument(
        "--feature-patience",
        type=int,
        metavar="N",
        help="feature track: epochs without a better validation AUPR before stopping (--full: 3)",
    )
    parser.add_argument(
        "--normalise",
        choices=("none", "rank"),
        help="feature track: 'rank' replaces every mark by its rank within its cell line's "
        "table, for every model (default: none)",
    )
    parser.add_argument(
        "--extra-test",
        nargs="+",
        type=Path,
        metavar="TABLE",
        help="feature track: further feature tables (TargetFinder/BENGI columns) scored by the "
        "models trained on every TargetFinder cell line, reported like the BENGI tables",
    )
    parser.add_argument("--no-bengi", action="store_true", help="skip TargetFinder -> BENGI")
    parser.add_argument(
        "--feature-source",
        choices=FEATURE_SOURCES,
        help="feature track: leave one cell line out of TargetFinder's tables (default), "
        "of the BENGI feature tables (GM12878, HeLa, IMR90, NHEK: every candidate within a "
        "window, as a user's; each held-out cell line scored on each of its tables), or of "
        "both together (GM12878, IMR90 or NHEK held out, scored on its tables of both)",
    )
    parser.add_argument(
        "--environment-by",
        choices=ENVIRONMENTS,
        help="feature track with --feature-source bengi or both: one training environment "
        "(support set, z_E) per cell line (default) or per table, so that candidates drawn "
        "differently (TargetFinder's, each BENGI table's) get environments of their own",
    )
    parser.add_argument(
        "--transfer-only",
        action="store_true",
        help="feature track: skip leave-one-cell-line-out; train on every TargetFinder cell "
        "line and score only the BENGI and --extra-test tables",
    )
    parser.add_argument(
        "--resume",
        action="store_true",
        help="continue every network fit from its checkpoints/last.ckpt under OUT/runs/ "
        "where one exists (a stopped run, or a finished one given a higher --max-epochs; "
        "same --out folder as before)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=0,
        metavar="N",
        help="torch threads (default 0: torch's choice); results repeat exactly only at the "
        "same thread count",
    )
    parser.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="SECTION.KEY=VALUE",
        help="model.* or train.* setting for every network row before the row's own change "
        "(repeatable), e.g. --set model.encoder=counts --set model.bilinear_rank=16",
    )
    parser.add_argument(
        "--stem-motifs",
        choices=STEM_MOTIFS,
        help="sequence track: first convolution starts from the simulator's motif vocabulary "
        "(privileged; 'frozen' keeps it fixed), or 'discovered': kept fixed at motifs found "
        "without labels in the training cell lines' regions (not privileged; "
        "'discovered-by-cell-line': each cell line's regions searched apart; "
        "'discovered-init': the pooled search's motifs, then trained)",
    )
    parser.add_argument(
        "--merge-similar",
        type=_fraction,
        metavar="R",
        help="with --stem-motifs discovered*: leave out a discovered motif whose matrix "
        "matches an earlier one at mean column r >= R (a factor found again in another cell "
        "line)",
    )
    parser.add_argument(
        "--gating-strength",
        type=_fraction,
        metavar="G",
        help="sequence track: the simulator's share of the compatibility gated by the cell "
        "line, in [0, 1] (default: the simulator's, 0.7); near 1 the environment matters most",
    )
    parser.add_argument(
        "--validate-on",
        choices=VALIDATIONS,
        help="leave-one-cell-line-out fits validate (early stopping, threshold, tuning) on "
        "the training cell lines' pairs on chr1-3 ('chromosomes', default) or on one whole "
        "training cell line kept out of training ('cell_line': the next after the held-out "
        "one in the cell-line list)",
    )
    parser.add_argument(
        "--environment-swap",
        action="store_true",
        help="sequence track: also score each trained row with every training cell line's "
        "z_E in place of the held-out cell line's (swap_aupr columns, 'Environment swap' table)",
    )
    parser.set_defaults(run=run)


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = None
    if value is None or not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"expected a number in [0, 1], got {text!r}")
    return value


def _count_or_all(text: str) -> int | str:
    if text == "all":
        return "all"
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a positive integer or 'all', got {text!r}"
        ) from None


def _split(text: str | None, cast=str):
    return None if text is None else tuple(cast(t) for t in text.split(",") if t)


def build_config(args: argparse.Namespace):
    from kipoi_prism.benchmark.harness import PROFILES

    base = PROFILES["full" if args.full else "quick"]
    changes = {
        "tracks": _split(args.tracks), "seeds": _split(args.seeds, int),
        "held_out": _split(args.held_out), "rows": _split(args.rows),
        "feature_rows": _split(args.feature_rows), "baselines": _split(args.baselines),
        "pairs_per_cell_line": args.pairs_per_cell_line, "max_epochs": args.max_epochs,
        "threads": args.threads,
        "train_pairs_per_cell_line": args.train_pairs_per_cell_line,
        "bengi": False if args.no_bengi else None,
        "transfer_only": True if args.transfer_only else None, "stem_motifs": args.stem_motifs,
        "stem_merge_similarity": args.merge_similar,
        "feature_baselines": _split(args.feature_baselines),
        "feature_max_epochs": args.feature_max_epochs, "feature_patience": args.feature_patience,
        "normalise": args.normalise, "overrides": tuple(args.overrides) or None,
        "gating_strength": args.gating_strength,
        "environment_swap": True if args.environment_swap else None,
        "resume": True if args.resume else None,
        "validate_on": args.validate_on, "environment_by": args.environment_by,
        "extra_test": None if args.extra_test is None else tuple(map(str, args.extra_test)),
    }  # fmt: skip
    given = {k: v for k, v in changes.items() if v is not None}
    if args.feature_source in ("bengi", "both"):  # their cell lines, each held out unless told
        given.update(feature_source=args.feature_source, bengi=False,
                     cell_lines=SOURCE_CELL_LINES[args.feature_source],
                     held_out=given.get("held_out", ()))  # fmt: skip
    if args.feature_pairs_per_cell_line is not None:  # 'all' is None: every pair
        pairs = args.feature_pairs_per_cell_line
        given["feature_pairs_per_cell_line"] = None if pairs == "all" else pairs
    try:
        return dataclasses.replace(base, **given)
    except ValueError as error:
        raise PrismInputError(str(error)) from None


def run(args: argparse.Namespace) -> int:
    from kipoi_prism.benchmark.run import merge_runs, run_benchmark

    command = "kipoi-prism " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    if args.merge:
        print(merge_runs(args.merge, args.out, command) / "results.md")
        return 0
    if not args.data_dir.is_dir():
        raise PrismInputError(f"shared data folder not found: {args.data_dir} (give --data-dir)")
    config = build_config(args)
    out = run_benchmark(config, args.data_dir, args.out, command)
    print(out / "results.md")
    return 0
