"""Sweeps on every local core and on a Dask cluster give the same rows as one process."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from flopcast.cli.main import cli
from flopcast.scenario import sweep_mappers

ROOT = Path(__file__).resolve().parents[2]
S03 = str(ROOT / "examples" / "seed" / "S03_current_models_compute.yaml")
PLANS = str(ROOT / "examples" / "sweeps" / "llama3_405b_plans.yaml")
GRID = ["--vary", "utilization=20%:60%:5", "--vary", "chips=25000:100000:2:log",
        "--samples", "2000", "--format", "json"]  # fmt: skip


def _rows(*options):
    result = CliRunner().invoke(cli, ["sweep", S03, *GRID, *options])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_local_processes_give_the_rows_of_one_process():
    serial = _rows("--workers", "1")
    assert len(serial) == 10
    assert _rows("--workers", "2") == serial


def test_auto_spreads_a_slow_grid_and_keeps_the_rows(monkeypatch):
    serial = _rows("--workers", "1")
    monkeypatch.setattr(sweep_mappers, "PARALLEL_MIN_SECONDS", 0.0)  # every grid counts as slow
    assert _rows() == serial


def test_the_mapper_keeps_the_order_of_the_jobs():
    run = sweep_mappers.process_mapper(2)
    assert run(abs, [-3, 1, -2, 5, -8]) == [3, 1, 2, 5, 8]


@pytest.mark.parametrize("workers", ["0", "many", "-1"])
def test_a_bad_worker_count_exits_2(workers):
    result = CliRunner().invoke(cli, ["sweep", S03, *GRID, "--workers", workers])
    assert result.exit_code == 2 and "--workers" in result.output


def test_a_plan_sweep_varies_devices_and_the_network():
    result = CliRunner().invoke(cli, ["sweep", PLANS, "--vary", "nic_bandwidth=50:400:2:log",
                                      "--vary", "devices=4096:16384:2:log", "--format", "json",
                                      "--samples", "10", "--output", "best_mfu"])  # fmt: skip
    assert result.exit_code == 0, result.output
    mfu = {(r["devices"], r["nic_bandwidth"]): r["median"] for r in json.loads(result.output)
           if r["output"] == "best_mfu"}  # fmt: skip
    assert set(mfu) == {(d, n) for d in ("4096 chip", "16384 chip")
                        for n in ("50 Gbit/s", "400 Gbit/s")}  # fmt: skip
    # A faster network never lowers the best MFU; more devices at a fixed batch never raise it.
    for devices in ("4096 chip", "16384 chip"):
        assert mfu[(devices, "400 Gbit/s")] > mfu[(devices, "50 Gbit/s")]
    for nic in ("50 Gbit/s", "400 Gbit/s"):
        assert mfu[("16384 chip", nic)] < mfu[("4096 chip", nic)]


dask_distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def dask_cluster():
    cluster = dask_distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    yield cluster.scheduler_address
    cluster.close()


def test_a_dask_cluster_gives_the_rows_of_one_process(dask_cluster):
    assert _rows("--dask", dask_cluster) == _rows("--workers", "1")


def test_an_unreachable_dask_scheduler_exits_2(monkeypatch):
    monkeypatch.setattr(sweep_mappers, "DASK_CONNECT_SECONDS", 1)
    result = CliRunner().invoke(cli, ["sweep", S03, *GRID, "--dask", "tcp://127.0.0.1:9"])
    assert result.exit_code == 2 and "Dask scheduler" in result.output
