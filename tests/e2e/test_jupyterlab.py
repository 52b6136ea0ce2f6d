"""Every notebook, run and used in JupyterLab in a real browser, the way a student would.

For each ``notebooks/NN_*.ipynb`` (found when the tests are collected, so new notebooks are covered
without touching this file):

1. open it in JupyterLab, *Run ▸ Run All Cells* through the menu, wait until every code cell has run;
2. no cell shows an error, a traceback or other stderr output, no widget failed to render, no text was typeset as mathematics (a pair of $ in money), and the
   kernel reported no error (also none from a widget callback, which JupyterLab would only log);
   a long source list in *Sources* is folded and opens on a click;
3. use every teaching widget, generically, and check that what it shows changes:
   * each horizontal slider handle: arrow keys; the typed-number twin follows; typing the old value
     into the twin (Enter) moves the slider back; typing nonsense shows a message and leaves the
     slider alone; then the handle is dragged with the mouse (its track must be wide enough to drag);
   * each dropdown: pick another option, then the original again; each toggle-button group, checkbox
     and free text box (not a twin, not an answer: type a word, from the table below, then restore)
     likewise; any other button is clicked (the click must reach the kernel without error);
   * each self-check: *Check* with no answer explains what to do; each multiple-choice option is
     judged "Right" or "Not quite", exactly one of them "Right"; a numeric answer is judged, and
     nonsense typed in it is explained rather than judged;
   "what it shows" is the text of the panel's HTML and Output widgets and the chart images' data.
   A control that fails is reported and the others are still used, so one run lists every problem;
4. a screenshot of the whole notebook goes to ``artifacts/e2e/<notebook>.png``, and what was covered
   (and how long it took) to ``artifacts/e2e/<notebook>.json``.

Each interaction waits for the kernel to finish handling the messages it caused (no fixed sleeps).
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from .lab import ROOT

try:
    from playwright.sync_api import Error as PlaywrightError
except ImportError:  # the fixtures then skip (or fail) with the reason

    class PlaywrightError(Exception):
        pass

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
ARTIFACTS = ROOT / "artifacts" / "e2e"

# What to type into a free text box (not a slider twin, not a self-check answer), by its label.
# The only per-notebook knowledge the test needs; any other box gets DEFAULT_TYPED.
TYPED_TEXT = {
    "Look up": "negative list",  # 00 glossary look-up: a term that is in the glossary
}
DEFAULT_TYPED = "zone"
NONSENSE = "abc"
RUN_ALL_TIMEOUT = 300  # seconds, for the whole notebook (nbval allows 300 s per cell)

RIGHT, WRONG = "Right", "Not quite"

# ---------------------------------------------------------------------------------------------------
# JavaScript run in the page. JupyterLab exposes itself as window.jupyterapp
# (--LabApp.expose_app_in_browser=True).

KERNEL_IDLE = """() => {
  const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const kernel = panel && panel.sessionContext && panel.sessionContext.session && panel.sessionContext.session.kernel;
  return !!kernel && kernel.status === 'idle' && kernel.connectionStatus === 'connected';
}"""

# Watch the kernel connection: count executed cells, collect errors and stderr (also those caused by
# widget callbacks, which JupyterLab does not show in the notebook), and track every comm message the
# page sends until the kernel reports idle for it.
INSTRUMENT = r"""() => {
  const panel = window.jupyterapp.shell.currentWidget;
  const kernel = panel.sessionContext.session.kernel;
  const s = window.__e2e = {inputs: 0, problems: [], pending: new Set(), sent: 0, widgets: new Set()};
  // The widget manager probes the kernel through a 'jupyter.widget.control' comm that the page opens,
  // before ipywidgets is imported there; the kernel's "No such comm ..." replies to it are expected noise.
  // ("No such comm" for a widget the kernel itself opened is a real problem and is reported.)
  const probe = text => {
    if (text.includes('No such comm target registered: jupyter.widget.control')) return true;
    const m = /No such comm: (\S+)/.exec(text);
    return !!m && !s.widgets.has(m[1]);
  };
  kernel.anyMessage.connect((_, args) => {
    const msg = args.msg, type = msg.header.msg_type;
    if (args.direction === 'send') {
      if (type === 'comm_msg') { s.pending.add(msg.header.msg_id); s.sent += 1; }
      return;
    }
    if (msg.channel !== 'iopub') return;
    const parent = msg.parent_header || {};
    if (type === 'comm_open') s.widgets.add(msg.content.comm_id);
    if (type === 'execute_input') s.inputs += 1;
    if (type === 'error') s.problems.push(`${parent.msg_type}: ${msg.content.ename}: ${msg.content.evalue}`);
    if (type === 'stream' && msg.content.name === 'stderr' && !probe(msg.content.text))
      s.problems.push(`${parent.msg_type} wrote to stderr: ${msg.content.text.slice(0, 400)}`);
    if (type === 'status' && msg.content.execution_state === 'idle') s.pending.delete(parent.msg_id);
  });
  return panel.content.widgets.filter(c => c.model.type === 'code').length;
}"""

# Every widget view the cells produced is drawn on the page.
WIDGETS_DRAWN = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  let views = 0;
  panel.content.widgets.forEach(cell => { if (cell.model.type === 'code')
    views += cell.model.outputs.toJSON().filter(o => o.data && o.data['application/vnd.jupyter.widget-view+json']).length; });
  const drawn = [...document.querySelectorAll('.jp-Notebook .jp-OutputArea-output')]
    .filter(el => el.firstElementChild && el.firstElementChild.classList.contains('jupyter-widgets')).length;
  return drawn >= views;
}"""

