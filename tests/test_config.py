"""The configuration package (kipoi_prism.config): defaults, round trips, every validator's
error, and loading a run config with ``--set`` overrides (through the command line too)."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest

from kipoi_prism.cli.main import main
from kipoi_prism.config import (
    BASELINES,
    LOSS_WEIGHT_CAPS,
    T_INIT_RAW,
    TARGETFINDER_CELL_LINES,
    VARIANTS,
    BenchmarkConfig,
    DataConfig,
    InferenceConfig,
    LossWeights,
    ModelConfig,
    RunConfig,
    SimulationConfig,
    SplitConfig,
    TrainConfig,
    TrainerConfig,
    check,
    check_choice,
    check_non_negative_int,
    check_positive_int,
    from_mapping,
    load_config,
    resolve,
)
from kipoi_prism.errors import PrismInputError

REPO = Path(__file__).resolve().parents[1]


def test_the_package_imports_without_torch() -> None:
    code = "import kipoi_prism.config, sys; assert 'torch' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)


# ---------------------------------------------------------------------- checks


@pytest.mark.parametrize("value", [1, 7])
def test_check_positive_int_accepts(value) -> None:
    check_positive_int("n", value)


@pytest.mark.parametrize("value", [0, -3, 2.0, True, "4", None])
def test_check_positive_int_rejects(value) -> None:
    with pytest.raises(PrismInputError, match=rf"^n: expected a positive integer, got {value!r}$"):
        check_positive_int("n", value)


@pytest.mark.parametrize("value", [-1, 1.5, False, "0"])
def test_check_non_negative_int_rejects(value) -> None:
    check_non_negative_int("n", 0)
    with pytest.raises(PrismInputError, match=r"^n: expected an integer >= 0, got "):
        check_non_negative_int("n", value)


def test_check_choice_lists_the_choices() -> None:
    check_choice("train.decouple", "orth", ("corr", "orth"))
    with pytest.raises(PrismInputError, match=r"^train.decouple: 'x' is not one of corr, orth$"):
        check_choice("train.decouple", "x", ("corr", "orth"))


def test_check_names_setting_expectation_and_value() -> None:
    check(True, "a", 1, "anything")
    with pytest.raises(PrismInputError) as caught:
        check(False, "label_noise", 1.0, "a number in [0, 1)")
    assert str(caught.value) == "label_noise: expected a number in [0, 1), got 1.0"
    assert isinstance(caught.value, ValueError)  # callers catching ValueError still do


# ---------------------------------------------------------------------- model


def test_model_defaults_and_round_trip() -> None:
    config = ModelConfig()
    assert (config.enhancer_length, config.promoter_length, config.head) == (3000, 2000, "energy")
    assert config.t_clamp == (0.5, 2.0) and config.feature_dims == (17, 8)
    data = config.to_dict()
    assert data["t_clamp"] == [0.5, 2.0] and data["feature_dims"] == [17, 8]  # YAML-ready lists
    assert ModelConfig.from_dict(data) == config
    assert ModelConfig.from_dict({**data, "t_clamp": None}).t_clamp is None
    assert T_INIT_RAW == pytest.approx(0.5413248546129181)  # softplus(T_INIT_RAW) == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"backbone": "rnn"}, "backbone: 'rnn' is not one of prism, features"),
        ({"head": "mlp"}, "head: 'mlp' is not one of energy, linear, film"),
        ({"temperature": "pair"}, "temperature: 'pair' is not one of scalar, cell"),
        ({"channels": 0}, "channels: expected a positive integer, got 0"),
        ({"env_hidden": -2}, "env_hidden: expected a positive integer, got -2"),
        ({"t_clamp": (2.0, 1.0)}, r"t_clamp: expected 0 < low < high, got \(2.0, 1.0\)"),
    ],
)  # fmt: skip
def test_model_validation_names_the_key(change, message) -> None:
    with pytest.raises(PrismInputError, match=f"^{message}$"):
        ModelConfig(**change)


def test_from_mapping_names_unknown_keys_and_the_valid_ones() -> None:
    assert from_mapping(InferenceConfig, None, "inference") == InferenceConfig()
    with pytest.raises(PrismInputError, match=r"^model: unknown key\(s\) depth, width; valid"):
        from_mapping(ModelConfig, {"width": 1, "depth": 2}, "model")


def test_inference_defaults() -> None:
    assert dataclasses.asdict(InferenceConfig()) == {
        "support_size": 32, "seed": 0, "use_prototypes": False, "batch_size": 64,
    }  # fmt: skip


# ---------------------------------------------------------------------- training


def test_loss_weights_defaults_caps_and_validation() -> None:
    assert LossWeights().inv == 0.1 and LOSS_WEIGHT_CAPS.inv == 0.2
    assert isinstance(LossWeights(corr=1).corr, float)
    with pytest.raises(
        PrismInputError, match=r"^loss weight proto: expected a number >= 0, got -1"
    ):
        LossWeights(proto=-1)
    with pytest.raises(PrismInputError, match="loss weight inv: expected a number >= 0, got 'x'"):
        LossWeights(inv="x")


def test_train_config_round_trip_and_nested_weights() -> None:
    config = TrainConfig.from_dict({"weights": {"inv": 0}, "caps": {"sparse": 0.5}})
    assert config.weights == LossWeights(inv=0.0) and config.caps.sparse == 0.5
    assert config.caps.inv == LOSS_WEIGHT_CAPS.inv  # not the start value LossWeights().inv
    assert TrainConfig.from_dict(config.to_dict()) == config
    assert TrainConfig().caps is not TrainConfig().caps  # no shared mutable default


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"task_loss": "focal"}, "train.task_loss: 'focal' is not one of immax, bce"),
        ({"decouple": "l1"}, "train.decouple: 'l1' is not one of corr, orth"),
        ({"block_size": 0}, "train.block_size: expected a positive integer, got 0"),
        ({"patience": -1}, "train.patience: expected an integer >= 0, got -1"),
        ({"lr": 0.0}, "train.lr: expected a number > 0, got 0.0"),
        ({"infonce_tau": -1}, "train.infonce_tau: expected a number > 0, got -1"),
        ({"proto_momentum": 1.0}, "train.proto_momentum: expected 0 <= mu < 1, got 1.0"),
        ({"weight_l2": -0.1}, "train.weight_l2: expected a number >= 0, got -0.1"),
        ({"distill_weight": -1}, "train.distill_weight: expected a number >= 0, got -1"),
        ({"distill_weight": "1"}, "train.distill_weight: expected a number >= 0, got '1'"),
        ({"freeze_stem": True},
         r"train.freeze_stem: needs train.stem_motifs \(a MEME file or discover\)"),
        ({"stem_motif_ids": ["GATA1"]}, "train.stem_motif_ids: needs train.stem_motifs"),
        ({"weights": {"cor": 1}}, r"train.weights: unknown key\(s\) cor"),
    ],
)  # fmt: skip
def test_train_validation_names_the_key(change, message) -> None:
    with pytest.raises(PrismInputError, match=f"^{message}"):
        TrainConfig.from_dict(change)


@pytest.mark.parametrize(("max_epochs", "warmup_epochs"), [(2, 2), (1, 2), (1, 1)])
def test_a_run_that_would_end_inside_the_warmup_is_refused(max_epochs, warmup_epochs) -> None:
    config = TrainConfig(max_epochs=max_epochs, warmup_epochs=warmup_epochs)
    message = (
        rf"^train.yaml: train.max_epochs \({max_epochs}\) must be larger than "
        rf"train.warmup_epochs \({warmup_epochs}\): every epoch would be warm-up and the "
        r"environment stream \(f_E', g_E, lam, T\) would never train; raise train.max_epochs, "
        r"or set train.warmup_epochs=0 \(or train.curriculum=false\)"
    )
    with pytest.raises(PrismInputError, match=message):
        config.check_leaves_warmup("train.yaml")


@pytest.mark.parametrize(
    "values",
    [{"max_epochs": 3, "warmup_epochs": 2}, {"max_epochs": 1, "warmup_epochs": 0},
     {"max_epochs": 1, "warmup_epochs": 2, "curriculum": False}],
)  # fmt: skip
def test_runs_that_leave_or_have_no_warmup_pass(values) -> None:
    TrainConfig(**values).check_leaves_warmup("train.yaml")


def test_split_and_data_sections() -> None:
    split = SplitConfig(val="K562", exclude=("chr1", 2))
    assert split.val == ["K562"] and split.exclude == ["chr1", "2"]
    with pytest.raises(PrismInputError, match="^data.split.by: 'random' is not one of"):
        SplitConfig(by="random")
    with pytest.raises(PrismInputError, match="^data.split.val: expected a list of names, got 3"):
        SplitConfig(val=3)
    data = DataConfig(split={"val": ["GM12878"]})
    assert data.split == SplitConfig(val=["GM12878"])
    with pytest.raises(PrismInputError, match="^data.num_workers: expected an integer >= 0"):
        DataConfig(num_workers=-1)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"logger": "wandb"}, "trainer.logger: 'wandb' is not one of csv, tensorboard, none"),
        ({"deterministic": "yes"}, "trainer.deterministic: expected true or false, got 'yes'"),
        ({"num_nodes": 0}, "trainer.num_nodes: expected a positive integer, got 0"),
        ({"threads": -1}, "trainer.threads: expected an integer >= 0, got -1"),
    ],
)  # fmt: skip
def test_trainer_validation_names_the_key(change, message) -> None:
    with pytest.raises(PrismInputError, match=f"^{message}$"):
        TrainerConfig(**change)


def test_run_config_round_trip_and_unknown_section() -> None:
    config = RunConfig.from_dict({"model": {"head": "film"}, "data": {"split": {"val": ["A"]}}})
    assert config.model.head == "film" and config.data.split.val == ["A"]
    assert RunConfig.from_dict(config.to_dict()) == config
    assert RunConfig.from_dict(None) == RunConfig()
    with pytest.raises(
        PrismInputError, match="^unknown section\\(s\\) optim; valid sections: data"
    ):
        RunConfig.from_dict({"optim": {}})


# ---------------------------------------------------------------------- simulation


def test_simulation_defaults_and_json_ready_dict() -> None:
    config = SimulationConfig(
        r_star={"K562": 1}, environments={"X": ["GATA1"]}, r_star_range=[1, 2]
    )
    assert config.r_star == {"K562": 1.0} and config.environments == {"X": ("GATA1",)}
    assert config.r_star_range == (1.0, 2.0)
    data = config.to_dict()
    assert data["r_star_range"] == [1.0, 2.0] and data["shared_promoter_factors"][0] == "SP1"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"t_star": 0.0}, "t_star: expected a positive temperature, got 0.0"),
        ({"signal_scale": -1.0}, "signal_scale: expected a number >= 0, got -1.0"),
        ({"inactive_activity": 2.0}, r"inactive_activity: expected a number in \[0, 1\], got 2.0"),
        ({"r_star": {"A": -1}}, r"r_star: expected values >= 0, got \{'A': -1.0\}"),
        ({"enhancer_length": 0}, "enhancer_length: expected a positive window width, got 0"),
        ({"promoter_cpg_boost": 0.0}, "promoter_cpg_boost: expected a positive factor, got 0.0"),
        ({"batch_bases": 0}, "batch_bases: expected a count >= 1, got 0"),
    ],
)  # fmt: skip
def test_simulation_validation_names_the_field(change, message) -> None:
    with pytest.raises(PrismInputError, match=f"^{message}$"):
        SimulationConfig(**change)


# ---------------------------------------------------------------------- benchmark and variants


def test_benchmark_defaults() -> None:
    config = BenchmarkConfig()
    assert config.cell_lines == TARGETFINDER_CELL_LINES == ("GM12878", "HUVEC", "HeLa-S3",
                                                            "IMR90", "K562", "NHEK")  # fmt: skip
    assert config.held_out == config.cell_lines  # every cell line held out in turn
    assert BenchmarkConfig(held_out=("K562",)).held_out == ("K562",)
    assert BenchmarkConfig().speid is not config.speid


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"tracks": ("sequence", "video")}, r"tracks: unknown \['video'\]; valid: sequence"),
        ({"rows": ("full", "nope")}, r"rows: unknown variant\(s\) \['nope'\]; valid: \['bce'"),
        ({"feature_rows": ("lam1",)}, r"rows: unknown variant\(s\) \['lam1'\]"),
        ({"baselines": ("gbm",)}, r"baselines: unknown \['gbm'\]; valid: speid, distance"),
        ({"stem_motifs": "yes"}, "stem_motifs: 'yes'; valid: init, frozen"),
    ],
)  # fmt: skip
def test_benchmark_validation_names_the_setting(change, message) -> None:
    with pytest.raises(ValueError, match=f"^{message}"):
        BenchmarkConfig(**change)


def test_variants_change_only_their_row() -> None:
    assert [v.key for v in resolve(["lam0", "full"])] == ["lam0", "full"]
    model, train = ModelConfig(), TrainConfig()
    assert VARIANTS["full"].change(model, train) == (model, train)
    lam0, _ = VARIANTS["lam0"].change(model, train)
    assert (lam0.lam_init, lam0.learn_lam) == (0.0, False) and model.lam_init == 0.1
    _, no_inv = VARIANTS["no_inv"].change(model, train)
    assert no_inv.weights.inv == no_inv.caps.inv == 0.0 and no_inv.caps.hcont == 0.1
    _, task_only = VARIANTS["task_only"].change(model, train)
    assert not task_only.curriculum and dataclasses.asdict(task_only.caps) == dict.fromkeys(
        ("corr", "inv", "hcont", "sparse", "proto"), 0.0
    )
    assert set(BASELINES) == {"speid", "gbm", "abc", "distance", "promoter_prior"}


# ---------------------------------------------------------------------- loading


@pytest.fixture
def yaml_file(tmp_path: Path) -> Path:
    path = tmp_path / "run.yaml"
    path.write_text("train:\n  lr: 0.1\nmodel:\n  channels: 16\n")
    return path


def test_load_config_applies_overrides_in_order(yaml_file) -> None:
    overrides = ["train.lr=3e-4", "train.weights.inv=0", "model.head=linear", "model.t_clamp=null",
                 "train.seed=5", "train.seed=6", "data.split.val=[A, B]"]  # fmt: skip
    config = load_config(yaml_file, overrides)
    assert config.train.lr == 3e-4  # YAML reads 3e-4 (no dot) as a string; a number is meant
    assert config.train.weights.inv == 0.0 and config.model.head == "linear"
    assert config.model.t_clamp is None and config.model.channels == 16
    assert config.train.seed == 6 and config.data.split.val == ["A", "B"]
    assert load_config(yaml_file) == load_config(yaml_file, [])


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("train.lr=abc", "--set train.lr=abc: expected a number"),
        ("train.max_epochs=2.5", "--set train.max_epochs=2.5: expected an integer"),
        ("trainer.deterministic=x", "--set trainer.deterministic=x: expected true or false"),
        ("train.t_l2=[1]", r"--set train.t_l2=\[1\]: expected a number"),
        ("data.h5_cache=1", None),  # a string setting takes what YAML gives
        ("train.lr=-1", "--set train.lr=-1: expected a number > 0, got -1"),
        ("model.head=mlp", "--set model.head=mlp: 'mlp' is not one of energy, linear, film"),
        ("train.learning_rate=1", "--set train.learning_rate=1: unknown key train.learning_rate; "
                                  "valid keys: block_size"),
        ("optim.lr=1", "--set optim.lr=1: unknown section optim; valid sections: data, model"),
        ("train.weights.cor=1", "--set train.weights.cor=1: unknown key train.weights.cor"),
        ("train.lr.x=1", "--set train.lr.x=1: lr is not a section"),
        ("lr=1", "--set lr=1: expected SECTION.KEY=VALUE"),
        ("train.lr", "--set train.lr: expected SECTION.KEY=VALUE"),
        ("train.seed=[1", r"--set train.seed=\[1: the value is not valid YAML"),
    ],
)  # fmt: skip
def test_bad_overrides_name_the_override(yaml_file, override, message) -> None:
    if message is None:
        load_config(yaml_file, [override])
        return
    with pytest.raises(PrismInputError, match=f"^{message}") as caught:
        load_config(yaml_file, [override])
    assert caught.value.path is None  # the file is not to blame


def test_errors_in_the_file_still_name_the_file(yaml_file, tmp_path) -> None:
    yaml_file.write_text("train:\n  lr: -1\n")
    with pytest.raises(PrismInputError, match="train.lr: expected a number > 0") as caught:
        load_config(yaml_file, ["model.head=linear"])
    assert caught.value.path == str(yaml_file)
    with pytest.raises(PrismInputError, match="config file not found"):
        load_config(tmp_path / "missing.yaml")
    yaml_file.write_text("- a list\n")
    with pytest.raises(PrismInputError, match="expected a mapping of sections"):
        load_config(yaml_file)
    yaml_file.write_text("train:\n  lr: 0.1\n  seed: [1, 2\n")
    with pytest.raises(PrismInputError, match="invalid YAML") as caught:
        load_config(yaml_file)
    assert caught.value.line is not None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("train:\n  lr: abc\n", "train.lr: expected a number, got 'abc'"),
        ("train:\n  max_epochs: 2.5\n", "train.max_epochs: expected an integer, got 2.5"),
        ("train:\n  weights:\n    inv: x\n", "train.weights.inv: expected a number, got 'x'"),
        ("trainer:\n  progress_bar: 1\n", "trainer.progress_bar: expected true or false, got 1"),
        ("model:\n  channels: '48'\n", "model.channels: expected an integer, got '48'"),
    ],
)  # fmt: skip
def test_file_values_of_the_wrong_type_name_the_file_and_key(tmp_path, text, message) -> None:
    path = tmp_path / "run.yaml"
    path.write_text(text)
    with pytest.raises(PrismInputError, match=f"^{path}: {message}$"):
        load_config(path)


def test_file_numbers_without_a_dot_are_numbers(tmp_path) -> None:
    path = tmp_path / "run.yaml"
    path.write_text("train:\n  lr: 3e-4\n  weight_decay: 1e-2\nmodel:\n  t_clamp: null\n")
    config = load_config(path)
    assert (config.train.lr, config.train.weight_decay) == (3e-4, 1e-2)


def test_bad_override_exits_2_from_the_command_line(yaml_file, capsys) -> None:
    argv = ["train", "--config", str(yaml_file), "--print-config"]
    assert main(argv + ["--set", "train.lr=abc"]) == 2
    assert "--set train.lr=abc: expected a number" in capsys.readouterr().err
    assert main(argv + ["--set", "train.lr=3e-4"]) == 0
    assert "lr: 0.0003" in capsys.readouterr().out
