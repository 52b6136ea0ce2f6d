"""One chart style for the course: colour-blind-safe colours, readable sizes, a source line under
every chart (from the data package) and a text alternative for every chart."""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from functools import lru_cache

import matplotlib.pyplot as plt
import numpy as np
from cycler import cycler
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, findfont, get_font
from matplotlib.layout_engine import ConstrainedLayoutEngine, LayoutEngine
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

STYLE = {
    "figure.figsize": (6.4, 3.6),
    "figure.dpi": 80,
    "savefig.dpi": 80,
    "font.size": 10.5,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.titley": 1.0,  # a fixed title position: no automatic placement (and its cost) at every redraw
    "axes.axisbelow": True,  # grid and ticks under the data (so redrawing only the data draws it on top)

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


@dataclass
class Chart:
    """A finished figure with its text alternative; shows as the image followed by the text."""

    figure: Figure
    alt: str

    def image(self):
        """The chart as a compact PNG (an IPython Image)."""
        from IPython.display import Image

        return Image(data=png_bytes(self.figure), format="png")

    def _ipython_display_(self) -> None:
        from IPython.display import Image, display

        display(Image(data=png_bytes(self.figure, once=True), format="png"))  # a notebook's chart, shown once
        display(alt_text(self.alt))


def png_bytes(fig: Figure, colours: int = 48, once: bool = False) -> bytes:
    """Render to PNG with a reduced palette: a third of the size, same look (charts use few colours).
    Drawn by ``render`` on an Agg canvas kept with the figure (``once``: a plain full draw, for a chart that
    will not be redrawn), then a fast octree palette; deterministic, so re-running a notebook stores
    identical bytes."""
    from PIL import Image as PILImage

    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    if fig.dpi != STYLE["savefig.dpi"]:
        fig.dpi = STYLE["savefig.dpi"]
    if once:
        draw_once(fig, canvas)
    else:
        render(fig, canvas)
    rgba = PILImage.frombuffer("RGBA", canvas.get_width_height(physical=True), canvas.buffer_rgba(), "raw",
                               "RGBA", 0, 1)
    small = rgba.convert("RGB").quantize(colors=colours, method=PILImage.Quantize.FASTOCTREE,
                                         dither=PILImage.Dither.NONE)
    out = io.BytesIO()
    small.save(out, format="PNG")
    return out.getvalue()


# Why a chart redraw is split in two (static and moving parts): a widget callback must finish in 50 ms
# (README, "Performance"), and a full matplotlib draw with its layout pass takes longer than that on a
# small machine. Most callbacks only move lines, bars and markers inside axes whose limits, ticks and
# labels stay the same; those are redrawn on a saved picture of the rest ("blitting").


SAVED_STATIC_PARTS = 4  # per figure: enough for a toggle or a short dropdown to flip back and forth


def render(fig: Figure, canvas: FigureCanvasAgg) -> None:
    """Draw ``fig`` on ``canvas``. The static part (frame, ticks, grid, axis labels, source line) is drawn
    in full only for a ``chart_key`` not seen among the last few, then saved with the axes' positions;
    otherwise that picture is restored and only the moving parts (data artists, texts in the axes,
    legends, titles) are drawn on it."""
    renderer = canvas.get_renderer()
    moving = moving_artists(fig)
    saved: list = fig.__dict__.setdefault("_qianhai_static", [])
    key = chart_key(fig, renderer)
    found = next((entry for entry in saved if entry[0] == key), None)
    if found is not None:
        saved.remove(found)
        for ax, position in zip(fig.axes, found[2]):
            ax._set_position(position)  # as the layout left them for this key (the public setter opts out of layout)
        engine = fig.get_layout_engine()
        if isinstance(engine, LayoutWhenNeeded):
            engine._laid_out_for = key
        canvas.restore_region(found[1])
    else:
        engine = fig.get_layout_engine()
        ours = isinstance(engine, LayoutWhenNeeded)
        if ours:
            engine._key_now = key  # computed just above: the layout need not compute it again
        hidden = [artist for artist in moving if not artist.get_animated()]
        for artist in hidden:
            artist.set_animated(True)  # matplotlib's draw skips animated artists
        try:
            canvas.draw()
        finally:
            for artist in hidden:
                artist.set_animated(False)
            if ours:
                engine._key_now = None
        renderer = canvas.get_renderer()
        drawn_key = engine._laid_out_for if ours else chart_key(fig, renderer)  # drawing leaves the key as laid out
        found = (drawn_key, canvas.copy_from_bbox(fig.bbox), [ax.get_position(original=True).frozen() for ax in fig.axes])
    saved.insert(0, found)
    del saved[SAVED_STATIC_PARTS:]
    for artist in moving:
        artist.draw(renderer)


def draw_once(fig: Figure, canvas: FigureCanvasAgg) -> None:
    """A full draw and layout, keeping nothing for a redraw: no key, no saved static part (they cost a
    fifth of a first draw, wasted on a chart that is shown once)."""
    engine = fig.get_layout_engine()
    ours = isinstance(engine, LayoutWhenNeeded)
    if ours:
        engine._key_now = LayoutWhenNeeded.UNKEYED
    try:
        canvas.draw()
    finally:
        if ours:
            engine._key_now = None
            engine._laid_out_for = None  # unknown: a later ``render`` lays out again


def moving_artists(fig: Figure) -> list:
    """What a widget may change without touching the axes frame: per axes, in drawing order, its data
    artists and texts, then its legend (if it lies inside the axes; one outside is static, its entries
    part of ``chart_key``) and titles."""
    found = []
    for ax in sorted(fig.axes, key=lambda a: a.get_zorder()):
        children = [*ax.collections, *ax.patches, *ax.lines, *ax.texts, *ax.images, *ax.artists, *ax.tables]
        found += sorted((a for a in children if a.get_visible()), key=lambda a: a.get_zorder())
        legend = ax.get_legend()
        if legend is not None and _legend_inside(legend, ax):
            found.append(legend)
        found += [t for t in (ax.title, ax._left_title, ax._right_title) if t.get_visible() and t.get_text()]
    return found


class LayoutWhenNeeded(LayoutEngine):
    """The layout of a course chart, recomputed only when ``chart_key`` changes: a widget that moves a line
    or a marker inside fixed axes then redraws without a layout pass, which costs more than the drawing.

    A course chart is one axes with a source line under it. Its layout is the one matplotlib's constrained
    layout gives such a figure (the axes as large as the figure allows once ticks, labels, title and legend
    fit, with 3-point pads, the source line at the bottom), computed directly: the decorations are measured
    once, and again only if the new size changes the tick labels, where the general solver measures twice and
    solves a grid. Any other figure (two axes, a colorbar, a figure legend) gets constrained layout itself."""

    _adjust_compatible = False
    _colorbar_gridspec = False
    PAD_INCHES = 3 / 72  # constrained layout's default w_pad and h_pad

    def __init__(self):
        super().__init__()
        self._laid_out_for = None
        self._key_now = None  # set by ``render`` when it has just computed the key
        self._general = ConstrainedLayoutEngine(w_pad=self.PAD_INCHES, h_pad=self.PAD_INCHES)

    UNKEYED = object()  # set by ``draw_once``: lay out, without keeping a key

    def execute(self, fig):
        renderer = fig._get_renderer()
        if self._key_now is self.UNKEYED:
            self._lay_out(fig, renderer)
            return
        key = self._key_now if self._key_now is not None else chart_key(fig, renderer)
        if key != self._laid_out_for:
            self._lay_out(fig, renderer)
            # The key as the layout left it: the new axes size may change the ticks, and the key seen next time
            # (nothing else changed) is this one, not the one from before the layout.
            self._laid_out_for = chart_key(fig, renderer)

    def _lay_out(self, fig, renderer) -> None:
        if _one_axes_chart(fig):
            _fit_one_axes(fig, renderer, self.PAD_INCHES * fig.dpi)
        else:
            self._general.execute(fig)


def _one_axes_chart(fig: Figure) -> bool:
    if len(fig.axes) != 1 or fig.legends or fig.subfigs:
        return False
    ax = fig.axes[0]
    titles_in_layout = [t for t in (fig._suptitle, fig._supylabel) if t is not None and t.get_in_layout()]
    return (not titles_in_layout and ax.get_in_layout() and ax.get_subplotspec() is not None
            and ax.get_axes_locator() is None)


def _labels(locator, formatter) -> tuple:
    """The tick labels an axis will draw (locator, then formatter), without Axis.get_*ticklabels, which
    recomputes both the major and the minor ticks each time."""
    return tuple(formatter.format_ticks(locator()))


def _tick_labels(ax) -> tuple:
    return tuple(_labels(axis.get_major_locator(), axis.get_major_formatter()) for axis in (ax.xaxis, ax.yaxis))


def _room_taken(ax, renderer):
    """The axes' extent with everything drawn around it, as constrained layout measures it
    (``get_tightbbox(for_layout_only=True)``), but without asking the artists clipped to the axes: their
    extents, cut to the axes, add nothing to it, and working them out (every line's path, every bar, an
    arrow's curve) was most of the measuring."""
    frame = ax.bbox.extents
    outside = [artist for artist in ax.get_default_bbox_extra_artists()
               if not (artist.get_clip_on() and artist.get_clip_path() is None and artist.get_clip_box() is not None
                       and np.allclose(artist.get_clip_box().extents, frame, atol=1e-6))]
    return ax.get_tightbbox(renderer, for_layout_only=True, bbox_extra_artists=outside)


def _fit_one_axes(fig: Figure, renderer, pad: float) -> None:
    """Place the figure's only axes as constrained layout would (sizes in pixels): each side of the figure
    keeps ``pad``, then the room the axes' decorations take on that side; a source line (``supxlabel``) sits
    ``pad`` above the bottom edge with ``pad`` between it and what is above."""
    ax = fig.axes[0]
    width, height = fig.bbox.width, fig.bbox.height
    below = 0.0
    source = fig._supxlabel
    if source is not None and source.get_in_layout() and getattr(source, "_autopos", False):
        source.set_position((source.get_position()[0], pad / height))
        below = source.get_tightbbox(renderer).height + 2 * pad
    ticks = _tick_labels(ax)
    for _ in range(2):
        frame = ax.get_position(original=True).transformed(fig.transFigure)
        tight = _room_taken(ax, renderer) or frame
        x0 = pad + frame.x0 - tight.x0
        x1 = width - pad - (tight.x1 - frame.x1)
        y0 = below + pad + frame.y0 - tight.y0
        y1 = height - pad - (tight.y1 - frame.y1)
        if x1 <= x0 or y1 <= y0:  # the decorations leave no room: keep the axes where they are, as constrained layout does
            return
        ax._set_position(Bbox.from_extents(x0 / width, y0 / height, x1 / width, y1 / height))
        resized_ticks = _tick_labels(ax)
        if resized_ticks == ticks:
            return
        ticks = resized_ticks


def _text_key(text) -> tuple:
    # Positions rounded: the layout sets some of them, with float noise from one pass to the next
    # (a position on a category axis is the category's name, kept as it is).
    position = tuple(round(float(v), 3) if isinstance(v, (int, float)) else v for v in text.get_position())
    return (text.get_text(), text.get_visible(), text.get_fontsize(), position)


def _inside(box, frame, slack: float = 1.0) -> bool:
    return (box.x0 >= frame.x0 - slack and box.x1 <= frame.x1 + slack
            and box.y0 >= frame.y0 - slack and box.y1 <= frame.y1 + slack)


def _title_key(title, ax, renderer) -> tuple:
    """A title that fits above its axes takes the same room whatever it says (for a given line count)."""
    if not (title.get_visible() and title.get_text()):
        return (False,)
    box = title.get_window_extent(renderer)
    same_room = (title.get_text().count("\n"), title.get_fontsize())
    if box.x0 >= ax.bbox.x0 - 1 and box.x1 <= ax.bbox.x1 + 1:
        return same_room
    return same_room + (title.get_text(),)


def _legend_inside(legend, ax) -> bool:
    """A legend placed by ``loc`` alone sits inside its axes (one given a bbox_to_anchor may sit outside).
    Decided without laying the legend out, which costs as much as drawing it."""
    return legend.get_bbox_to_anchor() is ax.bbox


def _inner_key(text, ax, renderer) -> tuple:
    """A text lying inside its axes takes no room of its own."""
    if not text.get_visible():
        return (False,)
    if _inside(text.get_window_extent(renderer), ax.bbox):
        return (True,)
    return (True, _text_key(text))


def chart_key(fig: Figure, renderer) -> tuple:
    """Everything the layout and the static part of a course chart depend on, as a comparable value: the
    figure's size, its texts (the source line), each axes' limits, scales, tick labels and axis labels;
    and for titles, legends and texts in the axes, only the room they take."""
    parts: list = [tuple(fig.get_size_inches()), fig.dpi, len(fig.axes)]
    parts += [_text_key(t) for t in fig.texts]
    for legend in fig.legends:
        parts += [legend.get_visible(), *(_text_key(t) for t in legend.get_texts())]
    for ax in fig.axes:
        parts += [ax.get_visible(), ax.get_xlim(), ax.get_ylim(), ax.get_xscale(), ax.get_yscale()]
        for axis in (ax.xaxis, ax.yaxis):
            parts.append(_labels(axis.get_major_locator(), axis.get_major_formatter()))
            parts.append(_labels(axis.get_minor_locator(), axis.get_minor_formatter()))
            parts.append((axis.label.get_text(), axis.label.get_visible(), axis.label.get_fontsize()))  # placed by the draw
        parts += [_title_key(t, ax, renderer) for t in (ax.title, ax._left_title, ax._right_title)]
        parts += [_inner_key(t, ax, renderer) for t in ax.texts]
        legend = ax.get_legend()
        if legend is not None:
            inside = _legend_inside(legend, ax)
            parts.append((legend.get_visible(), inside) if inside
                         else (legend.get_visible(), *(_text_key(t) for t in legend.get_texts())))
    return tuple(parts)


def steady_limits(ax, x, y) -> None:
    """Set the limits autoscaling would choose for all of (x, y), then stop autoscaling: a widget whose
    choices (vintages, regions, fits) all fit these limits keeps one scale, so the eye compares them and
    the chart's frame need not be redrawn (see ``render``)."""
    import numpy as np

    ax.update_datalim(np.column_stack([np.asarray(x, dtype=float), np.asarray(y, dtype=float)]))
    ax.autoscale_view()
    ax.set_autoscale_on(False)


NICE_STEPS = (1, 1.5, 2, 3, 5, 7.5, 10)


def nice_ceiling(value: float) -> float:
    """The smallest 1, 1.5, 2, 3, 5 or 7.5 × 10^k that is at least ``value`` (for value > 0; else 1). An
    axis limit rounded up this way stays put while a slider moves the data a little, so the chart's frame
    need not be redrawn (see ``render``), and the eye compares bars against a steady scale; the steps are
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


def alt_text(text: str) -> AltText:
    return AltText(text)


def new_figure(width: float = 6.4, height: float = 3.6):
    """A figure and axes in the course style, not yet shown."""
    apply_style()
    fig, ax = plt.subplots(figsize=(width, height), layout=LayoutWhenNeeded())
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
    source_size = 8
    fig.supxlabel(wrap_to_width(line, source_size, 0.97 * fig.get_figwidth()), x=0.01, ha="left",
                  fontsize=source_size, color="#444444", parse_math=False)
    plt.close(fig)
    return Chart(fig, alt)
