"""The measured class sizes, kept in one place (tools/hub/sizing.json), and everything derived from them.

`make classroom STUDENTS=N RECORD=1` stores its result here; this module then rewrites the sizing table
between `<!-- classroom:start -->` and `<!-- classroom:end -->` in README.md and the instructor guide,
and the memory guarantee and limit in tools/hub/z2jh-config.yaml (measured peak per student x headroom).
tests/test_hub.py checks that all three agree with sizing.json.
"""

from __future__ import annotations

import json
import math
import re
import textwrap
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SIZING = HERE / "sizing.json"
Z2JH = HERE / "z2jh-config.yaml"
DOCS = [ROOT / "README.md", ROOT / "notebooks" / "instructor" / "README.md"]
START, END = "<!-- classroom:start -->", "<!-- classroom:end -->"
FIRST_CHART_BUDGET_S = 30
KEPT = ("students", "saw_chart", "median_s", "max_s", "peak_mb_per_student", "cpu_s_per_student", "hub_proxy_mb",
        "edits_kept", "run_s", "load_average", "load_average_after", "cores", "memory_gb", "date")


def load() -> dict:
    return json.loads(SIZING.read_text(encoding="utf-8"))


def runs(sizing: dict) -> list[dict]:
    return sorted(sizing["runs"].values(), key=lambda run: run["students"])


def per_student_mb(sizing: dict) -> int:
    """The figure the Kubernetes memory settings start from: the largest per-student peak of any run."""
    return max(run["peak_mb_per_student"] for run in runs(sizing))


def memory(sizing: dict) -> dict[str, str]:
    """singleuser.memory for Zero to JupyterHub: measured peak x headroom, rounded up to whole MiB
    (KubeSpawner reads the suffix M as MiB)."""
    peak = per_student_mb(sizing)
    return {kind: f"{math.ceil(peak * factor)}M" for kind, factor in sizing["headroom"].items()}


def capacity(sizing: dict) -> int:
    """The largest measured class in which every student saw the first chart within the budget."""
    fits = [run["students"] for run in runs(sizing)
            if run["saw_chart"] == run["students"] and (run["max_s"] or 0) <= FIRST_CHART_BUDGET_S]
    return max(fits, default=0)


def table(sizing: dict) -> str:
    rows = ["| students | saw the first chart | login → first chart, median | max | peak memory per student "
            "(server + kernel) | CPU time per student | hub + proxy | edit survived the pull | "
            "load average before (1, 5, 15 min) | measured |", "|---" * 10 + "|"]
    for run in runs(sizing):
        seconds = lambda value: "—" if value is None else f"{value:.1f} s"  # noqa: E731 - no chart seen
        rows.append(f"| {run['students']} | {run['saw_chart']}/{run['students']} | {seconds(run['median_s'])} | "
                    f"{seconds(run['max_s'])} | {run['peak_mb_per_student']} MB | {run['cpu_s_per_student']:.1f} s | "
                    f"{run['hub_proxy_mb']} MB | "
                    f"{run['edits_kept']}/{run['students']} | {run['load_average']} | {run['date']} |")
    machine = runs(sizing)[-1]
    fits = capacity(sizing)
    students = lambda n: f"{n} student" + ("" if n == 1 else "s")  # noqa: E731
    by_memory = (machine["memory_gb"] * 1024 - machine["hub_proxy_mb"]) // per_student_mb(sizing)
    cpu_s = max(run["cpu_s_per_student"] for run in runs(sizing))
    by_processor = int(machine["cores"] * FIRST_CHART_BUDGET_S // cpu_s) if cpu_s else 0
    rows += ["", f"Measured by `make classroom STUDENTS=N RECORD=1` on one machine with {machine['cores']} cores "
             f"and {machine['memory_gb']} GB of memory, shared with other work while it ran (the load "
             "average column: on 2 cores, anything above 2 means the class waited for the processor; when "
             "classes were measured one after another, the 1-minute figure still counts part of the previous "
             "one). "
             + (f"Largest measured class with every first chart within {FIRST_CHART_BUDGET_S} s: "
                f"**{students(fits)}**." if fits else
                f"No measured class had every first chart within {FIRST_CHART_BUDGET_S} s.")
             + f" Memory alone would hold {students(by_memory)} ({machine['memory_gb']} GB less the hub, "
             f"divided by the largest per-student peak). The processor is the tighter limit: a student's server "
             f"and kernel need up to {cpu_s:.1f} s of processor time to reach the end of notebook 01, so "
             f"{machine['cores']} idle cores take about {students(by_processor)} starting together through it within "
             f"{FIRST_CHART_BUDGET_S} s (an estimate that leaves out the hub's own work).",
             "", f"Kubernetes sizing (tools/hub/z2jh-config.yaml) starts from the largest per-student peak, "
             f"{per_student_mb(sizing)} MB: memory guarantee {memory(sizing)['guarantee']} (× "
             f"{sizing['headroom']['guarantee']}), limit {memory(sizing)['limit']} (× {sizing['headroom']['limit']})."]
    return "\n".join(textwrap.fill(row, 110, break_on_hyphens=False) if not row.startswith("|") else row
                     for row in rows)


def render(text: str, sizing: dict) -> str:
    if START not in text or END not in text:
        return text
    head, rest = text.split(START, 1)
    return head + START + "\n" + table(sizing) + "\n" + END + rest.split(END, 1)[1]


def render_yaml(text: str, sizing: dict) -> str:
    """The values file with singleuser.memory's guarantee and limit lines set from the measurement."""
    lines = text.split("\n")
    start = lines.index("  memory:")
    end = next((i for i in range(start + 1, len(lines)) if re.match(r"^ {0,2}\S", lines[i])), len(lines))
    for kind, value in memory(sizing).items():
        found = [i for i in range(start + 1, end) if lines[i].startswith(f"    {kind}: ")]
        if len(found) != 1:
            raise ValueError(f"{Z2JH.name}: expected one singleuser.memory.{kind} line, found {len(found)}")
        lines[found[0]] = f"    {kind}: {value}"
    return "\n".join(lines)


def write_all(sizing: dict) -> None:
    for path in DOCS:
        path.write_text(render(path.read_text(encoding="utf-8"), sizing), encoding="utf-8")
    Z2JH.write_text(render_yaml(Z2JH.read_text(encoding="utf-8"), sizing), encoding="utf-8")


def record(result: dict) -> None:
    sizing = load() if SIZING.exists() else {"headroom": {"guarantee": 1.5, "limit": 3.0}, "runs": {}}
    sizing["runs"][str(result["students"])] = {key: result[key] for key in KEPT}
    SIZING.write_text(json.dumps(sizing, indent=1) + "\n", encoding="utf-8")
    write_all(sizing)
    print(f"recorded in {SIZING.relative_to(ROOT)}; the sizing tables and {Z2JH.name} rewritten")


if __name__ == "__main__":
    write_all(load())
