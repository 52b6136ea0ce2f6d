"""One chart style for the course: colour-blind-safe colours, readable sizes, a source line under
every chart (from the data package) and a text alternative for every chart."""

from __future__ import annotations

import hashlib
import io
import math
from functools import lru_cache

import matplotlib.pyplot as plt
import numpy as np
from cycler import cycler
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, findfont, get_font
from matplotlib.legend import Legend
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from qianhai.display import escape
from qianhai.sources import source_line

# Okabe & Ito (2008), "Color Universal Design": distinguishable with the common colour-vision deficiencies.
PALETTE = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
}
CYCLE = [PALETTE[k] for k in ("blue", "orange", "green", "vermillion", "purple", "sky", "black", "yellow")]

# On screen, one point of a chart is one CSS point (96 pixels per inch): a 10-point label reads as 10-point
# text at 100% zoom. The PNG has twice that pixel density, so it stays sharp on a HiDPI screen or a projector.
SCREEN_DPI = 96
PIXEL_DENSITY = 2
FONT_SIZE = 10  # the smallest text in a chart (ticks, legends, notes, the source line)

STYLE = {
    "figure.figsize": (6.4, 3.6),
    "figure.dpi": SCREEN_DPI * PIXEL_DENSITY,
    "savefig.dpi": SCREEN_DPI * PIXEL_DENSITY,
    "font.size": FONT_SIZE,
    "legend.fontsize": FONT_SIZE,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.titley": 1.0,  # a fixed title position: a new title text does not move anything else
    "axes.axisbelow": True,  # grid and ticks under the data
    "axes.labelsize": 10.5,
    "axes.prop_cycle": cycler(color=CYCLE),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "legend.frameon": False,
    "lines.linewidth": 2.0,
    "svg.hashsalt": "qianhai",
}


def apply_style() -> None:
    """Set the course style for every chart that follows (call once, in the imports cell)."""
    plt.rcParams.update(STYLE)


