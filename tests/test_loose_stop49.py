"""Loose ends of stop 48 fixed in stop 49: one rule in Python and trial.toml, zh lines."""

from __future__ import annotations

import pytest

from yieldtrial.commands._zh_messages import translate
from yieldtrial.config import TrialConfig
from yieldtrial.errors import DataValidationError


def test_blank_design_column_in_python_has_its_chinese_line() -> None:
    with pytest.raises(DataValidationError) as caught:
        TrialConfig(block="")
    assert translate(str(caught.value)) == (
        "TrialConfig：[analysis] block = '' 没有给出列名（为空）；请写出小区表中该列的列名，如 "
        'block = "rep"；该列本就名为 block 时，删去此项即可。'
    )


def test_unused_price_of_the_economics_argument_has_its_chinese_line() -> None:
    message = (
        "prices gives a price for 'Urea ', which no treatment's fertilizer names as its "
        "product, so it is not used (the products: 'urea'); check the spelling against the "
        "products' names, or remove it"
    )
    assert translate(message) == (
        "prices 中有未被使用的价格：'Urea '；没有哪个处理的肥料以其为产品（现有产品：'urea'）；"
        "请对照产品名称检查拼写，或将其删去"
    )
