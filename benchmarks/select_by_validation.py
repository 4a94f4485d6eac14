"""Choose a network configuration on the validation split, then read its held-out AUPR.

Each ``--runs`` directory is one benchmark run of one configuration (e.g. ``--set
model.element_dim=256``); its name up to the held-out cell line names the configuration
(``wide-GM12878`` -> ``wide``), or ``--config-from-command`` takes the ``--set`` arguments
of its ``run.json`` command. Per (track, row, held-out cell line, seed) the configuration
whose fit reached the highest validation AUPR (the epoch its checkpoint kept, the maximum of
``val_aupr`` in ``training_history.csv``) is chosen, as gradient boosting's setting is chosen
on the same split; only then is its held-out AUPR put beside the ``--baseline``
configuration's. The table lists every configuration (validation and held-out AUPR, ranks),
the Spearman correlation of validation and held-out AUPR over the configurations, and the
choice against the baseline.

    python benchmarks/select_by_validation.py --runs runs/*-GM12878 runs/*-HeLa-S3 \\
        --baseline default --out selection.md
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kipoi_prism.io.atomic import write_text  # noqa: E402

KEY = ["track", "row", "held_out", "seed"]


def configuration_name(folder: Path, held_out: set[str], from_command: bool = False) -> str:
    """The configuration a run stands for: its ``--set`` arguments (``from_command``) or its
    directory name with a trailing ``-<held-out cell line>`` removed."""
    if from_command:
        words = json.loads((folder / "run.json").read_text())["command"].split()
        sets = [words[i + 1] for i, word in enumerate(words[:-1]) if word == "--set"]
        return " ".join(sets) or "default"
    name = folder.name
    for cell in sorted(held_out, key=len, reverse=True):
        if name.endswith(f"-{cell}"):
            return name[: -len(cell) - 1]
    return name


def read_run(folder: Path) -> pd.DataFrame:
    """One row per network evaluation of ``folder``: held-out AUPR and best validation AUPR."""
    for name in ("results.csv", "training_history.csv"):
        if not (folder / name).is_file():
            raise FileNotFoundError(f"{folder}: no {name} (not a finished benchmark run)")
    results = pd.read_csv(folder / "results.csv")
    history = pd.read_csv(folder / "training_history.csv")
    validation = history.groupby(KEY, as_index=False)["val_aupr"].max()
    return results[[*KEY, "aupr"]].merge(validation, on=KEY, how="inner")


def read_runs(folders: list[Path], from_command: bool = False) -> pd.DataFrame:
    """Every network evaluation of ``folders``, with its configuration; an evaluation of one
    configuration twice is an error."""
    frames = [(folder, read_run(folder)) for folder in folders]
    held_out = {cell for _, frame in frames for cell in frame["held_out"]}
    table = pd.concat(
        [frame.assign(config=configuration_name(folder, held_out, from_command), run=str(folder))
         for folder, frame in frames],
        ignore_index=True,
    )  # fmt: skip
    repeated = table[table.duplicated([*KEY, "config"], keep=False)]
    if len(repeated):
        first = repeated.iloc[0]
        raise ValueError(
            f"configuration {first['config']!r} has evaluation "
            f"{tuple(first[KEY])} twice ({', '.join(repeated['run'])})"
        )
    return table


def select(table: pd.DataFrame, baseline: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per evaluation: every configuration ranked (``configurations``) and the one chosen on
    validation against ``baseline`` (``choices``; ties go to the configuration listed first)."""
    ranked = table.copy()
    group = ranked.groupby(KEY)
    ranked["val_rank"] = group["val_aupr"].rank(ascending=False, method="min").astype(int)
    ranked["held_out_rank"] = group["aupr"].rank(ascending=False, method="min").astype(int)
    choices = []
    for key, frame in ranked.groupby(KEY, sort=True):
        if baseline not in set(frame["config"]):
            raise ValueError(f"no {baseline!r} run for evaluation {key}")
        chosen = frame.loc[frame["val_aupr"].idxmax()]
        base = frame[frame["config"] == baseline].iloc[0]
        spearman = (frame["val_aupr"].rank().corr(frame["aupr"].rank())
                    if len(frame) > 2 else float("nan"))  # fmt: skip
        choices.append({**dict(zip(KEY, key, strict=True)), "configurations": len(frame),
                        "chosen": chosen["config"], "chosen_val_aupr": chosen["val_aupr"],
                        "chosen_aupr": chosen["aupr"], "baseline_val_aupr": base["val_aupr"],
                        "baseline_aupr": base["aupr"],
                        "difference": chosen["aupr"] - base["aupr"],
                        "best_held_out": frame.loc[frame["aupr"].idxmax(), "config"],
                        "spearman_val_held_out": spearman})  # fmt: skip
    order = [*KEY, "config", "val_aupr", "val_rank", "aupr", "held_out_rank"]
    return ranked[order].sort_values([*KEY, "val_rank"], kind="stable"), pd.DataFrame(choices)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--runs",
        nargs="+",
        type=Path,
        required=True,
        help="benchmark results directories, one configuration each",
    )
    parser.add_argument(
        "--baseline",
        default="default",
        help="the configuration the choice is compared with (default: default)",
    )
    parser.add_argument(
        "--config-from-command",
        action="store_true",
        help="name configurations by their --set arguments, not their folders",
    )
    parser.add_argument("--out", type=Path, help="also write the tables here (Markdown)")
    args = parser.parse_args(argv)
    try:
        table = read_runs(args.runs, args.config_from_command)
        configurations, choices = select(table, args.baseline)
    except (FileNotFoundError, ValueError) as error:
        print(f"select_by_validation: {error}", file=sys.stderr)
        return 2
    text = (
        "Every configuration (validation AUPR: the kept epoch's; held-out AUPR read after "
        "the choice):\n\n" + configurations.to_markdown(index=False, floatfmt=".3f")
        + f"\n\nChosen on validation, against `{args.baseline}`:\n\n"
        + choices.to_markdown(index=False, floatfmt=".3f") + "\n"
    )  # fmt: skip
    print(text, end="")
    if args.out:
        write_text(args.out, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
