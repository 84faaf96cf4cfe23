"""`quietpage service install | uninstall | status [--dry-run]`: the server, started at every login.

- Linux: a systemd user unit ($XDG_CONFIG_HOME/systemd/user/quietpage.service) that
  `systemctl --user` enables: started with the user's session (default.target), restarted when
  it fails (not when its settings are wrong: exit 2), its log in the journal
  (`journalctl --user -u quietpage`).
- macOS: a launchd agent (~/Library/LaunchAgents/org.quietpage.server.plist): loaded at login,
  restarted when it fails, its log in ~/Library/Logs/QuietPage/quietpage.log.
- Windows: the Task Scheduler command to run (printed: we do not register tasks ourselves).
The service runs this Python, `-m quietpage serve --data-dir <this library>` (and --port if
given), so it serves the library the other commands use. `--dry-run` prints what would be
written and run, and touches nothing.
"""
from __future__ import annotations

import os
import plistlib
import shlex
import subprocess
import sys
import time
from pathlib import Path

from ..settings import Settings
from ..web import auth
from .running import server_on

UNIT = "quietpage.service"
LABEL = "org.quietpage.server"
WAIT_S = 30  # for the service's server to say where it listens, after starting it


def platform_of(args) -> str:
    return getattr(args, "platform", None) or {"darwin": "macos", "win32": "windows"}.get(sys.platform, "linux")


def serve_argv(settings: Settings, args) -> list[str]:
    argv = [sys.executable, "-m", "quietpage", "serve", "--data-dir", str(settings.data_dir.resolve())]
    return argv + (["--port", str(args.port)] if getattr(args, "port", None) is not None else [])


def cmd_service(settings: Settings, args) -> int:
    platform = platform_of(args)
    if platform == "windows":
        return _windows(settings, args)
    plan = (_Systemd if platform == "linux" else _Launchd)(settings, args)
    return getattr(plan, args.action)()


# ---------------------------------------------------------------------------- Linux
def unit_text(argv: list[str]) -> str:
    return "\n".join([
        "[Unit]",
        "Description=QuietPage, a local read-it-later server",
        "# Five failed starts in two minutes: stop trying (the journal says why).",
        "StartLimitIntervalSec=120",
        "StartLimitBurst=5",
        "",
        "[Service]",
        "Type=exec",
        f"ExecStart={' '.join(_systemd_quote(a) for a in argv)}",
        "Environment=PYTHONUNBUFFERED=1",
        "Restart=on-failure",
        "RestartSec=3",
        "# exit 2: its settings (config.toml, flags) are wrong; restarting would not mend them",
        "RestartPreventExitStatus=2",
        "",
        "[Install]",
        "WantedBy=default.target",
        "",
    ])


def _systemd_quote(arg: str) -> str:
    """One ExecStart word: specifiers (%) and variables ($) taken literally, quoted if need be."""
    arg = arg.replace("%", "%%").replace("$", "$$")
    if arg and not any(c in arg for c in " \t\"'\\;"):
        return arg
    return '"' + arg.replace("\\", "\\\\").replace('"', '\\"') + '"'


def unit_path() -> Path:
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "systemd" / "user" / UNIT


