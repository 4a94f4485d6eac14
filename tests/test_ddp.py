"""Two CPU processes (DDP over gloo) reach what one process reaches on the same data.

Rank 1 is started by Lightning re-running the command line of rank 0, so the two-process
run goes through a small driver script (what ``kipoi-prism train`` does, minus argparse).
The two-process run keeps the global batch of the one-process run (each rank takes
``blocks_per_batch / 2`` blocks per step), so both take the same number of steps per epoch.
They cannot match exactly (batch-norm statistics and the across-block losses are computed
per process), so the test asks for the same level within the noise of a 48-pair
validation set.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import yaml
from toy_training import make_toy, tiny_model

from kipoi_prism.config import load_config
from kipoi_prism.model.weights import load_weights
from kipoi_prism.training.fit import fit
from kipoi_prism.training.recipe import read_training_pairs

REPO = Path(__file__).parent.parent
DRIVER = """import sys
from kipoi_prism.config import load_config
from kipoi_prism.training.recipe import train_from_config
result = train_from_config(load_config(sys.argv[1]))
if result.weights_path is not None:
    print(result.weights_path)
"""
EPOCHS = 8


def _config(folder: Path, genome: Path, devices: int) -> Path:
    config = {
        "data": {"pairs": str(folder / "pairs.bedpe"), "genome": str(genome),
                 "split": {"by": "cell_line", "val": ["C"]}},
        "model": tiny_model().to_dict(),
        "train": {"blocks_per_batch": 4 // devices, "block_size": 8, "support_size": 8,
                  "max_epochs": EPOCHS, "lr": 0.03, "patience": 0},
        "trainer": {"accelerator": "cpu", "devices": devices, "strategy": "ddp" if devices > 1
                    else "auto", "progress_bar": False, "out_dir": str(folder / f"run{devices}")},
    }  # fmt: skip
    path = folder / f"train{devices}.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


def test_two_process_ddp_reaches_the_one_process_metrics(tmp_path):
    genome, _ = make_toy(tmp_path)
    one = load_config(_config(tmp_path, genome, 1))
    train, val = read_training_pairs(one)
    single = fit(train, val, genome, one.model, one.train, one.trainer.out_dir,
                 trainer_config=one.trainer)  # fmt: skip
    # Lightning starts rank 1 by running this process's command line again: a script.
    driver = tmp_path / "train_ddp.py"
    driver.write_text(DRIVER)
    done = subprocess.run([sys.executable, str(driver), str(_config(tmp_path, genome, 2))],
                          cwd=REPO, capture_output=True, text=True, timeout=900)  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().endswith("weights.pt")  # printed once, by rank 0
    assert len(done.stdout.strip().splitlines()) == 1
    history = pd.read_csv(tmp_path / "run2" / "history.csv")
    assert len(history) == len(single.history) == EPOCHS
    best_one, best_two = single.history["val_aupr"].max(), history["val_aupr"].max()
    assert best_one >= 0.85 and best_two >= 0.85, (best_one, best_two)
    assert abs(best_one - best_two) <= 0.1
    last_one, last_two = single.history["train_aupr"].iloc[-1], history["train_aupr"].iloc[-1]
    assert abs(last_one - last_two) <= 0.15, (last_one, last_two)
    assert history["val_pairs"].eq(48).all()  # ranks' validation shards gathered, no duplicates
    bundle = load_weights(tmp_path / "run2" / "weights.pt")
    assert sorted(bundle.prototypes) == ["A", "B"]
