"""What a student perceives, measured in headless Chromium through JupyterLab (used by tests/bench.py).

For each notebook: the time of *Run ▸ Run All Cells*, then, for every teaching widget, the time from a key
press (or a typed value + Enter) to the new chart painted on the page, over repeated changes:

* a slider handle: ArrowRight / ArrowLeft (turning back at the end of its track);
* a dropdown: the next option picked from its list (the list's change event); a toggle-button group or a check box: Space on the
  button that is not active; a free text box: a typed word + Enter (two words in turn; in a box holding a
  number, that number and the next).

"Painted" is the first task after the animation frame that follows the last change the kernel's reply
made to the widget's cell, with every new image in it decoded. A widget that shows no chart (a calculator
that answers in words) is timed the same way to the last change the reply made. The first change of each control is a warm-up and not counted.

The same run measures the plain way in a reference notebook: ``ipywidgets.interact`` redrawing a
``%matplotlib inline`` figure (the growth chart of notebook 01, at the same size and pixel density), with
the same key presses.
"""

from __future__ import annotations

import re
import statistics
from pathlib import Path

import nbformat

from .lab import LabServer, launch_browser
from .test_jupyterlab import NEXT_FRAME, Student

REFERENCE = "plain_way_reference.ipynb"
REFERENCE_CELLS = [
    """%matplotlib inline
%config InlineBackend.figure_formats = ['retina']
import ipywidgets as widgets
import matplotlib.pyplot as plt
from qianhai import data
from qianhai.charts import SCREEN_DPI, apply_style
from qianhai.sez import vintage_series

apply_style()
plt.rcParams["figure.dpi"] = SCREEN_DPI  # retina doubles it: the course charts' size and pixel density
series = vintage_series(data.load("shenzhen_gdp"), "yearbook_revised").dropna()""",
    """def chart(last_year):
    fig, ax = plt.subplots(figsize=(6.4, 3.4), layout="constrained")
    ax.plot(series.index, series.values, marker="o", markersize=3, label="GDP")
    ax.plot([2000, last_year], [series[2000], series[last_year]], "o", markersize=9, label="chosen years")
    ax.legend(loc="upper left")
    ax.set_title(f"Shenzhen GDP, 2000 to {last_year}", loc="left")
    ax.set(xlabel="Year", ylabel="100 million CNY, current prices")
    plt.show()


widgets.interact(chart, last_year=widgets.IntSlider(value=2015, min=2001, max=2020, continuous_update=False,
                                                    description="Last year"));""",
]

# Installed on a widget cell: records the key press and when the page has painted the kernel's reply.
PROBE = r"""(cell) => {
  const b = window.__bench = window.__bench || {};
  b.start = null; b.painted = null; b.chart = null; b.busy = 0;
  if (!b.listening) {
    window.addEventListener('keydown', () => { b.start = performance.now(); b.painted = null; b.chart = null; }, true);
    b.listening = true;
  }
  if (b.observer) b.observer.disconnect();
  b.observer = new MutationObserver(records => {
    if (b.start === null) return;
    const images = new Set();
    for (const r of records) {
      if (r.type === 'attributes' && r.target.tagName === 'IMG') images.add(r.target);
      r.addedNodes.forEach(n => {
        if (n.nodeType !== 1) return;
        if (n.tagName === 'IMG') images.add(n);
        n.querySelectorAll('img').forEach(i => images.add(i));
      });
    }
    b.busy += 1;
    Promise.all([...images].map(i => i.decode().catch(() => null))).then(() =>
      requestAnimationFrame(() => setTimeout(() => {
        b.painted = performance.now();
        if (images.size) b.chart = b.painted;
        b.busy -= 1;
      }, 0)));
  });
  b.observer.observe(cell, {childList: true, subtree: true, characterData: true, attributes: true,
                             attributeFilter: ['src']});
  return !!cell.querySelector('.widget-output img');
}"""

