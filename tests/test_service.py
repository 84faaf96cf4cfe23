"""`quietpage service install | uninstall | status`: the server started at every login.

The systemd unit is checked by `systemd-analyze verify`, and run for real by a systemd user
manager (tests/user_manager.py: started in a private mount namespace where the machine runs none);
the launchd agent and the Windows command are checked as written (--dry-run, --platform)."""
from __future__ import annotations

import json
import os
import plistlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from quietpage.cli.service import serve_argv, unit_text
from quietpage.settings import Settings

from conftest import ROOT
from server_process import run_cli

ODD = "my library 100% $HOME"  # a space, a systemd specifier and a variable: all taken literally


def home_env(tmp_path) -> dict:
    return {"HOME": str(tmp_path / "home"), "XDG_CONFIG_HOME": str(tmp_path / "config")}


def test_dry_run_prints_the_unit_and_the_commands_and_changes_nothing(tmp_path):
    library = tmp_path / ODD
    result = run_cli("service", "install", "--dry-run", "--port", "28123", data_dir=library, env=home_env(tmp_path))
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode()
    unit = tmp_path / "config" / "systemd" / "user" / "quietpage.service"
    assert f"would write {unit}:" in out
    assert (f'ExecStart={sys.executable} -m quietpage serve --data-dir "{tmp_path}/my library 100%% $$HOME" '
            "--port 28123") in out
    for line in ("Restart=on-failure", "RestartPreventExitStatus=2", "WantedBy=default.target"):
        assert f"\n{line}\n" in out
    assert out.index("would run: systemctl --user daemon-reload") < out.index(
        "would run: systemctl --user enable quietpage.service") < out.index("would run: systemctl --user restart")
    assert not (tmp_path / "config").exists() and not library.exists()


def test_the_unit_passes_systemd_analyze_verify(tmp_path):
    if not shutil.which("systemd-analyze"):
        pytest.fail("systemd-analyze is missing: scripts/test installs Debian's systemd package")
    unit = tmp_path / "quietpage.service"
    args = type("Args", (), {"port": 28123})()
    unit.write_text(unit_text(serve_argv(Settings(data_dir=tmp_path / ODD), args)))
    done = subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, timeout=120)
    mine = [line for line in (done.stdout + done.stderr).splitlines() if "quietpage.service" in line]
    assert done.returncode == 0 and mine == [], done.stdout + done.stderr
    broken = tmp_path / "broken" / "quietpage.service"  # and it does catch a mistake
    broken.parent.mkdir()
    broken.write_text(unit.read_text().replace("Restart=on-failure", "Restart=sometimes"))
    done = subprocess.run(["systemd-analyze", "verify", str(broken)], capture_output=True, text=True, timeout=120)
    assert "quietpage.service:11: Failed to parse service restart" in done.stdout + done.stderr


def test_without_a_user_manager_install_says_what_to_do(tmp_path):
    env = {**home_env(tmp_path), "XDG_RUNTIME_DIR": str(tmp_path / "no-manager"), "DBUS_SESSION_BUS_ADDRESS": None}
    (tmp_path / "no-manager").mkdir(mode=0o700)
    result = run_cli("service", "install", data_dir=tmp_path / "lib", env=env)
    said = result.stderr.decode()
    assert result.returncode == 1 and "Traceback" not in said
    assert "systemctl --user enable --now quietpage.service" in said and "daemon-reload" in said
    assert (tmp_path / "config" / "systemd" / "user" / "quietpage.service").exists()  # written, ready for the session
    status = run_cli("service", "status", data_dir=tmp_path / "lib", env=env)
    assert status.returncode == 3 and "Installed" in status.stdout.decode()
    assert run_cli("service", "status", data_dir=tmp_path / "lib", env=home_env(tmp_path / "other")).returncode == 4


def test_the_launchd_agent_and_the_windows_command(tmp_path):
    library = tmp_path / ODD
    result = run_cli("service", "install", "--dry-run", "--platform", "macos", data_dir=library, env=home_env(tmp_path))
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode()
    path = tmp_path / "home" / "Library" / "LaunchAgents" / "org.quietpage.server.plist"
    head = f"would write {path}:\n"
    plist = plistlib.loads(out[out.index(head) + len(head):out.index("</plist>") + len("</plist>")].encode())
    assert plist["ProgramArguments"] == [sys.executable, "-m", "quietpage", "serve", "--data-dir", str(library)]
    assert plist["RunAtLoad"] is True and plist["KeepAlive"] == {"SuccessfulExit": False}
    assert plist["StandardOutPath"].endswith("Library/Logs/QuietPage/quietpage.log")
    assert f"would run: launchctl bootstrap gui/{os.getuid()} {path}" in out
    assert not (tmp_path / "home").exists()

    windows = run_cli("service", "install", "--platform", "windows", data_dir=library, env=home_env(tmp_path))
    said = windows.stdout.decode()
    assert windows.returncode == 0 and "schtasks /Create /TN QuietPage /SC ONLOGON" in said
    assert f'--data-dir \\"{library}\\"' in said and "quietpage.log" in said


def can_run_a_user_manager() -> str | None:
    """Why a real user manager cannot be started here, or None."""
    if os.geteuid() != 0:
        return "needs root (CI runs as root) to mount a private /run/systemd"
    for tool in ("unshare", "systemctl", "/usr/lib/systemd/systemd"):
        if not shutil.which(tool):
            return f"{tool} is missing"
    return None


def test_a_real_user_manager_starts_it_restarts_it_and_brings_it_back_at_login(tmp_path):
    why = can_run_a_user_manager()
    if why:
        pytest.fail(f"cannot start a systemd user manager here: {why}")
    done = subprocess.run(["unshare", "--mount", "--propagation", "private", sys.executable,
                           str(ROOT / "tests" / "user_manager.py"), str(tmp_path)],
                          capture_output=True, text=True, timeout=600)
    steps = {s["step"]: s for s in map(json.loads, filter(None, done.stdout.splitlines()))}
    assert done.returncode == 0, done.stdout + done.stderr
    install = steps["install"]
    assert install["code"] == 0 and install["unit"], install
    assert "is listening on http://127.0.0.1:" in install["out"] and "/login?code=" in install["out"]
    assert "journalctl --user -u quietpage" in install["out"]
    serving = steps["serving"]
    assert serving["pid"] and serving["pid"] == serving["main_pid"] and serving["enabled"] == "enabled"
    assert steps["restarted after a crash"]["pid"] not in (None, serving["pid"])
    assert steps["logged out"]["serving"] is False
    back = steps["logged in again"]
    assert back["pid"] and back["pid"] == back["main_pid"]
    assert steps["status"]["code"] == 0 and "enabled, active" in steps["status"]["out"]
    gone = steps["uninstall"]
    assert gone["code"] == 0 and gone["stopped"] and not gone["unit"], gone
