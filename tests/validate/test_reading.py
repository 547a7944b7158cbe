"""Reading runs tables: accelerator names as users write them, framework defaults, unstated
settings, the fit's determinism."""

import csv
from dataclasses import replace
from io import StringIO

import pytest

from flopcast.catalog.loader import builtin_catalog
from flopcast.catalog.matching import match_entry, nearest
from flopcast.errors import InputError
from flopcast.parallel.calibration import _from_data
from flopcast.parallel.frameworks import framework_defaults, grad_reduce_bytes
from flopcast.validate.compare import compare
from flopcast.validate.fit import fit
from flopcast.validate.runs import BUNDLED_TABLE, REQUIRED_COLUMNS, RunRow, Skipped, read_runs

CATALOG = builtin_catalog()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("GB200 (B200 GPU in GB200 NVL72, 186GB HBM3e)", "gb200"),
        ("A100-SXM4-80GB (Jean Zay)", "a100-80gb"),
        ("NVIDIA A100 SXM4 40GB", "a100-40gb"),
        ("NVIDIA H100 80GB HBM3", "h100-sxm"),
        ("Google TPU v5p", "tpu-v5p"),
        ("AMD Instinct MI300X OAM", "mi300x"),
        ("h100-sxm", "h100-sxm"),
    ],
)
def test_accelerator_names_as_users_write_them(text, expected):
    found = match_entry(CATALOG, text, "accelerator")
    assert found is not None and found.entry.id == expected, text


def test_unmatched_accelerator_names_the_nearest_ids():
    assert match_entry(CATALOG, "Z9000 superchip", "accelerator") is None
    assert "h100-sxm" in nearest(CATALOG, "H1000 SXM", "accelerator")


def test_no_public_row_is_skipped_for_its_accelerator_and_matches_are_reported():
    rows = read_runs(BUNDLED_TABLE, CATALOG)
    assert not [r for r in rows if isinstance(r, Skipped) and "accelerator" in r.reason]
    matched = [r for r in rows if isinstance(r, RunRow)]
    assert all(r.accelerator_match for r in matched)
    assert {"alias", "alias without parenthetical"} & {
        r.accelerator_match.split("(")[-1].rstrip(")") for r in matched
    }


def _table(**overrides):
    """A one-row runs table (a Megatron-DeepSpeed GPT run) with some cells overridden."""
    row = {column: "" for column in REQUIRED_COLUMNS}
    row.update(
        row_id="1", source_key="T", data_kind="benchmark", model="GPT 3.6B", arch="dense",
        layers="30", hidden="3072", heads="32", seq_len="2048", global_batch_seqs="512",
        micro_batch="4", accelerator="A100-SXM4-80GB (some cluster)", num_accel="64", TP="2",
        PP="1", precision="FP16", framework="Megatron-DeepSpeed", step_time_s="2.0",
        quality="A",
    )  # fmt: skip
    row.update(overrides)
    stream = StringIO()
    writer = csv.DictWriter(stream, fieldnames=list(row))
    writer.writeheader()
    writer.writerow(row)
    return stream.getvalue()


def _read(tmp_path, **overrides):
    path = tmp_path / "runs.csv"
    path.write_text(_table(**overrides))
    return read_runs(path, CATALOG)[0]


def test_megatron_era_defaults_and_unstated_recomputation(tmp_path):
    row = _read(tmp_path)
    assert isinstance(row, RunRow)
    plan = row.plan
    assert plan.attention == 1 and plan.sequence_parallel == 0 and plan.dp_overlap == 0
    assert plan.dropout == 1 and plan.grad_reduce_bytes == 2.0  # FP16 reduces FP16 gradients
    assert plan.recompute == 2  # Megatron-era runs recompute fully unless they say otherwise
    assert [p.recompute for p in row.alternatives] == [0]  # none also fits: the interval spans it
    assert row.framework == "megatron-legacy"


def test_columns_override_framework_defaults(tmp_path):
    row = _read(tmp_path, attention_kernel="flash", nic_gbps_per_accel="100",
                sequence_parallel="yes", recompute="selective")  # fmt: skip
    assert isinstance(row, RunRow)
    assert row.plan.attention == 0 and row.plan.sequence_parallel == 1
    assert row.plan.recompute == 1 and row.alternatives == ()
    assert row.hardware.scale_out_bandwidth == pytest.approx(100e9 / 8)


def test_unstated_recomputation_widens_the_interval(tmp_path):
    stated = _read(tmp_path, recompute="full")
    unstated = _read(tmp_path)
    calibration = replace(fit_calibration(), residual_spread={"all": (0.9, 1.1)})
    (narrow,), _ = compare([stated], calibration)
    (wide,), _ = compare([unstated], calibration)
    assert wide.high / wide.low > narrow.high / narrow.low


def fit_calibration():
    from flopcast.parallel.calibration import default_calibration

    return default_calibration()


def test_bad_cells_name_the_column(tmp_path):
    with pytest.raises(InputError, match="attention_kernel"):
        _read(tmp_path, attention_kernel="sparse")
    with pytest.raises(InputError, match="nic_gbps_per_accel"):
        _read(tmp_path, nic_gbps_per_accel="-5")


def test_frameworks():
    assert framework_defaults("NeMo 24.09").family == "megatron-core"
    assert framework_defaults("NeMo 24.09").tp_overlap
    assert framework_defaults("Megatron-LM (2021)").attention == "materialized"
    assert framework_defaults("torchtitan (FSDP)").family == "pytorch-fsdp"
    assert framework_defaults("something new").family == "other"
    assert grad_reduce_bytes("BF16") == 4.0 and grad_reduce_bytes("FP16 mixed") == 2.0


def test_fit_is_deterministic_and_keeps_unexercised_parameters_at_their_priors():
    rows = [r for r in read_runs(BUNDLED_TABLE, CATALOG) if isinstance(r, RunRow)]
    dense = [r for r in rows if not r.model.is_moe][:60]
    first, second = fit(dense), fit(dense)
    assert first.calibration == second.calibration
    from flopcast.parallel.calibration import PRIORS

    # No MoE row among them: the MoE parameters stay where their sources put them.
    assert first.calibration.moe_sync_time == pytest.approx(PRIORS["moe_sync_time"].mean)
    assert first.calibration.expert_gemm_efficiency == pytest.approx(
        PRIORS["expert_gemm_efficiency"].mean
    )


def test_unknown_calibration_keys_are_refused():
    with pytest.raises(InputError, match="unknown calibration keys"):
        _from_data({"elementwise_bytes": 120.0}, "calibration.yaml")
