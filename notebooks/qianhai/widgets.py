"""Widget wiring: every slider has a typed-number twin, every input a label, bad input a message.

Outputs are written through ``Output.outputs`` / ``append_display_data`` (not ``with out:``), so the
same thing happens in JupyterLab, in nbval and in plain pytest.
"""

from __future__ import annotations

from typing import Callable

import ipywidgets as w

from qianhai.display import escape, message_html
from qianhai.inputs import InputProblem, parse_number

LABEL_STYLE = {"description_width": "initial"}


class Panel(w.VBox):
    """A VBox whose plain-text form describes it, for readers without a live kernel."""

    def __init__(self, children, summary: str, **kwargs):
        super().__init__(children, **kwargs)
        self.summary = summary

    def __repr__(self) -> str:
        return f"[Interactive: {self.summary}. Run the notebook to use it.]"

    def _repr_mimebundle_(self, **kwargs):
        """Add a static snapshot as HTML: JupyterLab shows the live widget, while viewers without a kernel
        or widget support (GitHub, nbviewer, a plain HTML export) show the first chart and numbers."""
        bundle = super()._repr_mimebundle_(**kwargs)
        if isinstance(bundle, tuple):
            bundle = bundle[0]
        bundle = dict(bundle or {})
        bundle["text/html"] = self.snapshot_html()
        return bundle

    def snapshot_html(self) -> str:
        parts = [f"<p><i>Static view of an interactive widget ({escape(self.summary)}), as first shown. "
                 "Run the notebook to use it.</i></p>"]
        _snapshot(self, parts)
        return '<div class="qianhai-snapshot">' + "\n".join(parts) + "</div>"


def _plain(value) -> str:
    return f"{value:.6g}" if isinstance(value, float) else str(value)


def _snapshot(widget, parts: list[str]) -> None:
    if isinstance(widget, w.Box):
        for child in widget.children:
            _snapshot(child, parts)
    elif isinstance(widget, w.HTML):
        if widget.value:
            parts.append(widget.value)  # built by the course from escaped text
    elif isinstance(widget, w.Output):
        outputs = list(widget.outputs)
        for index, out in enumerate(outputs):
            data = out.get("data", {})
            if "image/png" in data:
                following = outputs[index + 1].get("data", {}) if index + 1 < len(outputs) else {}
                alt = str(following.get("text/plain", "chart"))
                parts.append(f'<img alt="{escape(alt)}" src="data:image/png;base64,{data["image/png"]}">')
            elif "text/plain" in data and not str(data["text/plain"]).startswith("Text alternative: "):
                parts.append(f"<p>{escape(data['text/plain'])}</p>")
    elif isinstance(widget, w.ValueWidget) and getattr(widget, "description", ""):
        value = widget.value
        shown = "–".join(_plain(v) for v in value) if isinstance(value, tuple) else _plain(value)
        if value is None or shown == "":
            shown = "(not answered)" if value is None else "(empty)"  # not the word None in a static page
        parts.append(f"<p>{escape(widget.description)}: <b>{escape(shown)}</b></p>")


class Messages:
    """The status line under a widget; all text is escaped before it is shown.

    Several boxes may share one line: each message is kept under its ``source`` (a typed box, or None for the
    widget's own), so that a valid edit in one box clears only that box's message, never another's."""

    def __init__(self):
        self.widget = w.HTML(value="")
        self.last = ""
        self._shown: dict[object, tuple[str, str]] = {}

    def error(self, text: str, source: object = None) -> None:
        self._set(source, "error", text)

    def info(self, text: str, source: object = None) -> None:
        self._set(source, "info", text)

    def clear(self, source: object = None) -> None:
        self._shown.pop(source, None)
        self.last = next(reversed(self._shown.values()))[1] if self._shown else ""
        self._render()

    def _set(self, source: object, kind: str, text: str) -> None:
        self._shown.pop(source, None)  # re-inserted last: the newest message is shown last
        self._shown[source] = (kind, text)
        self.last = text
        self._render()

    def _render(self) -> None:
        self.widget.value = "".join(message_html(text, kind) for kind, text in self._shown.values())


