"""How long `scripts/start` takes to reach "listening": the first start (it installs into .venv)
and the starts after it (nothing to install), against `quietpage serve` alone.

    .venv/bin/python benchmarks/start.py [--runs 5]

Each run starts on a fresh empty data folder with --port 0 and is stopped once it says it
listens. The first start is forced by removing .venv/.quietpage-installed (the venv itself stays:
pip finds the packages installed). Prints medians, and the ratio of each to `quietpage serve`.
"""
from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STAMP = ROOT / ".venv" / ".quietpage-installed"


def time_to_listening(command: list[str]) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "QUIETPAGE_DATA_DIR": f"{tmp}/library", "QUIETPAGE_RUNTIME_DIR": f"{tmp}/run",
               "PYTHONUNBUFFERED": "1"}
        start = time.monotonic()
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                text=True, env=env, cwd=tmp, start_new_session=True)
        try:
            for line in proc.stdout:
                if "is listening on" in line:
                    return time.monotonic() - start
            raise SystemExit(f"{command[0]} stopped before listening")
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    start = [str(ROOT / "scripts" / "start"), "--port", "0"]
    serve = [str(ROOT / ".venv" / "bin" / "quietpage"), "serve", "--port", "0"]
    first = []
    for _ in range(max(1, runs // 2)):
        STAMP.unlink(missing_ok=True)
        first.append(time_to_listening(start))
    again = [time_to_listening(start) for _ in range(runs)]
    alone = [time_to_listening(serve) for _ in range(runs)]
    base = statistics.median(alone)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; medians to 'listening':")
    for name, values in (("scripts/start, first (installs)", first), ("scripts/start, again", again),
                         ("quietpage serve alone", alone)):
        median = statistics.median(values)
        print(f"  {name:34} {median:6.2f} s  ({median / base:4.1f}x serve alone; runs: "
              + ", ".join(f"{v:.2f}" for v in values) + ")")


if __name__ == "__main__":
    sys.exit(main())