# Where Run All is: done when the kernel is idle, no cell is running, and every code cell was sent,
# or an error stopped the run (the kernel then skips the cells queued after it).
RUN_STATE = """() => {
  const s = window.__e2e, panel = window.jupyterapp.shell.currentWidget;
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  const cells = panel.content.widgets.filter(c => c.model.type === 'code');
  return {inputs: s.inputs, errors: s.problems.filter(p => p.includes('Error')).length,
          kernel: kernel ? kernel.status : 'none',
          running: cells.filter(c => c.model.executionCount === null || (c.model.executionState || 'idle') !== 'idle').length,
          dialog: (document.querySelector('.jp-Dialog') || {}).innerText || ''};
}"""

# Problems visible in the notebook: error outputs and stderr in cells, widgets that did not render.
VISIBLE_PROBLEMS = """() => {
  const found = [];
  const panel = window.jupyterapp.shell.currentWidget;
  panel.content.widgets.forEach((cell, i) => {
    if (cell.model.type !== 'code') return;
    for (const out of cell.model.outputs.toJSON()) {
      if (out.output_type === 'error') found.push(`cell ${i + 1}: ${out.ename}: ${out.evalue}`);
      if (out.output_type === 'stream' && out.name === 'stderr') found.push(`cell ${i + 1} stderr: ${out.text.slice(0, 400)}`);
    }
  });
  document.querySelectorAll('.jp-Notebook .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
    .forEach(el => found.push('shown in red: ' + el.textContent.slice(0, 400)));
  // textContent, not innerText: a cell off screen is not rendered under JupyterLab's default windowing
  document.querySelectorAll('.jp-Notebook .jp-OutputArea-output').forEach(el => {
    const text = (el.textContent || '').trim();
    if (/Error (displaying|rendering) widget|Failed to (load|render) (model|widget)/.test(text))
      found.push('widget did not render: ' + text.slice(0, 200));
    if (text.startsWith('[Interactive:')) found.push('widget shown as plain text only: ' + text.slice(0, 200));
  });
  // The course has no mathematics: typeset math means a pair of $ in some text (money) was read as LaTeX.
  document.querySelectorAll('.jp-Notebook mjx-container').forEach(el => {
    const cell = el.closest('.jp-Cell');
    found.push('typeset as mathematics (a pair of $ in text?): ' + ((cell || el).textContent || '').slice(0, 160));
  });
  return found;
}"""

