"""A widget's chart is redrawn by blitting (qianhai.charts.Chart.draw): the saved frame, then the axes'
contents on it. The picture must be the one a full draw of the same figure gives."""

from __future__ import annotations

import io
import matplotlib.pyplot
import numpy as np
import pytest

from qianhai import data
from qianhai.charts import nice_ceiling, wrap_to_width
from qianhai.sez import GrowthExplorer
from qianhai.timeline import DateExplorer


def blitted(chart) -> np.ndarray:
    chart.draw()
    return np.array(chart.canvas.buffer_rgba())


def full_draw(chart) -> np.ndarray:
    chart.canvas.draw()  # everything, in zorder, with the layout as it is (frozen)
    return np.array(chart.canvas.buffer_rgba())


def differing(a: np.ndarray, b: np.ndarray) -> int:
    assert a.shape == b.shape
    return int((a != b).any(axis=2).sum())


@pytest.fixture(scope="module")
def gdp():
    return data.load("shenzhen_gdp")


def test_moving_markers_redraw_only_the_axes_contents_and_match_a_full_draw(gdp):
    ex = GrowthExplorer(gdp, "yearbook_revised", (2000, 2020))
    redraws = []
    ex.chart.canvas.draw = lambda: redraws.append(1)  # a full draw would be counted here
    ex.range.slider.value = (2003, 2018)  # markers and title move; limits, ticks, labels stay
    assert redraws == [], "the frame was drawn again"
    del ex.chart.canvas.draw
    assert differing(blitted(ex.chart), full_draw(ex.chart)) == 0


def test_a_new_frame_is_laid_out_and_drawn_again_and_kept(gdp):
    ex = GrowthExplorer(gdp, "yearbook_revised", (2000, 2020))
    linear = ex.ax.get_position().bounds
    ex.scale.value = "log"  # new scale and tick labels: the frame is drawn again
    assert differing(blitted(ex.chart), full_draw(ex.chart)) == 0
    assert ex.fig.get_layout_engine().__class__.__name__ == "PlaceHolderLayoutEngine"  # frozen after the layout
    redraws = []
    ex.chart.canvas.draw = lambda: redraws.append(1)
    ex.scale.value = "linear"  # back: the kept frame and the axes' place in it
    assert redraws == [] and ex.ax.get_position().bounds == pytest.approx(linear)
    del ex.chart.canvas.draw
    assert differing(blitted(ex.chart), full_draw(ex.chart)) == 0


def test_artists_removed_and_added_match_a_full_draw():
    dates = DateExplorer(data.load("qianhai_timeline"), data.load("qianhai_zones"), data.load("ftz_count"),
                         "2015-04")
    dates.date.slider.value = "2016-04"  # the date line moves, later milestones fade
    assert differing(blitted(dates.chart), full_draw(dates.chart)) == 0
    dates.rejected.value = False  # other milestones: one drawing hidden, another drawn
    assert differing(blitted(dates.chart), full_draw(dates.chart)) == 0


def test_savefig_still_draws_everything(gdp, tmp_path):
    ex = GrowthExplorer(gdp, "yearbook_revised", (2000, 2020))
    ex.fig.savefig(tmp_path / "chart.png")
    from PIL import Image

    saved = np.asarray(Image.open(tmp_path / "chart.png").convert("RGB")).astype(int)
    vermillion = np.array([0xD5, 0x5E, 0x00])  # the chosen-years markers (animated only while the frame is drawn)
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


def test_a_legend_beside_the_axes_that_grows_is_laid_out_again():
    from qianhai.charts import Chart, new_figure

    fig, ax = new_figure()
    (line,) = ax.plot([0, 1], [0, 1], label="short")
    ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5))
    chart = Chart(fig, "A line.")
    chart.draw()
    width = ax.get_position().width
    line.set_label("a much, much longer name for the same line")
    ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5))
    chart.draw()
    try:
        assert ax.get_position().width < width  # the axes made room: the legend is not cut off at the edge
        assert differing(blitted(chart), full_draw(chart)) == 0
    finally:
        matplotlib.pyplot.close(fig)  # a figure left open would show up in the next test that counts open figures


def test_a_redraw_png_is_the_picture_in_the_course_palette(gdp):
    # The first PNG of a chart (the one a saved notebook keeps) has a palette of its own; a redraw's PNG maps
    # pixels to the fixed course palette: white plus 16 shades on white of each of the 8 Okabe-Ito colours
    # and the source line's grey, 1 + 9 × 16 = 145 shades, of which one is there twice: grey (80, 80, 80) is
    # shade 11 of black (255 - 11 × 255 / 16 = 79.7) and shade 15 of #444444 (255 - 15 × (255 - 68) / 16 = 79.7).
    from PIL import Image

    from qianhai.charts import course_palette, png_bytes

    entries = course_palette().getpalette()
    assert len(set(zip(entries[0::3], entries[1::3], entries[2::3]))) == 144
    ex = GrowthExplorer(gdp, "yearbook_revised", (2000, 2020))  # shows its first PNG
    ex.range.slider.value = (2003, 2018)
    first, redraw = png_bytes(ex.chart.canvas), ex.chart.png()
    assert redraw != first
    picture = np.asarray(Image.open(io.BytesIO(redraw)).convert("RGB")).astype(int)
    drawn = np.array(ex.chart.canvas.buffer_rgba())[..., :3].astype(int)
    assert picture.shape == drawn.shape
    white = (drawn == 255).all(axis=2)
    assert (picture[white] == 255).all()  # the background stays pure white
    error = np.abs(picture - drawn).max(axis=2)
    assert np.percentile(error, 99) <= 16  # within a shade step (255 / 16) for all but antialiased edges
    matplotlib.pyplot.close("all")


