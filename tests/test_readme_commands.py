"""The README's first command, as a user runs it: `scripts/start` installs and starts the server."""
import urllib.request

from conftest import ROOT
from server_process import ServerProcess


def test_scripts_start_installs_and_serves(tmp_path):
    server = ServerProcess(command=[ROOT / "scripts" / "start", "--port", "0"], cwd=tmp_path, group=True,
                           env={"QUIETPAGE_DATA_DIR": str(tmp_path / "library")})
    try:
        server.start(timeout=300)  # a first run installs into .venv
        assert server.origin, "".join(server.output)
        with urllib.request.urlopen(f"{server.origin}/api/health", timeout=10) as r:
            assert r.status == 200
        assert (tmp_path / "library" / "token").exists()  # the default data dir, from the environment
        assert any("/login?code=" in line for line in server.output)
    finally:
        server.stop()
