"""Zero flakes: run the whole nbval suite N times in a row (default 20) and report how many runs passed.

    make flakes            # 20 runs
    make flakes RUNS=5

Alternate runs use reverse notebook order, so an order dependence would show too. Exit code 1 if any run
failed; the failing cells of each failed run are printed. Not part of `make test` (it takes N × nbval time)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str]) -> int:
    runs = int(argv[0]) if argv else 20
    notebooks = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    passed, started = 0, time.time()
    for run in range(1, runs + 1):
        order = notebooks if run % 2 else notebooks[::-1]
        result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-n", "2", "--dist", "loadfile", *order],
                                cwd=ROOT, capture_output=True, text=True)
        ok = result.returncode == 0
        passed += ok
        last = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else "(no output)"
        print(f"run {run:2d}/{runs} ({'forward' if run % 2 else 'reverse'}): {'PASS' if ok else 'FAIL'} — {last}",
              flush=True)
        if not ok:
            print("\n".join(line for line in result.stdout.splitlines() if line.startswith("FAILED")))
    print(f"{passed}/{runs} nbval runs passed in {time.time() - started:.0f} s")
    return 0 if passed == runs else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