class Chart:
    """A finished figure with its text alternative; shows as the image followed by the text.

    A widget redraws the same figure after changing its artists (``set_data``, ``set_text``). The figure
    is laid out once with constrained layout and then frozen; what lies under and around the data (axes
    frame, ticks, grid, axis labels, source line) is drawn once and saved, and a redraw restores that
    picture and draws only the axes' contents on it (matplotlib's "faster rendering by using blitting"); a
    legend beside the axes is part of the saved picture, and a title, text or legend with nothing under it is
    pasted from its first drawing. The picture is laid out and drawn again only when the
    frame changes (new limits, scales, tick labels, axis labels, figure texts, or a legend beside the axes);
    the last few frames are kept, so a toggle back and forth (linear and log scale) finds its frame, and the
    axes' place in it, ready."""

    FRAMES_KEPT = 4
    PASTED_KEPT = 32  # per frame: pictures of texts and legends, one per wording (a slider's values, a dropdown's)

    def __init__(self, figure: Figure, alt: str):
        self.figure = figure
        self.alt = alt
        self.canvas = FigureCanvasAgg(figure)
        self.frames: dict[tuple, tuple] = {}  # frame → (picture, axes positions, legends in it, pasted pictures)
        self.shown = False

    def draw(self) -> None:
        """Bring the canvas up to date: restore the frame's picture (or draw it) and draw the rest on it."""
        frame = frame_of(self.figure)
        saved = self.frames.pop(frame, None)
        if saved is None:
            saved = self._draw_frame()
            frame = frame_of(self.figure)  # the layout may have changed the ticks
        else:
            picture, positions, *_ = saved
            for ax, position in zip(self.figure.axes, positions):
                ax.set_position(position)
            self.canvas.restore_region(picture)
        self.frames[frame] = saved
        while len(self.frames) > self.FRAMES_KEPT:
            del self.frames[next(iter(self.frames))]
        _, _, in_frame, pasted = saved
        for artist in moving_artists(self.figure):
            if any(artist is legend for legend in in_frame):
                continue
            look = paste_key(artist)
            if look is None:
                self.figure.draw_artist(artist)
            else:
                self._paste_or_draw(artist, look, pasted)

    def _paste_or_draw(self, artist, look: tuple, pasted: dict) -> None:
        """Draw a text or a legend, or paste its picture. The same text drawn in the same place over the same
        pixels looks the same every time, so its drawing is copied (``copy_from_bbox``) with a digest of the
        pixels it was drawn over, and pasted (``restore_region``) while both stay the same: a title, or a legend
        over empty space, is drawn once per wording. Text is the slowest thing to draw."""
        renderer = self.canvas.get_renderer()
        extents = artist.get_window_extent(renderer).extents
        if not np.isfinite(extents).all() or (isinstance(artist, Text) and not artist.get_text()):
            self.figure.draw_artist(artist)  # nothing to draw, or matplotlib skips it
            return
        x0, y0, x1, y1 = extents
        # antialiased edges and glyphs reaching past their box (a bold "j"): a quarter of the font size
        margin = math.ceil(renderer.points_to_pixels(look[-1]) / 4)
        width, height = self.canvas.get_width_height(physical=True)
        left, bottom = max(math.floor(x0) - margin, 0), max(math.floor(y0) - margin, 0)
        right, top = min(math.ceil(x1) + margin, width), min(math.ceil(y1) + margin, height)
        under = np.asarray(self.canvas.buffer_rgba())[height - top:height - bottom, left:right]  # rows run down
        digest = hashlib.blake2b(under.tobytes(), digest_size=16).digest()
        key = (artist, *extents, *look)  # to the 1/64 pixel at which Agg places text
        saved = pasted.pop(key, None)
        if saved is not None and saved[0] == digest:
            self.canvas.restore_region(saved[1])
        else:
            self.figure.draw_artist(artist)
            saved = (digest, self.canvas.copy_from_bbox(Bbox.from_extents(left, bottom, right, top)))
        pasted[key] = saved
        while len(pasted) > self.PASTED_KEPT:
            del pasted[next(iter(pasted))]

    def _draw_frame(self) -> tuple:
        """Lay out with constrained layout, draw the frame, then freeze the layout. The frame holds legends beside
        the axes (their entries are part of the frame's key; nothing in the axes can cover them), so they are
        drawn once; a legend found to overlap an axes after all is drawn with the moving artists instead."""
        beside = beside_legends(self.figure)
        while True:
            moving = [a for a in moving_artists(self.figure) if not any(a is legend for legend in beside)]
            self.figure.set_layout_engine("constrained")
            for artist in moving:
                artist.set_animated(True)  # a full draw leaves animated artists out
            try:
                self.canvas.draw()
            finally:
                for artist in moving:
                    artist.set_animated(False)
                self.figure.set_layout_engine("none")
            renderer = self.canvas.get_renderer()
            covering = [legend for legend in beside if any(
                legend.get_window_extent(renderer).overlaps(ax.bbox) for ax in self.figure.axes if ax.get_visible())]
            if not covering:
                break
            beside = [legend for legend in beside if not any(legend is c for c in covering)]
        return (self.canvas.copy_from_bbox(self.figure.bbox),
                [ax.get_position().frozen() for ax in self.figure.axes], beside, {})

    def png(self) -> bytes:
        """The chart as a PNG: the first one (the one a saved notebook keeps) small, later ones (a widget's
        redraws, sent at once to the page and never stored) fast."""
        self.draw()
        first = not self.shown
        self.shown = True
        return png_bytes(self.canvas) if first else redraw_png_bytes(self.canvas)

    def image(self):
        """The chart as an IPython Image: the PNG at twice the pixel density, shown at its size in points."""
        from IPython.display import Image

        return Image(data=self.png(), format="png", width=round(self.figure.get_figwidth() * SCREEN_DPI))

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.image())
        display(alt_text(self.alt))


def canvas_rgb(canvas: FigureCanvasAgg):
    """The canvas's pixels as a Pillow RGB image (the figure is opaque)."""
    from PIL import Image as PILImage

    rgba = PILImage.frombuffer("RGBA", canvas.get_width_height(physical=True), canvas.buffer_rgba(), "raw",
                               "RGBA", 0, 1)
    return rgba.convert("RGB")


def png_bytes(canvas: FigureCanvasAgg, colours: int = 48) -> bytes:
    """The canvas as a PNG with a palette of its own ``colours`` most used: a third of the size, same look
    (charts use few colours); deterministic, so re-running a notebook stores identical bytes."""
    from PIL import Image as PILImage

    small = canvas_rgb(canvas).quantize(colors=colours, method=PILImage.Quantize.FASTOCTREE,
                                        dither=PILImage.Dither.NONE)
    # The tree averages the background with the faintest antialiased pixels: (254, 254, 254), a grey box on a
    # white page. Near-white palette entries become white again.
    entries = small.getpalette()
    for start in range(0, len(entries), 3):
        if min(entries[start:start + 3]) >= 250:
            entries[start:start + 3] = [255, 255, 255]
    small.putpalette(entries)
    out = io.BytesIO()
    small.save(out, format="PNG")
    return out.getvalue()


