"""The README's first command, as a user runs it: `scripts/start` installs and starts the server;
started again, it installs nothing and goes straight to the server, quietly."""
import shutil
import urllib.request

from conftest import ROOT
from server_process import ServerProcess


def start(tmp_path, timeout: float) -> list[str]:
    server = ServerProcess(command=[ROOT / "scripts" / "start", "--port", "0"], cwd=tmp_path, group=True,
                           env={"QUIETPAGE_DATA_DIR": str(tmp_path / "library")})
    try:
        server.start(timeout=timeout)
        assert server.origin, "".join(server.output)
        with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(f"{server.origin}/api/health",
                                                                              timeout=10) as r:
            assert r.status == 200
        assert (tmp_path / "library" / "token").exists()  # the default data dir, from the environment
        assert any("/login?code=" in line for line in server.output)
    finally:
        server.stop()
    return server.output


def test_scripts_start_installs_and_serves(tmp_path):
    start(tmp_path, timeout=300)  # a first run may install into .venv
    again = start(tmp_path, timeout=60)
    assert not [line for line in again if "installing" in line.lower()], again  # nothing to install
    assert not [line for line in again if "warning" in line.lower() or "deprecat" in line.lower()], again
    if not shutil.which("quietpage"):  # it says how to put the command on the PATH
        assert any("ln -s" in line and "~/.local/bin/quietpage" in line for line in again), again