def show_in(output: w.Output, *items) -> None:
    """Replace what an Output widget shows with ``items`` (Charts, Notes, text), in one update: the page
    receives the new outputs in one message and draws them once."""
    from IPython.core.interactiveshell import InteractiveShell

    from qianhai.charts import alt_text

    shown = []
    for item in items:
        shown += [item.image(), alt_text(item.alt)] if hasattr(item, "figure") and hasattr(item, "alt") else [item]
    formatter = InteractiveShell.instance().display_formatter  # as Output.append_display_data formats
    bundles = []
    for thing in shown:
        data, metadata = formatter.format(thing)
        bundles.append({"output_type": "display_data", "data": data, "metadata": metadata})
    output.outputs = tuple(bundles)


class Explorer:
    """The pattern of every explorer: controls → compute → draw → describe.

    A subclass builds its controls, its result line, its chart and its panel in ``__init__``, calls
    ``watch`` on its controls and ``update`` once. On every change, ``update`` asks ``compute`` for the
    model's answer (read from the controls); ``draw`` puts it in the picture (``set_data``, ``set_text``
    on the chart's artists), ``describe`` in words (the result line and the chart's text alternative);
    then the chart is shown. A value the model refuses (``InputProblem``) goes to ``refuse``, which by
    default shows the message in place of the result; ``self.last`` is the last answer, or None after a
    refusal."""

    chart = None  # a qianhai.charts.Chart, or None for an explorer that answers in words only

    def __init__(self):
        self.messages = Messages()
        self.result = w.HTML()
        self.output = w.Output()
        self.last = None

    def watch(self, *controls) -> None:
        """Call ``update`` when any of ``controls`` (widgets, or twins such as TwinSlider) changes."""
        for control in controls:
            if isinstance(control, w.Widget):
                control.observe(self.update, names="value")
            else:
                control.observe(self.update)

    def compute(self):
        raise NotImplementedError

    def draw(self, result) -> None:
        """Update the chart's artists for ``result`` (nothing for an explorer without a chart)."""

    def describe(self, result) -> None:
        """Say what ``result`` means: the result line and, with a chart, its text alternative."""

    def refuse(self, problem: InputProblem) -> None:
        self.messages.error(str(problem))
        self.result.value = ""

    def show(self) -> None:
        if self.chart is not None:
            show_in(self.output, self.chart)

    def update(self, change=None) -> None:
        try:
            result = self.compute()
        except InputProblem as problem:
            self.last = None
            self.refuse(problem)
            return
        self.last = result
        self.draw(result)
        self.describe(result)
        self.show()


class Twin:
    """A slider and the typed box(es) beside it, always in agreement. A slider move is copied into the boxes; text
    typed in a box is read by ``parse``: a value it accepts moves the slider, a refused one gets a message
    (``refuse``) and changes nothing. ``value`` is the value last taken, and every ``observe`` callback gets it.
    A subclass makes the widgets and says how a value is read from the boxes (``parse``) and shown in them
    (``texts``); ``read`` and ``position`` turn a slider position into a value and back where the two differ."""

    def __init__(self, slider: w.ValueWidget, boxes: list[w.Text], messages: Messages | None, value=None):
        self.slider, self.boxes = slider, boxes
        self.value = slider.value if value is None else value
        self.messages = messages or Messages()
        self.source: object = self  # the key of this twin's messages (see Messages)
        self.callbacks: list[Callable] = []
        self.echoing = False
        self.refused = False
        for widget in (slider, *boxes):
            widget.observe(self._changed, names="value")
        self.box = w.HBox([slider, *boxes])

    def observe(self, callback: Callable) -> None:
        self.callbacks.append(callback)

    def read(self, position):
        return position

    def position(self, value):
        return value

    def refuse(self, problem: InputProblem) -> None:
        self.messages.error(str(problem), source=self.source)

    def _changed(self, change) -> None:
        if self.echoing:  # the twin following, not a new choice
            return
        typed = change["owner"] is not self.slider
        try:
            value = self.parse([box.value for box in self.boxes]) if typed else self.read(change["new"])
        except InputProblem as problem:
            self.refused = True  # what the explorer shows is marked out of date until a value is accepted
            self.refuse(problem)
            return
        self.echoing = True
        try:
            self.slider.value = self.position(value)
            for box, text in zip(self.boxes, self.texts(value, typed)):
                box.value = text
        finally:
            self.echoing = False
        self.messages.clear(source=self.source)
        if value == self.value and not self.refused:  # the current value typed again: nothing to redraw
            return
        self.refused = False
        self.value = value
        for callback in self.callbacks:
            callback(value)


