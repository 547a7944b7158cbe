"""The built-in catalogs: every number sourced, the required IDs present, bad user files refused."""

from importlib import resources

import pytest
import yaml
from click.testing import CliRunner

from flopcast.catalog.loader import (
    BUILTIN_FILES,
    builtin_catalog,
    builtin_texts,
    load_catalog,
    parse_catalog_text,
)
from flopcast.cli.main import cli
from flopcast.errors import InputError, UnitError, UnknownNameError
from flopcast.quantity.units import parse_unit

REQUIRED = {
    "accelerator": "a100-40gb a100-80gb h100-sxm h200 h800 b200 gb200 gb300 mi300x mi325x "
    "tpu-v4 tpu-v5e tpu-v5p tpu-v6e trn1 trn2 gaudi3",
    "model": "gpt3-175b chinchilla-70b palm-540b llama2-7b llama2-13b llama2-70b llama3-8b "
    "llama3-70b llama3-405b nemotron4-15b nemotron4-340b mixtral-8x7b mixtral-8x22b "
    "deepseek-v3 qwen2.5-7b qwen2.5-72b gpt4 yi-lightning",
    "cluster": "aws-new-carlisle goodyear-phoenix-h100 meta-24k-h100 xai-colossus",
}


def _raw_numbers():
    """Every number mapping in the raw YAML files, read without flopcast's loader."""
    folder = resources.files("flopcast.catalog") / "data"
    for name in BUILTIN_FILES:
        data = yaml.safe_load((folder / name).read_text())
        for entry_id, entry in data["entries"].items():
            for field, value in entry.items():
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    yield name, entry_id, field, {"bare": value}
                if isinstance(value, dict):
                    yield name, entry_id, field, value


def test_every_catalog_number_has_unit_and_source():
    count = 0
    for name, entry_id, field, spec in _raw_numbers():
        where = f"{name} {entry_id}.{field}"
        assert "bare" not in spec, f"{where}: a bare number"
        assert ("value" in spec) != ("range" in spec), where
        assert isinstance(spec.get("source"), str) and spec["source"].strip(), where
        parse_unit(spec["unit"])  # a real unit
        if name == "prices.yaml":
            assert spec.get("date"), f"{where}: a price needs a date"
        count += 1
    assert count > 300  # the catalogs are not empty


def test_builtin_files_pass_the_strict_loader():
    for text, origin in builtin_texts():
        assert parse_catalog_text(text, origin, strict=True)


@pytest.mark.parametrize("kind", sorted(REQUIRED))
def test_required_entries_present(kind):
    ids = {entry.id for entry in builtin_catalog().of_kind(kind)}
    assert set(REQUIRED[kind].split()) <= ids


def test_ids_are_lowercase_with_hyphens():
    for entry_id in builtin_catalog().entries:
        assert entry_id == entry_id.lower() and " " not in entry_id and "_" not in entry_id


def test_accelerator_peaks_are_dense_and_ordered():
    catalog = builtin_catalog()
    h100 = catalog.value("h100-sxm.dense_bf16")
    assert h100.low == pytest.approx(989.4e12)
    for entry in catalog.of_kind("accelerator"):
        if "dense_fp8" in entry.numbers and "dense_bf16" in entry.numbers:
            assert entry.numbers["dense_fp8"].low >= entry.numbers["dense_bf16"].low, entry.id


def test_lookup_by_reference_and_alias():
    catalog = builtin_catalog()
    assert catalog.value("together-qwen2.5-7b-2024.price").unit == parse_unit("USD/Mtoken")
    assert catalog.by_alias("H100-SXM5-80GB (DGX H100)", "accelerator").id == "h100-sxm"
    assert catalog.by_alias("TPU v5e", "accelerator").id == "tpu-v5e"


def test_unknown_ids_list_closest():
    with pytest.raises(UnknownNameError, match="closest: h100-sxm"):
        builtin_catalog().entry("h100-sxn")
    with pytest.raises(UnknownNameError, match="has no number 'dense_bf17'"):
        builtin_catalog().value("h100-sxm.dense_bf17")


GOOD_USER = """
kind: accelerator
entries:
  h100-sxm:
    dense_bf16: {value: 1.0e15, unit: FLOP/s/chip, source: my benchmark}
  my-chip:
    name: My chip
    dense_bf16: {value: 2.0e15, unit: FLOP/s/chip, source: vendor sheet}
"""


def test_user_catalog_overrides_fields_by_id(write):
    catalog = load_catalog([str(write(GOOD_USER, "mine.yaml"))])
    h100 = catalog.entry("h100-sxm")
    assert h100.numbers["dense_bf16"].low == 1.0e15
    assert h100.numbers["tdp"].low == 700  # kept from the built-in entry
    assert catalog.entry("my-chip").name == "My chip"
    assert builtin_catalog().value("h100-sxm.dense_bf16").low == pytest.approx(989.4e12)