# A choice from a dropdown's list, as the list's own change event (what a mouse or keyboard pick fires).
PICK = """(select, value) => {
  window.__bench.start = performance.now(); window.__bench.painted = null; window.__bench.chart = null;
  select.value = value;
  select.dispatchEvent(new Event('change', {bubbles: true}));
}"""

SETTLED = "() => window.__e2e.pending.size === 0 && window.__bench.busy === 0"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def summary(times: list[float]) -> dict:
    return {"n": len(times), "median_ms": statistics.median(times), "p95_ms": percentile(times, 0.95)}


class Timer(Student):
    """A Student (tests/e2e/test_jupyterlab.py) who times each change instead of checking it."""

    def timed(self, cell, action, has_chart: bool) -> float | None:
        """Do ``action`` (a key press); ms from the key down to the new chart (or text) painted."""
        sent = self.page.evaluate("() => window.__e2e.sent")
        self.page.evaluate("() => { window.__bench.painted = null; window.__bench.chart = null; }")
        action()
        try:
            self.page.wait_for_function("(n) => window.__e2e.sent > n", arg=sent, timeout=5_000)
            self.page.wait_for_function(SETTLED, timeout=60_000, polling="raf")
            self.page.wait_for_function(f"() => window.__bench.{'chart' if has_chart else 'painted'} !== null",
                                        timeout=3_000, polling="raf")
        except Exception:
            return None  # the key changed nothing on the page (e.g. a handle at the end of its track)
        self.page.evaluate(NEXT_FRAME)
        got = self.page.evaluate("() => [window.__bench.start, window.__bench.chart, window.__bench.painted]")
        start, chart, painted = got
        end = chart if has_chart else painted
        return None if start is None or end is None else end - start

    def repeat(self, cell, name: str, presses, reps: int, has_chart: bool) -> dict | None:
        times = []
        for i in range(reps + 1):  # the first is a warm-up
            ms = self.timed(cell, presses(i), has_chart)
            if ms is None:
                ms = self.timed(cell, presses(i + 1), has_chart)  # the other way
            if ms is not None and i > 0:
                times.append(ms)
        if not times:
            return None
        return {"notebook": self.name, "widget": name, "chart": has_chart, **summary(times)}

    def controls(self, cell) -> list[tuple[str, object]]:
        """(name, presses) for each teaching control of a widget cell; presses(i) gives the i-th action."""
        found = []
        sliders = cell.locator(".widget-hslider")
        for s in range(sliders.count()):
            slider = sliders.nth(s)
            label = slider.locator(".widget-label").first.inner_text().strip() or f"slider {s + 1}"
            handles = slider.locator(".noUi-handle")
            for h in range(handles.count()):
                handle = handles.nth(h)
                suffix = f" (handle {h + 1})" if handles.count() > 1 else ""
                found.append((f"slider '{label}'{suffix}",
                              lambda i, handle=handle: lambda: (handle.focus(), handle.press(
                                  "ArrowRight" if i % 2 == 0 else "ArrowLeft"))))
        selects = cell.locator(".widget-dropdown select")
        for d in range(selects.count()):
            select = selects.nth(d)
            if select.evaluate("s => s.options.length") < 2:
                continue
            label = cell.locator(".widget-dropdown").nth(d).locator(".widget-label").inner_text().strip()
            values = select.evaluate("s => [...s.options].map(o => o.value)")
            start = values.index(select.input_value()) if select.input_value() in values else 0
            found.append((f"dropdown '{label}'", lambda i, select=select, values=values, start=start: lambda: select.evaluate(
                PICK, values[(start + i + 1) % len(values)])))
        groups = cell.locator(".widget-toggle-buttons")
        for g in range(groups.count()):
            buttons = groups.nth(g).locator("button")
            label = groups.nth(g).locator(".widget-label").first.inner_text().strip()

            def other(i, buttons=buttons):
                def press():
                    idle = [k for k in range(buttons.count())
                            if "mod-active" not in (buttons.nth(k).get_attribute("class") or "")]
                    buttons.nth(idle[0]).focus()
                    buttons.nth(idle[0]).press("Space")
                return press

            found.append((f"toggle '{label}'", other))
        boxes = cell.locator(".widget-checkbox input[type=checkbox]")
        for c in range(boxes.count()):
            box = boxes.nth(c)
            label = cell.locator(".widget-checkbox").nth(c).inner_text().strip() or f"check box {c + 1}"
            found.append((f"check box '{label}'", lambda i, box=box: lambda: (box.focus(), box.press("Space"))))
        texts = cell.locator("[data-e2e=free].widget-text")
        for t in range(texts.count()):
            field = texts.nth(t).locator("input").first
            label = texts.nth(t).locator(".widget-label").inner_text().strip()
            shown = field.input_value().strip().replace(",", "")
            words = (shown, str(int(shown) + 1)) if shown.isdigit() else (shown or "zone", "tax")
            found.append((f"text '{label}'", lambda i, field=field, words=words: lambda: (
                field.fill(words[(i + 1) % 2]), field.press("Enter"))))
        return found

    def measure_widgets(self, reps: int) -> list[dict]:
        rows = []
        cells = self.widget_cells()
        for index in range(cells.count()):
            cell = cells.nth(index)
            self.look_at(cell)  # labels a self-check's answers, which are not teaching controls: left out
            for name, presses in self.controls(cell):
                has_chart = cell.evaluate(PROBE)
                try:
                    row = self.repeat(cell, name, presses, reps, has_chart)
                except Exception as err:  # report and go on
                    row = {"notebook": self.name, "widget": name, "error": str(err).splitlines()[0]}
                if row:
                    rows.append(row)
        return rows