class TwinSlider(Twin):
    """A slider and a text box for a number; a bad typed value gets a message and leaves the slider where it was."""

    def __init__(
        self,
        description: str,
        *,
        minimum: float,
        maximum: float,
        value: float,
        step: float = 1,
        integer: bool = True,
        unit: str = "",
        messages: Messages | None = None,
        readout_format: str | None = None,
    ):
        cls = w.IntSlider if integer else w.FloatSlider
        kwargs = {} if readout_format is None else {"readout_format": readout_format}
        self.description, self.unit, self.integer = description, unit, integer
        slider = cls(
            value=value, min=minimum, max=maximum, step=step, description=description,
            continuous_update=False, style=LABEL_STYLE, layout=w.Layout(width="560px", max_width="100%"), **kwargs,
        )
        self.text = w.Text(
            value=self._format(value), description=f"or type ({unit})" if unit else "or type",
            continuous_update=False, style=LABEL_STYLE, layout=w.Layout(width="200px"),
        )
        super().__init__(slider, [self.text], messages)

    def _format(self, value) -> str:
        return str(int(value)) if self.integer else f"{value:g}"

    def parse(self, texts: list[str]):
        number = parse_number(texts[0], label=self.description, minimum=self.slider.min, maximum=self.slider.max,
                              integer=self.integer, unit=self.unit)
        # a float shown as the slider's own value is that value (not 33.4333 for 33.43333...), so nothing redraws
        return self.value if self._format(number) == self._format(self.value) else number

    def texts(self, value, typed: bool) -> list[str]:
        return [self._format(value)]

    def refuse(self, problem: InputProblem) -> None:
        kept = f"{self._format(self.value)}{f' {self.unit}' if self.unit else ''}"
        self.messages.error(f"{problem} Until this box is corrected, the result uses the last good value, {kept}.",
                            source=self)


class TwinRange(Twin):
    """A range slider with two typed boxes ("from", "to")."""

    def __init__(self, description: str, *, minimum: int, maximum: int, value: tuple[int, int],
                 unit: str = "", messages: Messages | None = None):
        self.description, self.unit = description, unit
        slider = w.IntRangeSlider(
            value=value, min=minimum, max=maximum, step=1, description=description,
            continuous_update=False, style=LABEL_STYLE, layout=w.Layout(width="420px"),
        )
        self.start = w.Text(value=str(value[0]), description="from", continuous_update=False,
                            style=LABEL_STYLE, layout=w.Layout(width="120px"))
        self.end = w.Text(value=str(value[1]), description="to", continuous_update=False,
                          style=LABEL_STYLE, layout=w.Layout(width="110px"))
        super().__init__(slider, [self.start, self.end], messages)

    def parse(self, texts: list[str]) -> tuple[int, int]:
        bounds = {"minimum": self.slider.min, "maximum": self.slider.max, "integer": True, "unit": self.unit}
        low = parse_number(texts[0], label=f"{self.description} (from)", **bounds)
        high = parse_number(texts[1], label=f"{self.description} (to)", **bounds)
        if low >= high:
            raise InputProblem(f"{self.description}: the first year ({low}) must come before the last ({high}). "
                               "Swap them or pick a wider range.")
        return low, high

    def texts(self, value: tuple[int, int], typed: bool) -> list[str]:
        """The years, or, for typed years the slider already shows, the boxes as typed."""
        if typed and value == self.value:
            return [box.value for box in self.boxes]
        return [str(year) for year in value]