RAMP_STEPS = 16  # shades of each course colour on white: antialiased edges and light fills


@lru_cache(maxsize=1)
def course_palette():
    """A palette image for Pillow's ``quantize(palette=...)``: white, and each course colour (and the grey of
    the source line) blended with white in RAMP_STEPS shades. Mapping pixels to a fixed palette takes a
    tenth of the time of choosing a palette per image."""
    from matplotlib.colors import to_rgb
    from PIL import Image as PILImage

    shades = [(255, 255, 255)]
    for colour in [*PALETTE.values(), "#444444"]:
        rgb = [255 * v for v in to_rgb(colour)]
        for step in range(1, RAMP_STEPS + 1):
            share = step / RAMP_STEPS
            shades.append(tuple(round(share * v + (1 - share) * 255) for v in rgb))
    flat = [v for shade in dict.fromkeys(shades) for v in shade]
    image = PILImage.new("P", (1, 1))
    image.putpalette(flat + [0] * (768 - len(flat)))
    return image


def redraw_png_bytes(canvas: FigureCanvasAgg) -> bytes:
    """The canvas as a PNG for a widget's redraw: pixels mapped to the course palette, light compression.
    About twice as fast as ``png_bytes`` and a third larger; a redraw goes straight to the page."""
    from PIL import Image as PILImage

    small = canvas_rgb(canvas).quantize(palette=course_palette(), dither=PILImage.Dither.NONE)
    out = io.BytesIO()
    small.save(out, format="PNG", compress_level=1)
    return out.getvalue()


def moving_artists(fig: Figure) -> list:
    """What a widget may change, in drawing order: each axes' children except its background and its x and y
    axis (ticks, tick labels, grid, axis label), i.e. data artists, texts, titles, the legend and the spines
    (drawn above the grid and below texts, as in a full draw); then figure legends."""
    found = []
    for ax in sorted(fig.axes, key=lambda a: a.get_zorder()):
        children = [child for child in ax.get_children()
                    if child is not ax.patch and not isinstance(child, (Axis, Axes)) and child.get_visible()]
        found += sorted(children, key=lambda a: a.get_zorder())
    return found + [legend for legend in fig.legends if legend.get_visible()]


def paste_key(artist) -> tuple | None:
    """What the look of a text or a legend depends on besides its place, ending with its font size; None for
    anything else (drawn each time). Drawn each time too: a text with a box or path effects, an annotation
    (arrows), a legend with a shadow. Not covered, as the course never changes them after drawing: a text's
    multi-line alignment, and a legend's handles (colours, markers)."""
    if isinstance(artist, Legend):
        if artist.shadow:
            return None
        texts = [artist.get_title(), *artist.get_texts()]
        return (*(text.get_text() for text in texts), max(text.get_fontsize() for text in texts))
    if type(artist) is Text and artist.get_bbox_patch() is None and not artist.get_path_effects():
        return (artist.get_text(), to_rgba(artist.get_color(), artist.get_alpha()), hash(artist.get_fontproperties()),
                artist.get_rotation(), artist.get_horizontalalignment(), artist.get_verticalalignment(),
                artist.get_antialiased(), artist.get_usetex(), artist.get_parse_math(), artist.get_fontfeatures(),
                artist.get_language(), artist.get_fontsize())
    return None


def beside_legends(fig: Figure) -> list:
    """Legends placed beside the axes: figure legends, and axes legends anchored outside their axes."""
    found = list(fig.legends)
    for ax in fig.axes:
        legend = ax.get_legend()
        if legend is not None and legend.get_bbox_to_anchor() is not ax.bbox:
            found.append(legend)
    return found


def frame_of(fig: Figure) -> tuple:
    """What the saved picture and the layout depend on, as a comparable value: the figure's size and texts
    (the source line), each axes' limits, scales, tick labels and axis labels, and the entries of legends
    placed beside the axes (and which legends they are)."""
    parts: list = [tuple(fig.get_size_inches()), fig.dpi, *(text.get_text() for text in fig.texts)]
    for ax in fig.axes:
        parts += [ax.get_visible(), ax.get_xlim(), ax.get_ylim(), ax.get_xscale(), ax.get_yscale(),
                  ax.get_xlabel(), ax.get_ylabel()]
        for axis in (ax.xaxis, ax.yaxis):
            parts.append(tuple(axis.get_major_formatter().format_ticks(axis.get_major_locator()())))
    # A legend beside the axes is drawn with the frame: the legend itself (a new legend is a new frame) and its
    # entries are part of the key.
    parts += [(legend, legend.get_visible(), *(text.get_text() for text in legend.get_texts()))
              for legend in beside_legends(fig)]
    return tuple(parts)


