"""Run every benchmark, one after the other, each printing its own side-by-side ratios.

    python bench/run_all.py

Each benchmark is a separate process (the board one needs its own QApplication; the EWS one
starts its fake server in a process of its own). The figures to reach are in each script's
docstring and printed beside the results.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = (
    "bench_board.py",
    "bench_looks.py",
    "bench_paint.py",
    "bench_search.py",
    "bench_groups.py",
    "bench_presence.py",
    "bench_ews.py",
    "bench_graph.py",
)


def main() -> int:
    failed = 0
    for name in BENCHMARKS:
        print(f"== {name} ==", flush=True)
        result = subprocess.run([sys.executable, str(HERE / name)], cwd=HERE.parent, check=False)
        failed += result.returncode != 0
        print(flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
