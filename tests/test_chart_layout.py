"""The layout of a course chart (qianhai.charts.LayoutWhenNeeded) against matplotlib's constrained layout.

A course chart has one axes and a source line; for it the engine computes the layout directly instead of
running the constrained-layout solver. The reference for every case is the same figure laid out by matplotlib's
own constrained layout (default pads, 3 points): the axes must land where that puts them, within 2 pixels on
each side, and nothing may stick out of the figure. Anything else (two axes, a colorbar) gets constrained
layout itself, to the pixel."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from qianhai import charts
from qianhai.charts import LayoutWhenNeeded, apply_style, finish, new_figure

PAD_PX = 3 / 72 * charts.STYLE["figure.dpi"]


def lines_with_inside_legend(fig, ax):
    years = np.arange(1979, 2026)
    ax.plot(years, 2 ** ((years - 1979) / 4), label="a long-ish series name")
    ax.plot(years, 1.5 ** ((years - 1979) / 4), label="another")
    ax.legend(loc="upper left")
    return dict(title="Two series", xlabel="Year", ylabel="100 million CNY, current prices")


def bars_with_long_categories(fig, ax):
    names = ["International Financial City", "Bonded Port Area", "cooperation zone, expanded (2021)"]
    ax.barh(names, [3.1, 3.7, 120.56])
    ax.grid(axis="y", visible=False)
    return dict(title="The three Qianhais", xlabel="area, km²", ylabel="")


def annotation_and_outside_legend(fig, ax):
    ax.plot([0, 1, 2, 3], [3, 1, 4, 1], label="one")
    ax.plot([0, 1, 2, 3], [1, 2, 1, 3], label="two")
    ax.annotate("a break", xy=(1, 2), xytext=(2.2, 3.5), arrowprops={"arrowstyle": "->"})
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    # (A title longer than the figure is wide would stick out under either layout: both leave its width out.)
    return dict(title="An arrow and a legend outside", xlabel="x", ylabel="y, with units")


def log_scale_and_big_numbers(fig, ax):
    ax.plot([1, 10, 100, 1000], [2_000_000, 30_000_000, 40_000_000, 900_000_000])
    ax.set_xscale("log")
    return dict(title="Log scale", xlabel="firms (log scale)", ylabel="yuan")


CASES = [lines_with_inside_legend, bars_with_long_categories, annotation_and_outside_legend, log_scale_and_big_numbers]


def build(case, layout, size=(6.4, 3.4)):
    apply_style()
    fig, ax = plt.subplots(figsize=size, layout=layout)
    labels = case(fig, ax)
    finish(fig, ax, alt="test chart", model=True, **labels)
    FigureCanvasAgg(fig).draw()
    return fig, ax


def frame_px(fig, ax):
    return ax.get_position().transformed(fig.transFigure)


@pytest.mark.parametrize("size", [(6.4, 3.4), (5.4, 2.9)])
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.__name__)
def test_the_axes_land_where_constrained_layout_puts_them(case, size):
    ours, ours_ax = build(case, LayoutWhenNeeded(), size)
    reference, reference_ax = build(case, "constrained", size)
    assert np.allclose(frame_px(ours, ours_ax).extents, frame_px(reference, reference_ax).extents, atol=2.0), (
        f"ours {frame_px(ours, ours_ax).extents}, constrained layout {frame_px(reference, reference_ax).extents}")


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.__name__)
def test_nothing_sticks_out_of_the_figure(case):
    fig, ax = build(case, LayoutWhenNeeded())
    renderer = fig.canvas.get_renderer()
    everything = fig.get_tightbbox(renderer).transformed(fig.dpi_scale_trans)  # inches to pixels
    assert everything.x0 >= PAD_PX - 1 and everything.y0 >= PAD_PX - 1
    assert everything.x1 <= fig.bbox.x1 - PAD_PX + 1 and everything.y1 <= fig.bbox.y1 - PAD_PX + 1
    source = fig._supxlabel.get_window_extent(renderer)
    assert source.y0 == pytest.approx(PAD_PX, abs=0.5)  # the source line sits one pad above the bottom
    decorations_below = ax.xaxis.get_tightbbox(renderer)
    assert decorations_below.y0 >= source.y1 + PAD_PX - 1  # and a pad below everything else


def test_a_course_figure_uses_it():
    fig, _ = new_figure()
    assert isinstance(fig.get_layout_engine(), LayoutWhenNeeded)
    plt.close(fig)


def test_two_axes_get_constrained_layout_itself():
    positions = []
    for layout in (LayoutWhenNeeded(), "constrained"):
        apply_style()
        fig, (left, right) = plt.subplots(1, 2, figsize=(6.4, 3.0), layout=layout)
        left.plot([1, 2], [1, 1000])
        right.barh(["a long category name", "b"], [1, 2])
        fig.supxlabel("Source: none", x=0.01, ha="left", fontsize=8)
        FigureCanvasAgg(fig).draw()
        positions.append([ax.get_position().extents for ax in (left, right)])
        plt.close(fig)
    assert np.allclose(positions[0], positions[1], atol=1e-5)  # the solver's float noise


def test_decorations_that_leave_no_room_keep_the_axes_in_place():
    apply_style()
    fig, ax = plt.subplots(figsize=(1.0, 0.6), layout=LayoutWhenNeeded())
    ax.plot([0, 1], [0, 1], label="a legend entry far too long for so small a figure")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    before = ax.get_position().extents
    FigureCanvasAgg(fig).draw()
    assert np.array_equal(ax.get_position().extents, before)
    plt.close(fig)
