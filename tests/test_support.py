"""Seeded, order-independent support sets (kipoi_prism.io.support)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kipoi_prism.io.support import SupportReservoir, select_support


def table(n: int = 90, cells: tuple[str, ...] = ("a", "b", "c")) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "name": [f"pair{i}" for i in range(n)],
            "cell_line": [cells[i % len(cells)] for i in range(n)],
            "label": [i % 2 for i in range(n)],
        }
    )


def chosen_names(frame: pd.DataFrame, size: int, seed: int) -> dict[str, list[str]]:
    positions = select_support(frame, size, seed)
    return {cell: frame["name"].to_numpy()[p].tolist() for cell, p in positions.items()}


def test_sizes_and_cell_lines():
    names = chosen_names(table(), size=8, seed=0)
    assert sorted(names) == ["a", "b", "c"]
    assert all(len(v) == 8 for v in names.values())
    small = chosen_names(table(6), size=8, seed=0)
    assert all(len(v) == 2 for v in small.values())  # fewer pairs than m: all of them


def test_independent_of_row_order_and_labels():
    frame = table()
    shuffled = frame.sample(frac=1.0, random_state=3).reset_index(drop=True)
    relabelled = frame.assign(label=1 - frame["label"])
    expected = chosen_names(frame, 8, seed=5)
    assert chosen_names(shuffled, 8, seed=5) == expected
    assert chosen_names(relabelled, 8, seed=5) == expected


def test_seed_changes_the_draw_and_same_seed_repeats():
    frame = table()
    assert chosen_names(frame, 8, seed=1) == chosen_names(frame, 8, seed=1)
    assert chosen_names(frame, 8, seed=1) != chosen_names(frame, 8, seed=2)


@pytest.mark.parametrize("chunk", [1, 7, 90])
def test_reservoir_equals_the_whole_table_draw(chunk):
    frame = table().sample(frac=1.0, random_state=4).reset_index(drop=True)
    reservoir = SupportReservoir(size=8, seed=9)
    for start in range(0, len(frame), chunk):
        reservoir.update(frame.iloc[start : start + chunk])
    expected = chosen_names(frame, 8, seed=9)
    got = {cell: rows["name"].tolist() for cell, rows in reservoir.support_sets().items()}
    assert got == expected
    assert reservoir.counts == {"a": 30, "b": 30, "c": 30}


def test_size_must_be_positive():
    with pytest.raises(ValueError, match="size"):
        select_support(table(), 0, seed=0)
    with pytest.raises(ValueError, match="size"):
        SupportReservoir(0, seed=0)
    assert SupportReservoir(3, seed=0).support_sets() == {}
    assert np.all(np.diff(select_support(table(), 90, 0)["a"]) != 0)
