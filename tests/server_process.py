"""Running the real `quietpage serve` in a subprocess, as a user would."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

LISTENING = re.compile(r"listening on (http://\S+)")
LOGIN = re.compile(r"(http://\S+/login\?code=\S+)")


class ServerProcess:
    """`quietpage serve --port 0` on `data_dir` (extra arguments appended), or any `command` that
    prints the same two lines (e.g. scripts/start). A thread reads the output for as long as the
    process runs, so start()'s timeout holds and a chatty server never blocks on a full pipe.
    `env` is added to this process's environment (None removes a variable).
    `group=True` starts it in its own process group and signals the whole group (a script that
    runs other programs before it execs the server)."""

    def __init__(self, data_dir: Path | None = None, *extra: str, env: dict | None = None,
                 command: list[str] | None = None, cwd: Path | None = None, group: bool = False):
        self.data_dir = data_dir
        if command is None:
            command = [sys.executable, "-m", "quietpage", "serve", "--port", "0", "--data-dir", str(data_dir)]
        self.args = [*map(str, command), *extra]
        self.env = {k: v for k, v in {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}.items() if v is not None}
        self.cwd, self.group = cwd, group
        self.proc: subprocess.Popen | None = None
        self.origin = self.login_url = None
        self.output: list[str] = []
        self._ready = threading.Event()
        self._reader: threading.Thread | None = None

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.output.append(line)
            if self.origin is None and (m := LISTENING.search(line)):
                self.origin = m[1]
            if self.login_url is None and (m := LOGIN.search(line)):
                self.login_url = m[1]
            if self.origin and self.login_url:
                self._ready.set()
        self._ready.set()  # end of output: the process is gone

    def start(self, timeout: float = 20) -> "ServerProcess":
        self.proc = subprocess.Popen(self.args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                     env=self.env, cwd=self.cwd, start_new_session=self.group)
        self._reader = threading.Thread(target=self._read, name="server-output", daemon=True)
        self._reader.start()
        self._ready.wait(timeout)
        if not (self.origin and self.login_url):
            self.stop()
            raise RuntimeError(f"server did not start within {timeout} s:\n" + "".join(self.output))
        return self

    def stop(self, sig: int = signal.SIGTERM) -> int:
        if self.proc and self.proc.poll() is None:
            self._signal(sig)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self._signal(signal.SIGKILL)
                self.proc.wait()
        if self._reader:
            self._reader.join(timeout=5)  # the rest of the output (a leftover child may hold the pipe)
            if not self._reader.is_alive() and not self.proc.stdout.closed:
                self.proc.stdout.close()
        return self.proc.returncode if self.proc else 0

    def _signal(self, sig: int) -> None:
        if self.group:
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                pass
        else:
            self.proc.send_signal(sig)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def run_cli(*args: str, data_dir: Path | None = None, input: bytes | None = None,
            env: dict | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """`quietpage ARGS [--data-dir DIR]`; `env` is added to this process's environment (a value
    of None removes that variable)."""
    cmd = [sys.executable, "-m", "quietpage", *args]
    if data_dir is not None:
        cmd += ["--data-dir", str(data_dir)]
    full = {k: v for k, v in {**os.environ, **(env or {})}.items() if v is not None}
    return subprocess.run(cmd, capture_output=True, input=input, timeout=60, env=full, cwd=cwd)
