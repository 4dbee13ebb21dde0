"""Tests for yieldtrial.design.maps.set_row_label (field-map row labels per language)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt

from yieldtrial.design.maps import set_row_label


def test_chinese_row_label_is_upright() -> None:
    fig, ax = plt.subplots()
    try:
        set_row_label(ax, "行", "zh")
        assert ax.yaxis.label.get_rotation() == 0.0
        assert ax.yaxis.label.get_text() == "行"
    finally:
        plt.close(fig)


def test_english_row_label_runs_along_the_axis() -> None:
    fig, ax = plt.subplots()
    try:
        set_row_label(ax, "row", "en")
        assert ax.yaxis.label.get_rotation() == 90.0
    finally:
        plt.close(fig)
