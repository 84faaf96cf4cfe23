"""A real systemd user manager for tests/test_service.py, where the machine runs none (a
container, CI): run as root inside `unshare --mount`, it mounts a private /run/systemd (so
`systemd --user` believes the system booted with systemd; nothing outside this mount namespace
sees it), starts the manager for a home of its own, and plays a user's sessions around
`quietpage service install`. It prints one JSON line per step; the test reads them.

    unshare --mount --propagation private python tests/user_manager.py WORKDIR
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

WORK = Path(sys.argv[1])
ENV = {**os.environ, "HOME": str(WORK / "home"), "XDG_CONFIG_HOME": str(WORK / "config"),
       "XDG_RUNTIME_DIR": str(WORK / "run"), "QUIETPAGE_RUNTIME_DIR": str(WORK / "run" / "quietpage")}
ENV.pop("DBUS_SESSION_BUS_ADDRESS", None)
LIBRARY = WORK / "library"


def step(name: str, **facts) -> None:
    print(json.dumps({"step": name, **facts}), flush=True)


def quietpage(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "quietpage", *args, "--data-dir", str(LIBRARY)],
                          capture_output=True, text=True, env=ENV, timeout=120)


def systemctl(*args: str) -> str:
    return subprocess.run(["systemctl", "--user", *args], capture_output=True, text=True, env=ENV,
                          timeout=60).stdout.strip()


def main_pid() -> int:
    return int(systemctl("show", "--property=MainPID", "--value", "quietpage.service") or 0)


def wait_for(predicate, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(0.25)
    return None


def server_record() -> dict | None:
    try:
        info = json.loads((LIBRARY / "server.json").read_text())
        os.kill(info["pid"], 0)
        return info
    except (OSError, ValueError, KeyError):
        return None


def login() -> subprocess.Popen:
    """A session starts: the user's manager comes up (and with it default.target's units)."""
    manager = subprocess.Popen(["/usr/lib/systemd/systemd", "--user"], env=ENV,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if not wait_for(lambda: (WORK / "run" / "systemd" / "private").exists() and
                    systemctl("is-system-running") in ("running", "degraded")):
        raise SystemExit("the user manager did not start")
    return manager


def logout(manager: subprocess.Popen) -> None:
    """The last session ends: the user's manager stops its units and exits."""
    manager.send_signal(signal.SIGTERM)
    manager.wait(timeout=60)


def main() -> None:
    subprocess.run(["mount", "-t", "tmpfs", "tmpfs", "/run/systemd"], check=True)
    os.makedirs("/run/systemd/system")
    for folder in ("home", "config", "run"):
        (WORK / folder).mkdir(mode=0o700, exist_ok=True)
    manager = login()
    done = quietpage("service", "install", "--port", "0")
    step("install", code=done.returncode, out=done.stdout, err=done.stderr,
         unit=(WORK / "config" / "systemd" / "user" / "quietpage.service").exists())
    first = wait_for(server_record)
    step("serving", pid=first and first["pid"], main_pid=main_pid(), enabled=systemctl("is-enabled", "quietpage.service"))

    os.kill(first["pid"], signal.SIGKILL)  # a crash
    again = wait_for(lambda: (r := server_record()) and r["pid"] != first["pid"] and r)
    step("restarted after a crash", pid=again and again["pid"])

    logout(manager)
    step("logged out", serving=server_record() is not None)
    manager = login()
    back = wait_for(server_record)
    step("logged in again", pid=back and back["pid"], main_pid=main_pid())
    status = quietpage("service", "status")
    step("status", code=status.returncode, out=status.stdout)

    gone = quietpage("service", "uninstall")
    stopped = wait_for(lambda: server_record() is None, 30)
    step("uninstall", code=gone.returncode, out=gone.stdout, err=gone.stderr, stopped=bool(stopped),
         unit=(WORK / "config" / "systemd" / "user" / "quietpage.service").exists())
    logout(manager)


if __name__ == "__main__":
    main()