def write_reference(folder: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in REFERENCE_CELLS]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / REFERENCE
    nbformat.write(nb, path)
    return path


def measure(notebooks: list[Path], reps: int, workdir: Path, log=print, windowing: str = "contentVisibility") -> dict:
    """Run All time and key-to-paint times for ``notebooks`` and for the plain-way reference notebook,
    in JupyterLab with the notebook ``windowing`` mode given (JupyterLab's default, "contentVisibility", or "none")."""
    from playwright.sync_api import sync_playwright

    results = {"run_all": {}, "widgets": [], "reference": None, "windowing": windowing}
    server = LabServer(workdir, windowing=windowing)
    server.start()
    write_reference(server.notebooks)
    try:
        with sync_playwright() as api:
            browser = launch_browser(api)
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            try:
                for path in [server.notebooks / REFERENCE, *notebooks]:
                    page = context.new_page()
                    page.set_default_timeout(30_000)
                    timer = Timer(page, path.stem)
                    try:
                        page.goto(server.notebook_url(path.name, workspace=re.sub(r"\W", "-", path.stem)))
                        run_all = timer.run_all()
                        rows = timer.measure_widgets(reps)
                    finally:
                        page.close()
                        server.shutdown_kernels()
                    if path.name == REFERENCE:
                        timed = [r for r in rows if "median_ms" in r]
                        results["reference"] = timed[0] if timed else None
                        log(f"  plain way (interact + %matplotlib inline): "
                            + (f"median {timed[0]['median_ms']:.0f} ms, p95 {timed[0]['p95_ms']:.0f} ms"
                               if timed else "not measured"))
                        continue
                    results["run_all"][path.stem] = run_all
                    results["widgets"] += rows
                    log(f"  {path.stem:<24} Run All {run_all:4.1f} s")
                    for r in rows:
                        log(f"    {r['widget'][:58]:<58} " + (f"median {r['median_ms']:5.0f} ms  p95 {r['p95_ms']:5.0f} ms"
                                                            f"  ({r['n']} changes{', chart' if r['chart'] else ', no chart'})"
                                                            if "median_ms" in r else f"error: {r['error']}"), flush=True)
            finally:
                context.close()
                browser.close()
    finally:
        server.stop()
    return results
