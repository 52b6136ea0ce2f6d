"""The fast redraw in qianhai.charts.render must never show a different picture from a full draw.

Each case moves a widget of a real explorer (so its chart is redrawn on the saved static part, or with a
saved one restored), then compares the PNG, pixel by pixel, with the same figure drawn from scratch."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from qianhai import charts, data
from qianhai.charts import chart_key, nice_ceiling, png_bytes, wrap_to_width
from qianhai.finance import LoanSavingCalculator
from qianhai.governance import ServiceExplorer
from qianhai.sez import GrowthExplorer
from qianhai.timeline import DateExplorer


def pixels(fig) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png_bytes(fig))).convert("RGB")).astype(int)


def from_scratch(fig) -> np.ndarray:
    fig._qianhai_static.clear()
    engine = fig.get_layout_engine()
    engine._laid_out_for = None  # lay out again too
    return pixels(fig)


def differing(a: np.ndarray, b: np.ndarray) -> int:
    assert a.shape == b.shape
    return int((np.abs(a - b).sum(axis=2) > 0).sum())


@pytest.fixture(scope="module")
def gdp():
    return data.load("shenzhen_gdp")


def growth(gdp):
    return GrowthExplorer(gdp, "yearbook_revised", (2000, 2020))


def test_moving_a_line_redraws_only_the_moving_part(gdp):
    ex = growth(gdp)
    saved = list(ex.fig._qianhai_static)
    ex.range.slider.value = (2003, 2018)  # markers move; the axes stay
    assert ex.fig._qianhai_static[0] is saved[0], "the static part was drawn again"
    assert differing(pixels(ex.fig), from_scratch(ex.fig)) == 0


def test_a_saved_static_part_comes_back_with_its_layout(gdp):
    ex = growth(gdp)
    linear_position = ex.ax.get_position().bounds
    ex.scale.value = "log"  # new limits and tick labels: drawn in full, laid out again
    assert len(ex.fig._qianhai_static) == 2
    ex.scale.value = "linear"  # back: the saved picture and its axes position are restored
    assert ex.ax.get_position().bounds == pytest.approx(linear_position)
    assert differing(pixels(ex.fig), from_scratch(ex.fig)) == 0
    ex.scale.value = "log"
    assert differing(pixels(ex.fig), from_scratch(ex.fig)) == 0


def test_bars_bands_and_redrawn_timelines_match_a_full_draw():
    calc = LoanSavingCalculator()
    calc.amount.slider.value = 105  # bar heights change, limits stay (rounded up)
    assert differing(pixels(calc.fig), from_scratch(calc.fig)) == 0
    service = ServiceExplorer()
    service.steps.slider.value = service.steps.slider.value + 1  # bands replaced, marker moves
    assert differing(pixels(service.fig), from_scratch(service.fig)) == 0
    dates = DateExplorer(data.load("qianhai_timeline"), data.load("qianhai_zones"), data.load("ftz_count"),
                         "2015-04")
    dates.date.slider.value = "2016-04"  # the date line moves, later milestones fade
    assert differing(pixels(dates.fig), from_scratch(dates.fig)) == 0
    dates.rejected.value = False  # other milestones: the first drawing is hidden, a new one drawn
    assert differing(pixels(dates.fig), from_scratch(dates.fig)) == 0
    first_drawing = next(iter(dates.drawings.values()))  # the oldest: rejected dates shown
    dates.rejected.value = True  # back: the first drawing is shown again, not drawn anew
    assert next(reversed(dates.drawings.values())) is first_drawing and len(dates.drawings) == 2
    assert differing(pixels(dates.fig), from_scratch(dates.fig)) == 0


def test_a_change_of_tick_labels_redraws_the_static_part(gdp):
    ex = growth(gdp)
    renderer = ex.fig.canvas.get_renderer()
    before = chart_key(ex.fig, renderer)
    ex.ax.set_ylim(0, 123_456)
    assert chart_key(ex.fig, renderer) != before
    assert differing(pixels(ex.fig), from_scratch(ex.fig)) == 0


def test_a_title_that_outgrows_its_axes_changes_the_key(gdp):
    ex = growth(gdp)
    renderer = ex.fig.canvas.get_renderer()
    ex.ax.set_title("short", loc="left")
    short = chart_key(ex.fig, renderer)
    ex.ax.set_title("also short", loc="left")
    assert chart_key(ex.fig, renderer) == short  # same room above the axes
    ex.ax.set_title("a title far too long to fit above these axes " * 3, loc="left")
    assert chart_key(ex.fig, renderer) != short  # it needs room: laid out again, drawn in full


def test_savefig_still_draws_everything(gdp, tmp_path):
    ex = growth(gdp)
    png_bytes(ex.fig)  # leaves the moving artists un-animated
    assert not any(a.get_animated() for a in charts.moving_artists(ex.fig))
    ex.fig.savefig(tmp_path / "chart.png")
    saved = np.asarray(Image.open(tmp_path / "chart.png").convert("RGB")).astype(int)
    vermillion = np.array([0xD5, 0x5E, 0x00])  # the chosen-years markers
    assert (np.abs(saved - vermillion).sum(axis=2) < 10).any()


@pytest.mark.parametrize("value, expected", [
    (0.7, 0.75), (1, 1), (1.01, 1.5), (2, 2), (2.5, 3), (4.99, 5), (5.01, 7.5), (9.9, 10), (11, 15),
    (140, 150), (0.031, 0.05), (7_000, 7_500), (7_600, 10_000)])
def test_nice_ceiling_by_hand(value, expected):
    assert nice_ceiling(value) == pytest.approx(expected)


@pytest.mark.parametrize("bad", [0, -3, float("nan"), float("inf")])
def test_nice_ceiling_of_nonsense_is_one(bad):
    assert nice_ceiling(bad) == 1.0


def test_wrap_to_width_keeps_every_word_and_breaks_long_lines():
    text = "Source: " + " ".join(f"publisher{k} [ID{k}];" for k in range(12))
    wrapped = wrap_to_width(text, 8, 6.4)
    assert wrapped.split() == text.split()
    assert 1 < len(wrapped.splitlines()) <= 3
    assert wrap_to_width("short", 8, 6.4) == "short"
