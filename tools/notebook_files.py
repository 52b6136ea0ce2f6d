"""After `make execute` runs a notebook: keep it small and record how it was run.

Layout and style models store every CSS property, almost all null; the widget managers (JupyterLab, the
HTML manager of the static site) fill the same nulls in from their defaults, so those entries are dropped.
The notebook's metadata records when it was executed and with which package versions (the README's
course status table is generated from it)."""

from __future__ import annotations

import datetime as dt
import json
import platform
import sys
from importlib.metadata import version
from pathlib import Path

STATE = "application/vnd.jupyter.widget-state+json"
RECORDED = ("jupyterlab", "ipywidgets", "ipykernel", "matplotlib", "pandas", "numpy")


def run_record() -> dict:
    return {"executed": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "versions": {"python": platform.python_version(), **{name: version(name) for name in RECORDED}}}


def compact(path: Path) -> int:
    """Remove null-valued public keys from layout and style models; return the bytes saved."""
    text = path.read_text(encoding="utf-8")
    nb = json.loads(text)
    models = nb.get("metadata", {}).get("widgets", {}).get(STATE, {}).get("state", {})
    for model in models.values():
        name = model.get("model_name", "")
        if name == "LayoutModel" or name.endswith("StyleModel"):
            model["state"] = {k: v for k, v in model["state"].items() if v is not None or k.startswith("_")}
    for cell in nb.get("cells", []):
        cell.get("metadata", {}).pop("execution", None)  # per-cell timestamps: diff noise, no use to readers
    nb.setdefault("metadata", {})["qianhai"] = run_record()
    new = json.dumps(nb, sort_keys=True, ensure_ascii=False, indent=1) + "\n"
    path.write_text(new, encoding="utf-8")
    return len(text.encode()) - len(new.encode())


def main(argv: list[str]) -> int:
    for name in argv:
        saved = compact(Path(name))
        print(f"{name}: {saved // 1024} KB of default widget state removed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
