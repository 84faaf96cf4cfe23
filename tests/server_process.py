"""Running the real `quietpage serve` in a subprocess, as a user would."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

LISTENING = re.compile(r"listening on (http://\S+)")
LOGIN = re.compile(r"(http://\S+/login\?code=\S+)")


class ServerProcess:
    def __init__(self, data_dir: Path, *extra: str, env: dict | None = None):
        self.data_dir = data_dir
        self.args = [sys.executable, "-m", "quietpage", "serve", "--port", "0", "--data-dir", str(data_dir), *extra]
        self.env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
        self.proc: subprocess.Popen | None = None
        self.origin = self.login_url = None
        self.output: list[str] = []

    def start(self, timeout: float = 20) -> "ServerProcess":
        self.proc = subprocess.Popen(self.args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                     env=self.env)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not self.login_url:
            line = self.proc.stdout.readline()
            if not line:
                break
            self.output.append(line)
            if m := LISTENING.search(line):
                self.origin = m[1]
            if m := LOGIN.search(line):
                self.login_url = m[1]
        if not (self.origin and self.login_url):
            self.stop()
            raise RuntimeError("server did not start:\n" + "".join(self.output))
        return self

    def stop(self, sig: int = signal.SIGTERM) -> int:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc and self.proc.stdout and not self.proc.stdout.closed:
            self.output.append(self.proc.stdout.read() or "")
            self.proc.stdout.close()
        return self.proc.returncode if self.proc else 0

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def run_cli(*args: str, data_dir: Path | None = None, input: bytes | None = None) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "quietpage", *args]
    if data_dir is not None:
        cmd += ["--data-dir", str(data_dir)]
    return subprocess.run(cmd, capture_output=True, input=input, timeout=60)
