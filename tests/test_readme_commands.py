"""The README's first command, as a user runs it: `scripts/start` installs and starts the server."""
import os
import re
import signal
import subprocess
import time
import urllib.request

from conftest import ROOT

LISTENING = re.compile(r"listening on (http://\S+)")


def test_scripts_start_installs_and_serves(tmp_path):
    env = {**os.environ, "QUIETPAGE_DATA_DIR": str(tmp_path / "library"), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([str(ROOT / "scripts" / "start"), "--port", "0"], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    output, origin = [], None
    try:
        deadline = time.monotonic() + 300  # a first run installs into .venv
        while time.monotonic() < deadline and origin is None:
            line = proc.stdout.readline()
            if not line:
                break
            output.append(line)
            if m := LISTENING.search(line):
                origin = m[1]
        assert origin, "".join(output)
        with urllib.request.urlopen(f"{origin}/api/health", timeout=10) as r:
            assert r.status == 200
        assert (tmp_path / "library" / "token").exists()  # the default data dir, from the environment
        assert any("/login?code=" in line for line in output + [proc.stdout.readline()])
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
        proc.stdout.close()