# Label each input of a widget cell with its role: a slider's twin, a self-check answer, or free.
CLASSIFY = """(cell) => {
  // an answer box shares its nearest VBox with a Check button (a self-check question)
  const inCheck = el => { const box = el.closest('.widget-vbox');
    return !!box && [...box.querySelectorAll('button')]
      .some(b => b.innerText.trim() === 'Check' && b.closest('.widget-vbox') === box); };
  cell.querySelectorAll('.widget-text, .widget-textarea').forEach(el => {
    const siblings = el.parentElement ? [...el.parentElement.children] : [];
    const twin = siblings.some(s => s.classList.contains('widget-hslider'));
    el.dataset.e2e = twin ? 'twin' : (inCheck(el) ? 'answer' : 'free');
  });
  cell.querySelectorAll('.widget-radio').forEach(el => { el.dataset.e2e = inCheck(el) ? 'answer' : 'free'; });
}"""

# What a widget panel shows: text of HTML and Output widgets, and the data of every image in them.
SHOWN = """(cell) => {
  const parts = [];
  cell.querySelectorAll('.widget-html-content, .widget-htmlmath-content, .widget-output, .widget-label-basic')
    .forEach(el => parts.push(el.innerText));
  cell.querySelectorAll('.widget-output img, .widget-image').forEach(img => parts.push(img.src || ''));
  return parts.join('\\n');
}"""

NEXT_FRAME = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"

# ---------------------------------------------------------------------------------------------------


def verdict_of(feedback) -> str:
    """A self-check's feedback without its leading icon: "Right. ...", "Not quite. ..." or a hint."""
    return re.sub(r"^\W+", "", feedback.inner_text().strip())


