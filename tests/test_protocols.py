"""Tests for yieldtrial.protocols: standard moisture per crop and protocol."""

from __future__ import annotations

import dataclasses

import pytest

from yieldtrial import DataValidationError
from yieldtrial.protocols import (
    CROPS,
    PROTOCOLS,
    MoistureStandard,
    canonical_crop,
    moisture_standard,
    moisture_standards_table,
    plausible_harvest_moisture_pct,
    standard_moisture_pct,
)


@pytest.mark.parametrize(
    ("crop", "protocol", "expected"),
    [
        # Chinese yield-test protocol (domain-standards §1.2, §2.2)
        ("wheat", "cn-yield-test", 13.0),
        ("maize", "cn-yield-test", 14.0),
        ("rice_indica", "cn-yield-test", 13.5),
        ("rice_japonica", "cn-yield-test", 14.5),
        ("soybean", "cn-yield-test", 13.0),
        # US trade/research standards (domain-standards §2.2 and issue 2 item 4)
        ("maize", "usda", 15.5),
        ("wheat", "usda", 13.5),
        ("soybean", "usda", 13.0),
        ("barley", "usda", 14.5),
        ("sorghum", "usda", 14.0),
        ("oats", "usda", 14.0),
        ("rye", "usda", 14.0),
        ("rice", "usda", 12.0),
        # dry-matter basis is 0 % by definition
        ("wheat", "dry-matter", 0.0),
        ("rice", "dry-matter", 0.0),
    ],
)
def test_standard_moisture_pct_values(crop: str, protocol: str, expected: float) -> None:
    """Each protocol gives the tabulated standard moisture."""
    assert standard_moisture_pct(crop, protocol=protocol) == expected


def test_default_protocol_is_cn_yield_test() -> None:
    """The default protocol is the Chinese yield test (wheat 13 %)."""
    # domain-standards §1.2: 国家商品粮贮藏标准含水量 13 %
    assert standard_moisture_pct("wheat") == 13.0


@pytest.mark.parametrize(
    ("alias", "expected"),
    [
        ("corn", "maize"),
        ("Corn", "maize"),
        ("玉米", "maize"),
        ("小麦", "wheat"),
        ("Winter-Wheat", "wheat"),
        ("水稻", "rice"),
        ("籼稻", "rice_indica"),
        ("粳稻", "rice_japonica"),
        ("indica rice", "rice_indica"),
        ("rice_japonica", "rice_japonica"),
        ("大豆", "soybean"),
        ("soybeans", "soybean"),
        ("大麦", "barley"),
        ("高粱", "sorghum"),
        ("milo", "sorghum"),
        ("燕麦", "oats"),
        ("黑麦", "rye"),
        ("  WHEAT  ", "wheat"),
    ],
)
def test_canonical_crop_aliases(alias: str, expected: str) -> None:
    """English and Chinese aliases map to the canonical key, case-insensitively."""
    assert canonical_crop(alias) == expected


def test_canonical_crop_every_key_maps_to_itself() -> None:
    """Every canonical key is accepted as is."""
    assert [canonical_crop(crop) for crop in CROPS] == list(CROPS)


def test_unknown_crop() -> None:
    """An unknown crop is an error listing the known crops."""
    with pytest.raises(DataValidationError, match=r"unknown crop 'potato'.*wheat.*maize \(corn"):
        canonical_crop("potato")


def test_crop_not_text() -> None:
    """A crop that is not text is an error."""
    with pytest.raises(DataValidationError, match="crop must be a crop name"):
        canonical_crop(3)  # type: ignore[arg-type]


def test_unknown_protocol() -> None:
    """An unknown protocol is an error listing the protocols."""
    with pytest.raises(DataValidationError, match="unknown protocol 'iso'.*cn-yield-test, usda"):
        standard_moisture_pct("wheat", protocol="iso")


def test_generic_rice_ambiguous_for_cn() -> None:
    """Plain 'rice' under cn-yield-test asks to choose indica 13.5 or japonica 14.5."""
    with pytest.raises(DataValidationError, match=r"籼稻.*13\.5.*粳稻|13\.5 % for indica.*14\.5"):
        standard_moisture_pct("水稻")


def test_rice_types_under_usda_are_rough_rice() -> None:
    """USDA does not split rice types: both are rough rice at 12 %."""
    # domain-standards §2.2: rough rice 12 % [M]
    assert standard_moisture_pct("籼稻", protocol="usda") == 12.0
    assert moisture_standard("粳稻", protocol="usda").crop == "rice_japonica"


def test_protocol_without_crop() -> None:
    """A crop the protocol does not cover is an error naming the covered crops."""
    with pytest.raises(DataValidationError, match=r"no standard moisture for 'barley'.*maize"):
        standard_moisture_pct("barley", protocol="cn-yield-test")


def test_moisture_standard_is_frozen_with_source() -> None:
    """moisture_standard returns a frozen record with a source."""
    standard = moisture_standard("corn", protocol="usda")
    assert isinstance(standard, MoistureStandard)
    assert standard.crop == "maize"
    assert standard.protocol == "usda"
    assert "SDSU" in standard.source
    with pytest.raises(dataclasses.FrozenInstanceError):
        standard.moisture_pct = 14.0  # type: ignore[misc]


@pytest.mark.parametrize(
    "crop", ["wheat", "maize", "soybean", "barley", "sorghum", "oats", "rye", "rice"]
)
def test_usda_sources_have_a_chinese_rendering(crop: str) -> None:
    """Each USDA-protocol source has a zh text that keeps the URL of the English one."""
    import re

    standard = moisture_standard(crop, protocol="usda")
    assert re.search(r"[\u4e00-\u9fff]", standard.source_zh)
    assert re.findall(r"https?://\S+", standard.source_zh) == re.findall(
        r"https?://\S+", standard.source
    )


@pytest.mark.parametrize(
    ("crop", "protocol", "confirmed"),
    [
        # tags from domain-standards §2.2: [S] confirmed, [M] unconfirmed
        ("wheat", "cn-yield-test", True),
        ("rice_indica", "cn-yield-test", True),
        ("soybean", "cn-yield-test", False),
        ("maize", "usda", True),
        ("sorghum", "usda", False),
        ("rice", "usda", False),
    ],
)
def test_confirmed_flags(crop: str, protocol: str, confirmed: bool) -> None:
    """Unconfirmed values are flagged as such."""
    assert moisture_standard(crop, protocol=protocol).confirmed is confirmed


def test_every_protocol_value_has_source() -> None:
    """Every tabulated value has a non-empty source and a valid protocol."""
    table = moisture_standards_table()
    assert set(table["protocol"]) <= set(PROTOCOLS)
    assert (table["source"].str.len() > 10).all()
    assert table["moisture_pct"].between(0, 100).all()


def test_plausible_range_flags_wheat_at_5_pct() -> None:
    """Wheat at 5 % lies outside its plausible harvest range; 13 % inside."""
    # domain-standards §0: 5 % at combine harvest is implausible (typically 10-20 %)
    low, high = plausible_harvest_moisture_pct("wheat")
    assert not low <= 5 <= high
    assert low <= 13 <= high


@pytest.mark.parametrize("crop", CROPS)
def test_plausible_range_contains_standard(crop: str) -> None:
    """Every crop's range contains its standard moisture under some protocol."""
    low, high = plausible_harvest_moisture_pct(crop)
    values = []
    for protocol in ("cn-yield-test", "usda"):
        try:
            values.append(standard_moisture_pct(crop, protocol=protocol))
        except DataValidationError:
            continue
    assert values
    assert all(low <= value <= high for value in values)
