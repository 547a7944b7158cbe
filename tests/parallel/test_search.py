"""The plan search: vectorized evaluation equals the single-plan predictor, and it finds
Meta's published Llama 3 405B layout feasible and beats it."""

import json

import numpy as np
import pytest
from click.testing import CliRunner

from flopcast.catalog.loader import builtin_catalog
from flopcast.cli.main import cli
from flopcast.parallel.calibration import default_calibration
from flopcast.parallel.layout import resolve
from flopcast.parallel.plan import infeasibility
from flopcast.parallel.search import candidates, search
from flopcast.parallel.steptime import predict

CAL = default_calibration()
MODEL, H100, _ = resolve(builtin_catalog(), "llama3-405b", "h100-sxm")


@pytest.fixture(scope="module")
def result():
    return search(MODEL, H100, CAL, devices=16384, seq_len=8192, global_batches=[2048])


def test_candidates_pass_the_plan_rules():
    found = candidates(MODEL, H100, 16384, 8192, [2048])
    chunks = list(found.chunks(20_000))
    assert len(chunks) > 1  # evaluated a chunk at a time
    assert sum(len(plans.tp) for plans in chunks) == found.count > 10_000
    for plans in chunks:
        assert set(infeasibility(plans, MODEL, 16384)) == {""}
        assert np.all(plans.devices == 16384)
        assert all(getattr(plans, f).flags.c_contiguous for f in ("tp", "dp", "recompute"))


def test_vectorized_search_equals_single_plan_predictions(result):
    rng = np.random.default_rng(1)
    assert result.kept == min(result.feasible, 1000)
    for index in rng.choice(result.kept, size=25, replace=False):
        single = predict(MODEL, H100, result.plan(int(index)), CAL)
        assert float(single.step_time) == pytest.approx(float(result.step_time[index]))
        assert float(single.mfu) == pytest.approx(float(result.mfu[index]))
        assert float(single.memory.total) / 2**30 == pytest.approx(float(result.memory_gib[index]))


def test_ranked_best_first_and_all_fit(result):
    assert np.all(np.diff(result.tokens_per_s_per_device) <= 1e-9)
    assert np.all(result.memory_gib <= H100.hbm_bytes / 2**30)


def test_meta_layout_is_feasible_and_beaten(result):
    meta = search(MODEL, H100, CAL, devices=16384, seq_len=8192, global_batches=[2048],
                  restrict={"tp": [8], "pp": [16], "cp": [1]})  # fmt: skip
    assert meta.feasible > 0, "TP 8, PP 16, DP 128, CP 1 must fit in some variant"
    assert np.all(meta.plans.dp == 128)
    assert result.tokens_per_s_per_device[0] >= meta.tokens_per_s_per_device[0]


def test_chunks_and_keep_do_not_change_the_best(result):
    """Chunked evaluation with a bounded top list finds what one pass over all plans finds."""
    small = search(MODEL, H100, CAL, devices=16384, seq_len=8192, global_batches=[2048], keep=5)
    assert small.kept == 5 and small.evaluated == result.evaluated
    assert small.feasible == result.feasible
    assert np.array_equal(small.tokens_per_s_per_device, result.tokens_per_s_per_device[:5])
    assert all(
        np.array_equal(getattr(small.plans, f), getattr(result.plans, f)[:5])
        for f in ("tp", "pp", "dp", "cp", "vpp", "micro_batch", "recompute", "zero")
    )


def test_search_cli_json():
    args = ["search", "--model", "llama3-70b", "--accelerator", "h100-sxm", "--devices", "64",
            "--seq-len", "8192", "--global-batch-tokens", "1048576-4194304", "--top", "3",
            "--format", "json"]  # fmt: skip
    data = json.loads(CliRunner().invoke(cli, args).output)
    assert {"evaluated", "feasible", "seconds", "plans"} <= set(data)
    assert len(data["plans"]) == 3
    first = data["plans"][0]
    assert {"tp", "pp", "dp", "step_time_s", "tokens_per_s_per_device", "mfu", "memory_gib"} <= set(
        first
    )
    assert first["global_batch"] in (128, 256, 512)
    assert first["recompute"] in ("none", "selective", "full") and first["precision"] == "bf16"
    assert data["plans"][1]["loses_by"]


def test_search_cli_text_and_no_fit():
    runner = CliRunner()
    text = runner.invoke(cli, ["search", "--model", "llama3-8b", "--accelerator", "h100-sxm",
                               "--devices", "8", "--top", "2"])  # fmt: skip
    assert text.exit_code == 0 and "plans evaluated" in text.output and "best" in text.output
    none = runner.invoke(cli, ["search", "--model", "llama3-405b", "--accelerator", "a100-40gb",
                               "--devices", "8"])  # fmt: skip
    assert none.exit_code == 2 and "fits" in none.output


def _search(batch_tokens: str, *extra: str):
    args = ["search", "--model", "llama3-405b", "--accelerator", "h100-sxm",
            "--devices", "16384", "--seq-len", "8192", "--global-batch-tokens", batch_tokens,
            *extra]  # fmt: skip
    return CliRunner().invoke(cli, args)


def test_a_batch_few_layouts_divide_is_named_with_the_one_that_works():
    """16,000,000 tokens are 1,953 sequences of 8,192 (3^2 x 7 x 31): few DP x micro-batch
    products divide it, so the search says so and names 2,048 sequences."""
    rough = _search("16000000", "--format", "json")
    data = json.loads(rough.stdout)
    assert data["batch"]["sequences"] == [1953]
    assert "2,048 sequences" in data["batch"]["warning"]
    assert "--global-batch-tokens 16777216" in rough.stderr
    round_ = json.loads(_search("16777216", "--format", "json").stdout)
    assert round_["batch"]["warning"] is None
    assert round_["feasible"] > 2 * data["feasible"]
    assert round_["plans"][0]["mfu"] > data["plans"][0]["mfu"]


def test_search_text_names_objective_batch_precision_and_the_winners_breakdown():
    text = _search("16777216", "--precision", "both", "--top", "3").stdout
    assert "ranked by throughput; global batch 16,777,216 tokens" in text
    assert "precision both" in text and " prec " in text
    assert "#1's step: gemm" in text
    table = [line for line in text.splitlines() if line.startswith(" 1 ")]
    assert table and ("fp8" in table[0] or "bf16" in table[0])


def test_fp8_plans_say_their_mfu_is_against_the_bf16_peak():
    text = _search("16777216", "--precision", "fp8", "--top", "1").stdout
    assert "MFU is against the dense BF16 peak at every precision" in text
    bf16 = _search("16777216", "--precision", "bf16", "--top", "1").stdout
    assert "MFU is against" not in bf16
    data = json.loads(_search("16777216", "--format", "json").stdout)
    assert data["mfu_basis"].startswith("dense BF16 peak")
