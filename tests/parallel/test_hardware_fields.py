"""A user's accelerator must say what the step model needs: no silent family or domain."""

import pytest

from flopcast.catalog.loader import builtin_catalog, load_catalog
from flopcast.errors import InputError
from flopcast.parallel.hardware import FAMILIES, hardware_from_catalog

CHIP = """
kind: accelerator
entries:
  my-chip:
    name: My chip
{family}
    dense_bf16: {{value: 1.0e15, unit: FLOP/s/chip, source: spec}}
    hbm_capacity: {{value: 96, unit: GB/chip, source: spec}}
    hbm_bandwidth: {{value: 4, unit: TB/s/chip, source: spec}}
    scale_up_bandwidth: {{value: 900, unit: GB/s/chip, source: spec}}
{domain}
"""


def _chip(write, family="    family: other", domain=""):
    domain = domain or "    scale_up_domain: {value: 8, unit: chip, source: spec}"
    path = write(CHIP.format(family=family, domain=domain), "chip.yaml")
    catalog = load_catalog([str(path)])
    return hardware_from_catalog(catalog.entry("my-chip"), catalog)


def test_every_builtin_accelerator_names_its_family():
    """Each names its family; the step model takes it, or says which number it lacks (TPU v3's
    ICI bandwidth is unpublished)."""
    usable = 0
    for entry in builtin_catalog().of_kind("accelerator"):
        assert entry.text.get("family") in FAMILIES, entry.id
        try:
            hardware_from_catalog(entry, builtin_catalog())
            usable += 1
        except InputError as err:
            assert "has no" in str(err) and entry.id in str(err)
    assert usable >= 18


def test_a_complete_user_chip_is_accepted(write):
    assert _chip(write).family == "other"


@pytest.mark.parametrize("family", ["", "    family: volta"])
def test_a_missing_or_unknown_family_is_an_error(write, family):
    with pytest.raises(InputError, match="needs a 'family' \\(one of a100, hopper"):
        _chip(write, family=family)


def test_a_missing_scale_up_domain_is_an_error(write):
    with pytest.raises(InputError, match="no 'scale_up_domain'"):
        _chip(write, domain="    tdp: {value: 700, unit: W/chip, source: spec}")