class _Plan:
    """What install / uninstall / status do on one platform: files written and commands run
    (or, with --dry-run, printed)."""

    def __init__(self, settings: Settings, args):
        self.settings, self.args = settings, args
        self.dry = getattr(args, "dry_run", False)

    def run(self, *argv: str, check: bool = True) -> subprocess.CompletedProcess | None:
        if self.dry:
            print("would run: " + shlex.join(argv))
            return None
        try:
            done = subprocess.run(argv, capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ServiceError(f"`{shlex.join(argv)}` could not run ({exc}).") from None
        if check and done.returncode != 0:
            raise ServiceError(f"`{shlex.join(argv)}` failed: {(done.stderr or done.stdout).strip()}")
        return done

    def write(self, path: Path, data: bytes) -> bool:
        """Write `path` (said, with its content, when dry); True if it changed."""
        if self.dry:
            print(f"would write {path}:\n{data.decode()}")
            return True
        try:
            if path.read_bytes() == data:
                return False
        except OSError:
            pass
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return True

    def remove(self, path: Path) -> None:
        if self.dry:
            print(f"would remove {path}")
        else:
            path.unlink(missing_ok=True)

    def announce(self, how_logs: str) -> int:
        """After a start: wait for the server to say where it listens, then say it and give a link."""
        deadline = time.monotonic() + WAIT_S
        while (running := server_on(self.settings.data_dir)) is None and time.monotonic() < deadline:
            time.sleep(0.25)
        if running is None:
            print(f"quietpage: the service was started but its server did not answer within {WAIT_S} s. {how_logs}",
                  file=sys.stderr)
            return 1
        token = auth.load_or_create_token(self.settings.data_dir)
        print(f"QuietPage is listening on {running.origin} as a service: it starts at every login and again if "
              f"it fails (data: {self.settings.data_dir}). {how_logs}")
        print(f"Open your reading list (one-time link): "
              f"{auth.login_url(running.origin, token, self.settings.login_link_ttl_s)}")
        return 0


    def removed(self, path: Path) -> int:
        if not self.dry:
            print(f"Removed {path}: QuietPage no longer starts at login (your library is untouched).")
        return 0

    @staticmethod
    def installed(path: Path) -> bool:
        if not path.exists():
            print(f"Not installed (no {path}): `quietpage service install` starts QuietPage now and at every login.")
        return path.exists()


class ServiceError(Exception):
    pass


class _Systemd(_Plan):
    LOGS = "Its log: journalctl --user -u quietpage"

    def install(self) -> int:
        path = unit_path()
        try:
            if not self.dry:
                self._not_running_elsewhere()
            changed = self.write(path, unit_text(serve_argv(self.settings, self.args)).encode())
            self.run("systemctl", "--user", "daemon-reload")
            self.run("systemctl", "--user", "enable", UNIT)
            self.run("systemctl", "--user", "restart" if changed or self.args.restart else "start", UNIT)
        except ServiceError as exc:
            return _no_manager(exc, f"The unit is in {path}; in your desktop session, run "
                                    f"`systemctl --user enable --now {UNIT}`.")
        except OSError as exc:
            print(f"quietpage: could not write {path} ({exc.strerror or exc}).", file=sys.stderr)
            return 1
        if self.dry:
            return 0
        print(f"Installed {path}: QuietPage starts with your session. (To keep it running when you are logged "
              "out too: loginctl enable-linger.)")
        return self.announce(self.LOGS)

    def _not_running_elsewhere(self) -> None:
        running = server_on(self.settings.data_dir)
        if running is None:
            return
        shown = self.run("systemctl", "--user", "show", "--property=MainPID", "--value", UNIT, check=False)
        if shown is None or shown.stdout.strip() != str(running.pid):
            raise ServiceError(f"QuietPage is already running on {self.settings.data_dir} at {running.origin} (pid "
                               f"{running.pid}), not as the service. Stop it (Ctrl-C in its terminal), then run "
                               "`quietpage service install` again.")

    def uninstall(self) -> int:
        path = unit_path()
        try:
            self.run("systemctl", "--user", "disable", "--now", UNIT, check=path.exists() and not self.dry)
            self.remove(path)
            self.run("systemctl", "--user", "daemon-reload", check=False)
        except ServiceError as exc:
            return _no_manager(exc, f"The unit {path} is still there.")
        return self.removed(path)

    def status(self) -> int:
        path = unit_path()
        if not self.installed(path):
            return 4
        enabled = self.run("systemctl", "--user", "is-enabled", UNIT, check=False)
        active = self.run("systemctl", "--user", "is-active", UNIT, check=False)
        print(f"Installed: {path} ({_word(enabled)}, {_word(active)}). {self.LOGS}")
        return _say_running(self.settings)


def _word(done: subprocess.CompletedProcess | None) -> str:
    return (done.stdout or done.stderr).strip().splitlines()[0] if done and (done.stdout or done.stderr).strip() else "?"


def _no_manager(exc: ServiceError, what_now: str) -> int:
    print(f"quietpage: {exc} {what_now}", file=sys.stderr)
    return 1


def _say_running(settings: Settings) -> int:
    running = server_on(settings.data_dir)
    if running is None:
        print(f"No QuietPage server is running on {settings.data_dir}.")
        return 3
    print(f"QuietPage is listening on {running.origin} (pid {running.pid}, data: {settings.data_dir}).")
    return 0


# ---------------------------------------------------------------------------- macOS
def agent_path() -> Path:
    return Path.home() / "Library" / "LaunchAgents" / f"{LABEL}.plist"


def agent_plist(argv: list[str]) -> bytes:
    log = str(Path.home() / "Library" / "Logs" / "QuietPage" / "quietpage.log")
    return plistlib.dumps({
        "Label": LABEL, "ProgramArguments": argv, "RunAtLoad": True,
        "KeepAlive": {"SuccessfulExit": False},  # restart when it fails, not when it was stopped
        "ThrottleInterval": 10, "StandardOutPath": log, "StandardErrorPath": log,
        "EnvironmentVariables": {"PYTHONUNBUFFERED": "1"},
    })


class _Launchd(_Plan):
    LOGS = f"Its log: {Path.home() / 'Library' / 'Logs' / 'QuietPage' / 'quietpage.log'}"

    @property
    def domain(self) -> str:
        return f"gui/{os.getuid()}"

    def install(self) -> int:
        path = agent_path()
        try:
            if not self.dry:
                (Path.home() / "Library" / "Logs" / "QuietPage").mkdir(parents=True, exist_ok=True)
            self.write(path, agent_plist(serve_argv(self.settings, self.args)))
            self.run("launchctl", "bootout", f"{self.domain}/{LABEL}", check=False)
            self.run("launchctl", "bootstrap", self.domain, str(path))
        except ServiceError as exc:
            return _no_manager(exc, f"The agent is in {path}.")
        except OSError as exc:
            print(f"quietpage: could not write {path} ({exc.strerror or exc}).", file=sys.stderr)
            return 1
        return 0 if self.dry else self.announce(self.LOGS)

    def uninstall(self) -> int:
        path = agent_path()
        self.run("launchctl", "bootout", f"{self.domain}/{LABEL}", check=False)
        self.remove(path)
        return self.removed(path)

    def status(self) -> int:
        path = agent_path()
        if not self.installed(path):
            return 4
        print(f"Installed: {path}. {self.LOGS}")
        return _say_running(self.settings)


# ---------------------------------------------------------------------------- Windows
def _windows(settings: Settings, args) -> int:
    argv = serve_argv(settings, args)
    log = settings.data_dir / "quietpage.log"
    command = subprocess.list2cmdline(argv) + f' >> "{log}" 2>&1'
    if args.action == "install":
        print("Run this once, in a Command Prompt, to start QuietPage at every login (Task Scheduler):")
        print(f'schtasks /Create /TN QuietPage /SC ONLOGON /RL LIMITED /F /TR "cmd /c {command.replace(chr(34), chr(92) + chr(34))}"')
        print(f"Then `schtasks /Run /TN QuietPage` starts it now. Its log: {log}")
    elif args.action == "uninstall":
        print("Run this to stop starting QuietPage at login: schtasks /Delete /TN QuietPage /F")
    else:
        print("Task Scheduler's own view: schtasks /Query /TN QuietPage")
        return _say_running(settings)
    return 0
