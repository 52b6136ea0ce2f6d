"""One chart style for the course: colour-blind-safe colours, readable sizes, a source line under
every chart (from the data package) and a text alternative for every chart."""

from __future__ import annotations

import io
from dataclasses import dataclass

import matplotlib.pyplot as plt
from cycler import cycler
from matplotlib.figure import Figure

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
        from IPython.display import display

        display(self.image())
        display(alt_text(self.alt))


def png_bytes(fig: Figure, colours: int = 48) -> bytes:
    """Render to PNG with a reduced palette: a third of the size, same look (charts use few colours).
    One Agg draw straight to memory (no PNG encode and decode in between) and a fast octree palette;
    deterministic, so re-running a notebook stores identical bytes."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image as PILImage

    canvas, dpi = fig.canvas, fig.dpi
    agg = FigureCanvasAgg(fig)  # the figure's canvas until it is put back below
    try:
        fig.dpi = STYLE["savefig.dpi"]
        agg.draw()
        rgba = PILImage.frombuffer("RGBA", agg.get_width_height(physical=True), agg.buffer_rgba(), "raw", "RGBA", 0, 1)
        small = rgba.convert("RGB").quantize(colors=colours, method=PILImage.Quantize.FASTOCTREE,
                                             dither=PILImage.Dither.NONE)
    finally:
        fig.dpi = dpi
        fig.set_canvas(canvas)
    out = io.BytesIO()
    small.save(out, format="PNG")
    return out.getvalue()


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
    fig.supxlabel(line, x=0.01, ha="left", fontsize=8, color="#444444", wrap=True)
    plt.close(fig)
    return Chart(fig, alt)
