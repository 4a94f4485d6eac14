"""The element read kept only where it does not lower validation AUPR: a paired analysis.

``model.element_read`` fits its read when training ends and always keeps it. Training is the
same with or without the read, so a benchmark run with the read (``--with-read``) and the
same run without it (``--without-read``: same configuration, seeds and held-out cell lines)
hold both arms of every evaluation. Each fit's ``fits/<fit>/summary.json`` in the run with
the read records the network's validation AUPR (``val_aupr``) and the read's
(``element_read.val_aupr``, the same validation pairs). Per evaluation this script puts
side by side

* ``never``: the held-out AUPR without the read (the run without it);
* ``always``: the held-out AUPR with the read (what the option does);
* ``guarded``: ``always`` where the read's validation AUPR is at least the network's,
  ``never`` elsewhere (a choice made on validation only);

and prints the paired summaries of guarded minus always, guarded minus never and always
minus never. As a check of the pairing, the run without the read must have reached the
network's validation AUPR to 1e-6 (its best epoch in ``training_history.csv``): a pair
whose training differs is an error, not a row.

    python benchmarks/read_guard.py \\
        --with-read docs/benchmark-runs/sequence-readout/read-seed*-* \\
        --without-read docs/benchmark-runs/sequence-strands/frozen-both-seed* \\
        --out docs/benchmark-runs/read-guard/frozen-stem
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from run_record import command_line, paired_line, write_run  # noqa: E402
from select_by_validation import read_run  # noqa: E402

from kipoi_prism.benchmark.harness import git_commit  # noqa: E402
from kipoi_prism.benchmark.sequence_track import SEQUENCE_FIT  # noqa: E402

KEY = ["row", "held_out", "seed"]
PAIRING_TOLERANCE = 1e-6


def read_validation(folders: list[Path]) -> pd.DataFrame:
    """Per sequence fit with a fitted read: the network's and the read's validation AUPR."""
    rows = []
    for folder in folders:
        for summary_path in sorted((folder / "fits").glob("*/summary.json")):
            match = SEQUENCE_FIT.match(summary_path.parent.name)
            summary = json.loads(summary_path.read_text())
            if match is None or "element_read" not in summary:
                raise ValueError(f"{summary_path}: not a sequence fit with a fitted element read")
            rows.append({"row": match["row"], "held_out": match["cell"],
                         "seed": int(match["seed"]), "val_network": summary["val_aupr"],
                         "val_read": summary["element_read"]["val_aupr"]})  # fmt: skip
    if not rows:
        raise ValueError("--with-read: no fits/<fit>/summary.json found")
    return pd.DataFrame(rows)


def read_held_out(folders: list[Path], name: str) -> pd.DataFrame:
    """Held-out AUPR and best validation AUPR per sequence network evaluation of ``folders``
    (:func:`select_by_validation.read_run`)."""
    frame = pd.concat([read_run(folder) for folder in folders], ignore_index=True)
    frame = frame[frame["track"] == "sequence"].drop(columns="track")
    repeated = frame[frame.duplicated(KEY, keep=False)]
    if not repeated.empty:
        raise ValueError(f"{name}: evaluations present twice: {repeated[KEY].to_dict('records')}")
    return frame.rename(columns={"aupr": f"held_out_{name}", "val_aupr": f"val_{name}"})


def guard_table(with_read: list[Path], without_read: list[Path]) -> pd.DataFrame:
    """One row per evaluation present in both arms, with the guard's choice."""
    validation = read_validation(with_read)
    table = (read_held_out(with_read, "always")[[*KEY, "held_out_always"]]
             .merge(validation, on=KEY, how="inner")
             .merge(read_held_out(without_read, "never"), on=KEY, how="inner"))  # fmt: skip
    if table.empty:
        raise ValueError("no evaluation is present in both --with-read and --without-read")
    mismatch = table[(table["val_never"] - table["val_network"]).abs() > PAIRING_TOLERANCE]
    if not mismatch.empty:
        pairs = mismatch[[*KEY, "val_network", "val_never"]].to_dict("records")
        raise ValueError(f"the runs without the read trained differently (validation AUPR "
                         f"differs): {pairs}")  # fmt: skip
    table["kept"] = table["val_read"] >= table["val_network"]
    table["held_out_guarded"] = table["held_out_always"].where(
        table["kept"], table["held_out_never"]
    )
    return table.drop(columns="val_never").sort_values(KEY).reset_index(drop=True)


def markdown(table: pd.DataFrame) -> str:
    lines = ["| row | held out | seed | val network | val read | kept | never | always | "
             "guarded |", "|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for r in table.itertuples(index=False):
        lines.append(f"| {r.row} | {r.held_out} | {r.seed} | {r.val_network:.3f} | "
                     f"{r.val_read:.3f} | {'yes' if r.kept else 'no'} | {r.held_out_never:.3f} | "
                     f"{r.held_out_always:.3f} | {r.held_out_guarded:.3f} |")  # fmt: skip
    guarded, always, never = (table[f"held_out_{arm}"] for arm in ("guarded", "always", "never"))
    lines += ["", f"Read kept on {int(table['kept'].sum())} of {len(table)} evaluations.",
              "", "- " + paired_line("guarded", "always", guarded - always),
              "- " + paired_line("guarded", "never", guarded - never),
              "- " + paired_line("always", "never", always - never),
              "", f"Means: never {never.mean():.3f}, always {always.mean():.3f}, "
              f"guarded {guarded.mean():.3f}."]  # fmt: skip
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--with-read", type=Path, nargs="+", required=True)
    parser.add_argument("--without-read", type=Path, nargs="+", required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    start = time.time()
    try:
        table = guard_table(args.with_read, args.without_read)
    except (ValueError, FileNotFoundError) as error:
        print(f"read_guard: {error}", file=sys.stderr)
        return 2
    commit = git_commit(Path(__file__).resolve().parents[1])
    write_run(args.out, "guard", table, markdown(table),
              command_line("benchmarks/read_guard.py", argv), commit,
              round(time.time() - start, 1))  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