class Student:
    """One notebook page, and the generic ways a student uses its widgets."""

    def __init__(self, page, name: str):
        self.page, self.name = page, name
        self.covered: dict[str, int] = {}
        self.log: list[str] = []

    def count(self, what: str, n: int = 1) -> None:
        self.covered[what] = self.covered.get(what, 0) + n

    # -- waiting -------------------------------------------------------------------------------------

    def act(self, action, *, sends: bool = True, what: str = "") -> None:
        """Do ``action`` and wait until the kernel has handled every message it sent (and the page
        has drawn the result). ``sends``: the action must reach the kernel."""
        sent = self.page.evaluate("() => window.__e2e.sent")
        action()
        self.settle(sent if sends else None, what)

    def settle(self, sent: int | None, what: str) -> None:
        """Wait until the page has sent a message since ``sent`` (if given), the kernel has handled
        every message sent, and the page has drawn what came back."""
        if sent is not None:
            try:
                self.page.wait_for_function("(n) => window.__e2e.sent > n", arg=sent, timeout=10_000)
            except Exception as err:
                raise AssertionError(f"{self.name}: {what}: the page sent nothing to the kernel") from err
        self.page.wait_for_function("() => window.__e2e.pending.size === 0", timeout=60_000)
        self.page.evaluate(NEXT_FRAME)

    def shown(self, cell) -> str:
        return cell.evaluate(SHOWN)

    def changes(self, cell, action, what: str) -> str:
        """Do ``action``; assert that what the panel shows changed. Returns the new state."""
        before = self.shown(cell)
        self.act(action, what=what)
        after = self.shown(cell)
        assert after != before, f"{self.name}: {what}: nothing shown changed"
        self.log.append(what)
        return after

    # -- run all -------------------------------------------------------------------------------------

    def run_all(self) -> float:
        page = self.page
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120_000)
        page.wait_for_function(KERNEL_IDLE, timeout=120_000)
        code_cells = page.evaluate(INSTRUMENT)
        started = time.perf_counter()
        page.click("li.lm-MenuBar-item:has-text('Run')")
        page.click(".lm-Menu-itemLabel:text-is('Run All Cells')")
        deadline = started + RUN_ALL_TIMEOUT
        while True:
            state = page.evaluate(RUN_STATE)
            if state["kernel"] == "idle" and not state["running"] and (state["inputs"] >= code_cells or state["errors"]):
                break
            if time.perf_counter() > deadline or state["dialog"]:
                raise AssertionError(f"{self.name}: Run All did not finish in {RUN_ALL_TIMEOUT} s: {state}, "
                                     f"{code_cells} code cells; kernel messages: {self.page.evaluate('() => window.__e2e.problems')}")
            page.wait_for_timeout(100)
        elapsed = time.perf_counter() - started
        page.wait_for_function(WIDGETS_DRAWN, timeout=30_000, polling=100)
        page.evaluate(NEXT_FRAME)
        self.count("code cells run", code_cells)
        return elapsed

    def sources_fold(self) -> None:
        """Long source lists in the Sources section render as folded lists (not as escaped tags), and open on a
        click."""
        summary = self.page.locator(".jp-OutputArea-output details > summary:has-text('(click to show)')").first
        assert summary.count() == 1, f"{self.name}: no folded source list in the Sources section"
        details = summary.locator("xpath=..")
        assert details.evaluate("d => !d.open")
        summary.scroll_into_view_if_needed()
        summary.click()
        assert details.evaluate("d => d.open && d.querySelectorAll('li').length > 6"), \
            f"{self.name}: a folded source list did not open on a click"
        self.log.append("folded source list opened")

    def problems(self) -> list[str]:
        return self.page.evaluate(VISIBLE_PROBLEMS) + self.page.evaluate("() => window.__e2e.problems")

    # -- widgets -------------------------------------------------------------------------------------

    def widget_cells(self):
        return self.page.locator(".jp-Notebook .jp-CodeCell:has(.jp-OutputArea-output .jupyter-widgets)")

    def look_at(self, cell) -> None:
        """Bring a widget cell on screen, as a student does before using it, and label its inputs (CLASSIFY).
        Under JupyterLab's default windowing a cell off screen is not rendered, and its text reads as empty."""
        cell.scroll_into_view_if_needed()
        self.page.evaluate(NEXT_FRAME)
        cell.evaluate(CLASSIFY)

    def use_everything(self) -> list[str]:
        """Use every widget; return what went wrong. A failure with one control is noted and the other
        controls are still used, so one run reports every problem."""
        self.failures: list[str] = []
        cells = self.widget_cells()
        for index in range(cells.count()):
            cell = cells.nth(index)
            self.look_at(cell)
            for use in (self.sliders, self.dropdowns, self.toggles, self.checkboxes, self.free_radios,
                        self.free_texts, self.buttons, self.self_checks):
                self.attempt(f"{use.__name__} in widget cell {index + 1}", use, cell)
        return self.failures

    def attempt(self, what: str, action, *args) -> None:
        try:
            action(*args)
        except AssertionError as err:
            self.failures.append(str(err).split("\nassert ")[0])
        except PlaywrightError as err:
            self.failures.append(f"{self.name}: {what}: {err.message.splitlines()[0]}")

    def sliders(self, cell) -> None:
        sliders = cell.locator(".widget-hslider")
        for i in range(sliders.count()):
            slider = sliders.nth(i)
            label = slider.locator(".widget-label").first.inner_text().strip() or f"slider {i + 1}"
            handles = slider.locator(".noUi-handle")
            twins = slider.locator("xpath=..").locator(":scope > [data-e2e=twin] input")
            for h in range(handles.count()):
                handle = handles.nth(h)
                twin = twins.nth(h) if twins.count() == handles.count() else None
                what = f"slider '{label}' handle {h + 1}"
                self.attempt(what, self.slider_keys, cell, slider, handle, twin, what)
            self.attempt(f"slider '{label}'", self.slider_drag, cell, slider, handles.first, f"slider '{label}'")
            self.count("sliders")
            self.count("slider handles", handles.count())

    @staticmethod
    def position(slider, handle) -> tuple[str, str]:
        """Where a handle is, as the page shows it: its aria value (rounded to 0.1 by the slider library)
        and the slider's readout (in the widget's own format)."""
        return handle.get_attribute("aria-valuenow"), slider.locator(".widget-readout").inner_text()

    def slider_keys(self, cell, slider, handle, twin, what: str) -> None:
        old = self.position(slider, handle)
        old_typed = twin.input_value() if twin is not None else None

        def press(key):
            handle.focus()
            handle.press(key)

        for key in ("ArrowRight", "ArrowLeft"):  # the other way if the handle is at its end
            before = self.shown(cell)
            sent = self.page.evaluate("() => window.__e2e.sent")
            press(key)
            try:
                self.page.wait_for_function(
                    """([slider, handle, old]) => handle.getAttribute('aria-valuenow') !== old[0] ||
                         slider.querySelector('.widget-readout').innerText !== old[1]""",
                    arg=[slider.element_handle(), handle.element_handle(), list(old)], timeout=2_000)
            except Exception:
                continue
            self.settle(sent, f"{what}: {key}")
            assert self.shown(cell) != before, f"{self.name}: {what}: {key} moved it but nothing shown changed"
            self.log.append(f"{what}: {key}")
            break
        else:
            raise AssertionError(f"{self.name}: {what}: the arrow keys do not move it")
        if twin is None:
            return
        self.count("typed twins")
        assert twin.input_value() != old_typed, f"{self.name}: {what}: its typed twin did not follow the slider"

        def type_into(text):
            twin.fill(text)
            twin.press("Enter")

        moved = self.position(slider, handle)
        self.changes(cell, lambda: type_into(NONSENSE), f"{what}: typed {NONSENSE!r} in its twin")
        status = cell.locator("[role=status]")
        assert status.count() and any(status.nth(k).inner_text().strip() for k in range(status.count())), \
            f"{self.name}: {what}: typing {NONSENSE!r} shows no message"
        assert self.position(slider, handle) == moved, f"{self.name}: {what}: nonsense moved the slider"
        self.changes(cell, lambda: type_into(old_typed), f"{what}: typed {old_typed!r} in its twin")
        assert self.position(slider, handle) == old, f"{self.name}: {what}: the slider did not follow the typed value"

    def slider_drag(self, cell, slider, handle, what: str) -> None:
        old = self.position(slider, handle)
        track = slider.locator(".noUi-base").bounding_box()
        assert track and track["width"] >= 50, (
            f"{self.name}: {what}: its track is {track and round(track['width'])} px wide, so it cannot be dragged "
            "(is the description too long for the slider's width? give the slider a wider layout)")

        def drag():
            """Grab the handle and drop it a quarter of the track from the far end."""
            handle.scroll_into_view_if_needed()
            track, box = slider.locator(".noUi-base").bounding_box(), handle.bounding_box()
            x0, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
            left, right = track["x"] + 0.25 * track["width"], track["x"] + 0.75 * track["width"]
            target = right if abs(x0 - left) < abs(x0 - right) else left
            self.page.mouse.move(x0, y)
            self.page.mouse.down()
            self.page.mouse.move(target, y, steps=8)
            self.page.mouse.up()

        self.changes(cell, drag, f"{what}: dragged")
        assert self.position(slider, handle) != old, f"{self.name}: {what}: dragging did not move it"

    def dropdowns(self, cell) -> None:
        selects = cell.locator(".widget-dropdown select")
        for i in range(selects.count()):
            select = selects.nth(i)
            if select.is_disabled() or not select.is_visible():  # e.g. 00's verdict filter before "Show verdicts"
                continue
            label = cell.locator(".widget-dropdown").nth(i).locator(".widget-label").inner_text().strip()
            values = select.evaluate("s => [...s.options].map(o => o.value)")
            if len(values) < 2:
                continue
            old = select.input_value()
            new = values[(values.index(old) + 1) % len(values)] if old in values else values[0]
            self.changes(cell, lambda: select.select_option(new), f"dropdown '{label}': picked {new!r}")
            if old in values:
                self.changes(cell, lambda: select.select_option(old), f"dropdown '{label}': back to {old!r}")
            self.count("dropdowns")

    def toggles(self, cell) -> None:
        groups = cell.locator(".widget-toggle-buttons")
        for i in range(groups.count()):
            buttons = groups.nth(i).locator("button")
            label = groups.nth(i).locator(".widget-label").first.inner_text().strip()
            active = [k for k in range(buttons.count()) if "mod-active" in (buttons.nth(k).get_attribute("class") or "")]
            others = [k for k in range(buttons.count()) if k not in active]
            if not others:
                continue
            new = buttons.nth(others[0])
            self.changes(cell, new.click, f"toggle '{label}': {new.inner_text().strip()}")
            if active:
                old = buttons.nth(active[0])
                self.changes(cell, old.click, f"toggle '{label}': back to {old.inner_text().strip()}")
            self.count("toggle groups")

    def checkboxes(self, cell) -> None:
        boxes = cell.locator(".widget-checkbox input[type=checkbox]")
        for i in range(boxes.count()):
            box = boxes.nth(i)
            self.changes(cell, box.click, f"checkbox {i + 1}")
            self.changes(cell, box.click, f"checkbox {i + 1} back")
            self.count("checkboxes")

    def free_radios(self, cell) -> None:
        groups = cell.locator(".widget-radio[data-e2e=free]")
        for i in range(groups.count()):
            radios = groups.nth(i).locator("input[type=radio]")
            picked = [k for k in range(radios.count()) if radios.nth(k).is_checked()]
            others = [k for k in range(radios.count()) if k not in picked]
            if others:
                self.changes(cell, radios.nth(others[0]).check, f"radio group {i + 1}")
                self.count("radio groups")

    def free_texts(self, cell) -> None:
        boxes = cell.locator("[data-e2e=free]:is(.widget-text, .widget-textarea)")
        for i in range(boxes.count()):
            label = boxes.nth(i).locator(".widget-label").inner_text().strip()
            field = boxes.nth(i).locator("input, textarea").first
            current = field.input_value()
            if field.get_attribute("type") == "number":  # IntText, FloatText: a nearby number
                text = str(float(current or 0) + 1) if "." in current else str(int(current or 0) + 1)
            else:
                text = TYPED_TEXT.get(label, DEFAULT_TYPED)
                text = text + "s" if current == text else text

            def type_it(text):
                field.fill(text)
                field.press("Enter") if field.evaluate("e => e.tagName") == "INPUT" else field.blur()

            self.changes(cell, lambda: type_it(text), f"text box '{label}': typed {text!r}")
            if current != text:  # put it back, so that the next box's message is its own
                self.changes(cell, lambda: type_it(current), f"text box '{label}': back to {current!r}")
            self.count("free text boxes")

    def buttons(self, cell) -> None:
        """Buttons other than a self-check's Check: the click must reach the kernel and cause no error.
        (A button such as "Reset" may rightly change nothing, so a change is logged, not required.)"""
        buttons = cell.locator("button.widget-button:not(:text-is('Check'))")
        for i in range(buttons.count()):
            button = buttons.nth(i)
            if button.is_disabled():
                continue
            label = button.inner_text().strip() or button.get_attribute("title") or f"button {i + 1}"
            before = self.shown(cell)
            self.act(button.click, what=f"button '{label}'")
            self.log.append(f"button '{label}': {'changed' if self.shown(cell) != before else 'nothing changed'}")
            self.count("buttons")

    def self_checks(self, cell) -> None:
        buttons = cell.locator("button.widget-button:text-is('Check')")
        for i in range(buttons.count()):
            self.attempt(f"self-check {i + 1}", self.self_check, buttons.nth(i), i)

    def self_check(self, button, i: int) -> None:
        question = button.locator(
            "xpath=ancestor::div[contains(concat(' ', normalize-space(@class), ' '), ' widget-vbox ')][1]")
        title = question.locator(".widget-html-content").first.inner_text().strip()[:60]
        feedback = question.locator(":scope > .widget-html .widget-html-content").last
        what = f"self-check {i + 1} ({title!r})"

        # Check with no answer yet: an explanation, not a verdict.
        self.act(button.click, what=f"{what}: Check with no answer")
        said = verdict_of(feedback)
        assert said and not said.startswith((RIGHT, WRONG)), \
            f"{self.name}: {what}: Check with no answer says {said!r}"

        radios = question.locator("input[type=radio]")
        answer = question.locator("[data-e2e=answer] input")
        if radios.count():
            right = []
            for k in range(radios.count()):
                option = radios.nth(k).locator("xpath=..").inner_text().strip()
                self.act(radios.nth(k).check, what=f"{what}: picked {option!r}")
                self.act(button.click, what=f"{what}: Check")
                said = verdict_of(feedback)
                assert said.startswith((RIGHT, WRONG)), f"{self.name}: {what}: option {option!r} judged {said!r}"
                if said.startswith(RIGHT):
                    right.append(option)
            assert len(right) == 1, f"{self.name}: {what}: options judged right: {right}"
            self.log.append(f"{what}: {radios.count()} options tried, right: {right[0]!r}")
            self.count("multiple-choice self-checks")
        elif answer.count():
            for typed, judged in ((NONSENSE, False), ("1", True)):
                def type_it(typed=typed):
                    answer.first.fill(typed)
                    answer.first.press("Enter")

                self.act(type_it, what=f"{what}: typed {typed!r}")
                self.act(button.click, what=f"{what}: Check")
                said = verdict_of(feedback)
                assert said and said.startswith((RIGHT, WRONG)) == judged, f"{self.name}: {what}: typed {typed!r}, feedback {said!r}"
            self.log.append(f"{what}: typed answers judged")
            self.count("numeric self-checks")
        else:
            raise AssertionError(f"{self.name}: {what}: a Check button with nothing to answer")

    # -- screenshot ----------------------------------------------------------------------------------

    def screenshot(self, path: Path) -> None:
        """The whole notebook from the top: make the window as tall as the notebook (up to 32,000 px,
        which headless Chromium renders), shoot, and store with a 256-colour palette to keep it small."""
        from PIL import Image

        page = self.page
        size = page.viewport_size
        try:
            height = page.evaluate("""() => {
              const outer = document.querySelector('.jp-NotebookPanel .jp-WindowedPanel-outer');
              if (!outer) return window.innerHeight;
              outer.scrollTop = 0;
              return outer.scrollHeight - outer.clientHeight + window.innerHeight;
            }""")
            page.set_viewport_size({"width": size["width"], "height": int(min(max(height, size["height"]), 32_000))})
            page.evaluate(NEXT_FRAME)
            page.evaluate("() => { const o = document.querySelector('.jp-NotebookPanel .jp-WindowedPanel-outer'); if (o) o.scrollTop = 0; }")
            page.evaluate(NEXT_FRAME)
            page.screenshot(path=str(path))
        finally:
            page.set_viewport_size(size)
        with Image.open(path) as shot:
            small = shot.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
        small.save(path, optimize=True)