def chart_with_legend(make_legend, ys):
    """A finished model chart with a moving line (through ``ys``) and the legend ``make_legend(fig, ax)`` gives,
    drawn once; then every later drawing of the legend is counted in the returned list."""
    from qianhai.charts import finish, new_figure

    fig, ax = new_figure()
    (line,) = ax.plot([0, 1, 2], ys, label="moving line")
    legend = make_legend(fig, ax)
    ax.set(xlim=(0, 2), ylim=(0, 2))
    chart = finish(fig, ax, title="t", xlabel="x", ylabel="y", alt="a", model=True)
    chart.draw()
    drawn = []
    legend.draw = lambda renderer, original=legend.draw: (drawn.append(1), original(renderer))
    return chart, line, legend, drawn


def test_a_legend_beside_the_axes_is_drawn_with_the_frame_only():
    def beside(fig, ax):
        ax.plot([0, 2], [0.5, 0.5], label="still line")
        return fig.legend(loc="outside right upper")

    chart, line, legend, drawn = chart_with_legend(beside, [0, 1, 0])
    line.set_data([0, 1, 2], [1, 0, 1])
    assert differing(blitted(chart), full_draw(chart)) == 0
    assert len(drawn) == 1, "drawn by the full draw only, not by the redraw"
    matplotlib.pyplot.close(chart.figure)


def test_a_legend_that_turns_out_to_cover_the_axes_is_redrawn_with_the_data():
    # anchored to a point inside the axes
    chart, line, legend, drawn = chart_with_legend(
        lambda fig, ax: ax.legend(loc="center", bbox_to_anchor=(0.5, 0.5, 0, 0)), [0, 1, 0])
    line.set_data([0, 1, 2], [0.9, 1.1, 0.9])  # through the legend: the legend stays on top, as in a full draw
    assert differing(blitted(chart), full_draw(chart)) == 0
    assert len(drawn) == 2, "drawn by the redraw and by the full draw"
    matplotlib.pyplot.close(chart.figure)


def test_the_first_png_keeps_a_white_background(gdp):
    # The tree quantizer averaged white with antialiased pixels into (254, 254, 254): a grey box on the page.
    from PIL import Image

    from qianhai.charts import png_bytes

    ex = GrowthExplorer(gdp, "yearbook_revised", (2000, 2020))
    picture = Image.open(io.BytesIO(png_bytes(ex.chart.canvas))).convert("RGB")
    assert picture.getpixel((2, 2)) == (255, 255, 255)
    matplotlib.pyplot.close("all")


def test_a_legend_inside_the_axes_over_empty_space_is_pasted_not_drawn_again():
    # Text is the slowest thing to draw: a legend with nothing under it looks the same every time, so a redraw
    # pastes its first picture; new entries give a new picture; data under it make the redraw draw it.
    chart, line, legend, drawn = chart_with_legend(lambda fig, ax: ax.legend(loc="upper left"), [0, 0.5, 0])
    line.set_data([0, 1, 2], [0.2, 0.6, 0.2])  # well below the legend
    assert differing(blitted(chart), full_draw(chart)) == 0
    assert len(drawn) == 1, "drawn by the full draw only, pasted by the redraw"
    legend.get_texts()[0].set_text("a renamed line")
    assert differing(blitted(chart), full_draw(chart)) == 0
    assert len(drawn) == 3, "new entries: drawn by the redraw and by the full draw"
    line.set_data([0, 1, 2], [1.9, 1.9, 1.9])  # through the legend: drawn over the line, as in a full draw
    assert differing(blitted(chart), full_draw(chart)) == 0
    assert len(drawn) == 5
    matplotlib.pyplot.close(chart.figure)


def test_a_title_is_pasted_while_its_wording_stays_and_drawn_when_it_changes(gdp):
    ex = GrowthExplorer(gdp, "yearbook_revised", (2000, 2020))
    title = next(t for t in ex.ax.get_children()
                 if type(t).__name__ == "Text" and t.get_text() and t.get_text() == ex.ax.get_title(loc="left"))
    drawn = []
    title.draw = lambda renderer, original=title.draw: (drawn.append(title.get_text()), original(renderer))
    ex.vintage.value = "first_release"  # a new title: drawn
    ex.vintage.value = "yearbook_revised"  # the first title again (drawn when the widget was built): pasted
    ex.vintage.value = "first_release"  # pasted
    assert len(drawn) == 1, drawn
    assert differing(blitted(ex.chart), full_draw(ex.chart)) == 0
    matplotlib.pyplot.close("all")


def test_a_text_moved_by_less_than_a_pixel_is_drawn_again_and_a_text_at_nan_is_skipped():
    # Agg places text to 1/64 of a pixel: a label that keeps its wording but moves a fraction of a pixel (05's bar
    # labels did, for 40.02% against 40.04%) must not be pasted at its old place. A text at NaN is not drawn, as in
    # a full draw, rather than raising.
    from qianhai.charts import finish, new_figure

    fig, ax = new_figure()
    ax.set(xlim=(0, 1), ylim=(0, 1))
    label = ax.text(0.5, 0.5, "finance 40.0%")
    chart = finish(fig, ax, title="t", xlabel="x", ylabel="y", alt="a", model=True)
    chart.draw()
    pixel = 1 / ax.bbox.width  # one pixel in data units along x
    for shift in (0.1, 0.25, 0.6):
        label.set_x(0.5 + shift * pixel)
        assert differing(blitted(chart), full_draw(chart)) == 0, shift
    label.set_x(float("nan"))
    assert differing(blitted(chart), full_draw(chart)) == 0
    matplotlib.pyplot.close(chart.figure)