@pytest.mark.parametrize(
    ("change", "kind", "field", "fragment"),
    [
        (
            ("unit: FLOP/s/chip, source: vendor sheet", "source: vendor sheet"),
            InputError,
            "entries.my-chip.dense_bf16",
            "missing 'unit'",
        ),
        (
            ("unit: FLOP/s/chip, source: vendor sheet", "unit: FLOP/s/chip"),
            InputError,
            "entries.my-chip.dense_bf16",
            "missing 'source'",
        ),
        (
            ("unit: FLOP/s/chip, source: vendor sheet", "unit: MW, source: v"),
            UnitError,
            "entries.my-chip.dense_bf16",
            "does not fit",
        ),
        (("my-chip:", "h100-sxm:"), InputError, None, "duplicate key 'h100-sxm'"),
        (("my-chip:", "My_Chip:"), InputError, "My_Chip", "lowercase"),
        (
            ("value: 2.0e15", "range: [3.0e15, 2.0e15]"),
            InputError,
            "entries.my-chip.dense_bf16",
            "above",
        ),
        (("kind: accelerator", "kind: gadget"), InputError, "kind", "one of"),
        (("name: My chip", "name: 3"), InputError, "entries.my-chip.name", "bare int"),
        (("kind: accelerator", "kind: model"), InputError, "h100-sxm", "of kind 'accelerator'"),
    ],
)
def test_bad_user_catalogs(write, change, kind, field, fragment):
    path = write(GOOD_USER.replace(*change), "bad.yaml")
    with pytest.raises(kind) as err:
        load_catalog([str(path)])
    assert err.value.file == str(path)
    assert err.value.field == field
    assert fragment in str(err.value)


def test_catalog_cli_and_override_in_a_run(write):
    runner = CliRunner()
    shown = runner.invoke(cli, ["catalog", "show", "h100-sxm"])
    assert shown.exit_code == 0 and "dense_bf16" in shown.output and "W/chip" in shown.output
    listed = runner.invoke(cli, ["catalog", "list", "model"])
    assert listed.exit_code == 0 and "llama3-405b" in listed.output
    aliased = runner.invoke(cli, ["catalog", "show", "H100"])  # an alias of h100-sxm
    assert aliased.exit_code == 0 and aliased.output.startswith("h100-sxm:")
    missing = runner.invoke(cli, ["catalog", "show", "h100-sxn"])
    assert missing.exit_code == 2 and "closest" in missing.output
    scenario = write(
        "title: t\ninputs:\n  peak: {catalog: h100-sxm.dense_bf16}\n"
        "outputs:\n  p: {expr: peak, unit: TFLOP/s/chip}\n",
        "s.yaml",
    )
    user = write(GOOD_USER, "mine.yaml")
    plain = runner.invoke(cli, ["run", str(scenario), "--format", "json"])
    overridden = runner.invoke(
        cli, ["run", str(scenario), "--format", "json", "--catalog", str(user)]
    )
    assert '"median": 989.4' in plain.output
    assert '"median": 1000.0' in overridden.output
    assert "my benchmark" in overridden.output
    bad = write("kind: accelerator\nentries:\n  x: {tdp: 3}\n", "bad.yaml")
    refused = runner.invoke(cli, ["run", str(scenario), "--catalog", str(bad)])
    assert (
        refused.exit_code == 2
        and "bad.yaml" in refused.output
        and "entries.x.tdp" in refused.output
    )


def _ends(value):
    return value.low, value.high


def test_power_bases_follow_the_overheads():
    """it_power = server_power x network share, facility_power = it_power x PUE, end by end,
    from the sourced overheads entry (each basis recomputed, not read back)."""
    catalog = builtin_catalog()
    share = catalog.value("ai-datacenter-overheads.network_power_share")
    pue = catalog.value("ai-datacenter-overheads.pue")
    checked = 0
    for entry in catalog.of_kind("accelerator"):
        if not {"server_power", "it_power", "facility_power"} <= set(entry.numbers):
            continue
        server = entry.numbers["server_power"]
        it = entry.numbers["it_power"]
        facility = entry.numbers["facility_power"]
        assert _ends(it) == pytest.approx(
            (server.low * share.low, server.high * share.high), rel=0.005
        ), entry.id
        assert _ends(facility) == pytest.approx((it.low * pue.low, it.high * pue.high), rel=0.01), (
            entry.id
        )
        assert facility.low > it.low > server.low >= entry.numbers["tdp"].low, entry.id
        checked += 1
    assert checked >= 8


def test_currencies_are_units_of_their_own():
    catalog = builtin_catalog()
    rate = catalog.value("fx-cny-2024-10.rate")
    assert rate.unit == parse_unit("USD/CNY") and 0.13 < rate.low < 0.15
    for entry in catalog.of_kind("price"):
        if entry.id.startswith("fx-") and "per_usd" in entry.numbers:
            # the two quotes of one rate are reciprocal
            assert entry.numbers["rate"].low * entry.numbers["per_usd"].low == pytest.approx(
                1, rel=1e-4
            ), entry.id
    with pytest.raises(UnitError):
        from flopcast.quantity.units import convert, parse_quantity

        convert(parse_quantity("1 CNY"), parse_unit("USD"))


def test_parsed_catalog_cache_is_equal_and_survives_corruption(tmp_path, monkeypatch):
    """The on-disk cache of the built-in files' parsed YAML gives what parsing gives, and a
    corrupt or unwritable cache falls back to parsing."""
    from flopcast.catalog import loader

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    fresh = loader._parsed_builtin_files()  # parses and writes the cache
    (cache_file,) = (tmp_path / "flopcast").glob("catalog-*.marshal")
    assert loader._parsed_builtin_files() == fresh  # read back
    cache_file.write_bytes(b"\x00garbage")
    assert loader._parsed_builtin_files() == fresh
    expected = [(yaml.safe_load(text), origin) for text, origin in builtin_texts()]
    assert fresh == expected
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    assert loader._parsed_builtin_files() == fresh