def steady_limits(ax, x, y) -> None:
    """Set the limits autoscaling would choose for all of (x, y), then stop autoscaling: a widget whose
    choices (vintages, regions, fits) all fit these limits keeps one scale, so the eye compares them."""
    ax.update_datalim(np.column_stack([np.asarray(x, dtype=float), np.asarray(y, dtype=float)]))
    ax.autoscale_view()
    ax.set_autoscale_on(False)


NICE_STEPS = (1, 1.5, 2, 3, 5, 7.5, 10)


def nice_ceiling(value: float) -> float:
    """The smallest 1, 1.5, 2, 3, 5 or 7.5 × 10^k that is at least ``value`` (for value > 0; else 1). An
    axis limit rounded up this way stays put while a slider moves the data a little, so the chart's frame
    need not be laid out again, and the eye compares bars against a steady scale; the steps are
    close enough that the data fill at least two thirds of the axis."""
    if not value > 0 or not math.isfinite(value):
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    for step in NICE_STEPS:
        if step * power >= value * (1 - 1e-12):
            return step * power
    return 10 * power


@lru_cache(maxsize=256)
def wrap_to_width(text: str, fontsize: float, width_inches: float) -> str:
    """Break ``text`` into lines no wider than ``width_inches`` at ``fontsize`` in the course font, once,
    so that the chart need not re-wrap it (word by word) on every redraw. Word widths are measured one by
    one and added up with spaces (kerning across words ignored: callers leave a margin)."""
    font = get_font(findfont(FontProperties()))
    font.set_size(fontsize, 72)
    limit = width_inches * 72 * 64  # FreeType reports 1/64 points

    def width(piece: str) -> float:
        font.set_text(piece, 0.0)
        return font.get_width_height()[0]

    space = width("a a") - width("aa")
    lines: list[tuple[str, float]] = []
    for word in text.split():
        size = width(word)
        if lines and lines[-1][1] + space + size <= limit:
            lines[-1] = (f"{lines[-1][0]} {word}", lines[-1][1] + space + size)
        else:
            lines.append((word, size))
    return "\n".join(line for line, _ in lines)


class AltText:
    """The text alternative printed under a chart: HTML for notebooks and pages, plain text for the rest."""

    def __init__(self, text: str):
        self.text = text

    def _repr_html_(self) -> str:
        return f'<p class="qianhai-alt"><i>Text alternative:</i> {escape(self.text)}</p>'

    def __repr__(self) -> str:
        return f"Text alternative: {self.text}"


def fitted_title(ax, text: str) -> str:
    """A title that changes with a control (a long vintage name, say), wrapped to the figure's width so that no
    choice is cut off at the right edge. The title starts at the axes' left edge and is bold (wider than the
    regular font the wrap measures), hence three quarters of the figure's width."""
    return wrap_to_width(text, ax.title.get_fontsize(), 0.75 * ax.figure.get_figwidth())


def alt_text(text: str) -> AltText:
    return AltText(text)


def new_figure(width: float = 6.4, height: float = 3.6):
    """A figure and axes in the course style, not yet shown."""
    apply_style()
    fig, ax = plt.subplots(figsize=(width, height), layout="constrained")
    return fig, ax


MODEL_LINE = ("Source: none — output of a teaching model with stated, invented assumptions (see the "
              "assumptions table). Not data.")


def finish(fig: Figure, ax, *, title: str, xlabel: str, ylabel: str, alt: str, resources: list[str] = (),
           model: bool = False) -> Chart:
    """Title, axis labels with units, and a source line: from the data package for ``resources``, or, for
    a teaching model (``model=True``), a line saying the chart is model output, not data. Closes the
    figure so that it is shown once, by whoever displays the returned Chart."""
    if not alt.strip():
        raise ValueError("Every chart needs a text alternative.")
    ax.set_title(title, loc="left")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    line = MODEL_LINE if model else source_line(list(resources))
    source_size = FONT_SIZE
    fig.supxlabel(wrap_to_width(line, source_size, 0.97 * fig.get_figwidth()), x=0.01, ha="left",
                  fontsize=source_size, color="#444444", parse_math=False)
    plt.close(fig)
    return Chart(fig, alt)