@pytest.fixture(scope="module")
def lab_context(browser):
    """One browser context for all notebooks, so JupyterLab's scripts are fetched once (a page each)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        yield context
    finally:
        context.close()


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[nb.stem for nb in NOTEBOOKS])
def test_notebook_runs_and_widgets_respond(notebook: Path, lab, lab_context, record_property):
    assert (lab.notebooks / notebook.name).exists(), f"{notebook.name} was not copied for the server"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = lab_context.new_page()
    page.set_default_timeout(30_000)
    student = Student(page, notebook.stem)
    started = time.perf_counter()
    timings = {}
    try:
        page.goto(lab.notebook_url(notebook.name, workspace=re.sub(r"\W", "-", notebook.stem)))
        timings["run all (s)"] = round(student.run_all(), 1)
        problems = student.problems()
        assert not problems, f"{notebook.name} after Run All:\n" + "\n".join(problems)
        student.sources_fold()

        interacted = time.perf_counter()
        failures = student.use_everything()
        timings["interactions (s)"] = round(time.perf_counter() - interacted, 1)
        problems = student.problems()
        assert not problems, f"{notebook.name} after using its widgets:\n" + "\n".join(problems)
        assert not failures, f"{notebook.name}: widgets that do not work as a student expects:\n" + "\n".join(failures)

        controls = sum(student.covered.get(k, 0) for k in
                       ("sliders", "dropdowns", "toggle groups", "checkboxes", "radio groups", "free text boxes"))
        checks = student.covered.get("multiple-choice self-checks", 0) + student.covered.get("numeric self-checks", 0)
        assert controls >= 1, f"{notebook.name}: no teaching widget found to use (CONTRIBUTING asks for one)"
        assert checks >= 1, f"{notebook.name}: no self-check found (CONTRIBUTING asks for a Self-check section)"
    finally:
        timings["total (s)"] = round(time.perf_counter() - started, 1)
        try:
            student.screenshot(ARTIFACTS / f"{notebook.stem}.png")
        except Exception as err:  # a screenshot must never hide the real failure
            student.log.append(f"screenshot failed: {err}")
        report = {"notebook": notebook.name, "covered": student.covered, "timings": timings,
                  "interactions": student.log, "failures": getattr(student, "failures", [])}
        (ARTIFACTS / f"{notebook.stem}.json").write_text(json.dumps(report, indent=1, ensure_ascii=False),
                                                         encoding="utf-8")
        record_property("e2e", report)
        page.close()
        lab.shutdown_kernels()


def test_every_notebook_is_collected():
    """Guard against a pattern that silently matches nothing."""
    assert len(NOTEBOOKS) >= 2, NOTEBOOKS
