"""``kipoi-prism evaluate``: metrics of scored, labelled pairs (kipoi_prism.evaluation)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import average_precision_score

from kipoi_prism.cli.main import main
from kipoi_prism.errors import PrismInputError
from kipoi_prism.evaluation import evaluate, read_scores

HEADER = "name\tcell_line\tprobability\tcall\tU_I\tR_E\tlam\tT\tlabel\n"
ROWS = [  # name, cell line, probability, call, label
    ("a1", "A", 0.9, 1, "1"), ("a2", "A", 0.6, 1, "0"), ("a3", "A", 0.2, 0, "1"),
    ("a4", "A", 0.1, 0, "0"), ("b1", "B", 0.8, 1, "1"), ("b2", "B", 0.3, 0, "0"),
    ("b3", "B", 0.7, 0, "."), ("b4", "B", 0.05, 0, "0"),
]  # fmt: skip


def write_scores(path, rows=ROWS):
    body = "".join(f"{n}\t{c}\t{p}\t{k}\t0\t0\t0\t1\t{y}\n" for n, c, p, k, y in rows)
    path.write_text(HEADER + body)
    return path


def test_metrics_per_cell_line_and_pooled_match_a_hand_computation(tmp_path):
    table = evaluate(read_scores(write_scores(tmp_path / "s.tsv"))).set_index("cell_line")
    assert list(table.index) == ["A", "B", "pooled"]
    # A: calls a1 (tp), a2 (fp); positives a1, a3 -> precision 1/2, recall 1/2, F1 1/2.
    assert table.loc["A", ["pairs", "positives"]].tolist() == [4, 2]
    assert table.loc["A", ["precision", "recall", "f1"]].tolist() == [0.5, 0.5, 0.5]
    # B: b3 is unlabelled and skipped; calls b1 (tp) -> precision 1, recall 1.
    assert table.loc["B", ["pairs", "positives", "f1"]].tolist() == [3, 1, 1.0]
    labels = np.array([1, 0, 1, 0, 1, 0, 0])
    probability = np.array([0.9, 0.6, 0.2, 0.1, 0.8, 0.3, 0.05])
    assert table.loc["pooled", "aupr"] == pytest.approx(
        average_precision_score(labels, probability)
    )
    assert table.loc["pooled", "prevalence"] == pytest.approx(3 / 7)
    assert table.loc["pooled", "brier"] == pytest.approx(np.mean((probability - labels) ** 2))
    assert np.isnan(table.loc["pooled", "threshold"])


def test_a_threshold_replaces_the_tables_calls(tmp_path):
    scores = read_scores(write_scores(tmp_path / "s.tsv"))
    table = evaluate(scores, threshold=0.15).set_index("cell_line")
    # A at 0.15: calls a1, a2, a3 -> tp 2 of 3 calls, 2 of 2 positives.
    assert table.loc["A", ["precision", "recall"]].tolist() == pytest.approx([2 / 3, 1.0])
    assert table.loc["A", "threshold"] == 0.15


@pytest.mark.parametrize(
    "rows, problem",
    [
        ([("a1", "A", 0.9, 1, "yes")], "line 2: label 'yes' is not 0, 1 or '.'"),
        ([("a1", "A", 0.9, 1, "1"), ("a2", "A", 1.5, 1, "0")], "line 3: probability '1.5'"),
        ([("a1", "A", 0.9, 1, ".")], "no labelled pairs"),
    ],
)
def test_bad_score_tables_name_the_line(tmp_path, rows, problem):
    path = write_scores(tmp_path / "s.tsv", rows)
    with pytest.raises(PrismInputError, match=problem):
        evaluate(read_scores(path))


def test_a_table_without_labels_says_so(tmp_path):
    path = tmp_path / "s.tsv"
    pd.DataFrame({"name": ["a"], "cell_line": ["A"], "probability": [0.5]}).to_csv(
        path, sep="\t", index=False
    )
    with pytest.raises(PrismInputError, match="no label column"):
        read_scores(path)


def test_cli_writes_the_table_and_the_curves(tmp_path, capsys):
    scores, out, plot = write_scores(tmp_path / "s.tsv"), tmp_path / "m.tsv", tmp_path / "pr.png"
    argv = ["evaluate", "--scores", str(scores), "--out", str(out), "--plot", str(plot)]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert printed == out.read_text()
    assert printed.splitlines()[-1].startswith("pooled\t7\t3\t")
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert main(["evaluate", "--scores", str(tmp_path / "absent.tsv")]) == 2
