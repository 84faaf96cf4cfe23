"""One library for every command: without --data-dir a command uses the running server's folder
and says which (the default folder when none runs); a command that needs a server and finds none
says so; an empty export says so; the CLI never sends the token through a proxy."""
from __future__ import annotations

import json
import socket
import threading
import urllib.request

from conftest import LOREM, page_html
from server_process import ServerProcess, run_cli


def user_env(tmp_path) -> dict:
    """A user of their own: a home, a runtime folder, no $QUIETPAGE_DATA_DIR."""
    (tmp_path / "runtime").mkdir(mode=0o700, exist_ok=True)
    return {"HOME": str(tmp_path / "home"), "XDG_DATA_HOME": None, "QUIETPAGE_DATA_DIR": None,
            "QUIETPAGE_RUNTIME_DIR": str(tmp_path / "runtime")}


def default_folder(tmp_path):
    return tmp_path / "home" / ".local" / "share" / "quietpage"


def save_page(origin: str, token: str, n: int = 1) -> None:
    for i in range(n):
        body = json.dumps({"url": f"https://a.example/{i}", "html": page_html(f"Harbour {i}", LOREM)}).encode()
        request = urllib.request.Request(f"{origin}/api/articles", data=body, method="POST", headers={
            "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(request, timeout=30) as r:
            assert r.status == 201


def test_commands_without_data_dir_use_the_running_servers_library(tmp_path):
    env = user_env(tmp_path)
    library = tmp_path / "elsewhere"
    with ServerProcess(library, env=env) as server:
        token = run_cli("token", env=env)
        assert token.returncode == 0, token.stderr
        assert token.stdout.decode().strip() == (library / "token").read_text()
        said = token.stderr.decode()
        assert f"using the library in {library.resolve()}" in said and server.origin in said

        login = run_cli("login-url", env=env)
        assert login.returncode == 0 and login.stdout.decode().startswith(f"{server.origin}/login?code=")
        pair = run_cli("pair", env=env)
        assert pair.returncode == 0 and pair.stdout.decode().startswith("Pairing code: ")
        assert server.origin in pair.stderr.decode()
        assert (library / "pairing.json").exists()  # the code the running server will accept

        save_page(server.origin, token.stdout.decode().strip(), 2)
        out = tmp_path / "backup.json"
        export = run_cli("export", str(out), env=env)
        assert export.returncode == 0, export.stderr
        assert json.loads(out.read_bytes())["quietpage_backup"]["articles"] == 2
    assert not default_folder(tmp_path).exists()  # nothing was made in the default folder meanwhile

    # the server stopped: the default folder, and commands that need a server say how to start one
    token = run_cli("token", env=env)
    assert token.returncode == 0
    assert f"using the library in {default_folder(tmp_path)} (the default folder; no QuietPage server is running)" \
        in token.stderr.decode()
    for command in ("pair", "login-url"):
        result = run_cli(command, env=env)
        assert result.returncode == 1 and result.stdout == b""
        said = result.stderr.decode()
        assert said.startswith("quietpage: no QuietPage server is running on ") and "`quietpage serve`" in said, said
        assert "Traceback" not in said


def test_data_dir_and_its_environment_variable_still_win(tmp_path):
    env = user_env(tmp_path)
    with ServerProcess(tmp_path / "served", env=env):
        mine = run_cli("token", data_dir=tmp_path / "mine", env=env)
        assert mine.returncode == 0 and mine.stderr == b""
        assert mine.stdout.decode().strip() == (tmp_path / "mine" / "token").read_text()
        chosen = run_cli("token", env={**env, "QUIETPAGE_DATA_DIR": str(tmp_path / "env")})
        assert chosen.returncode == 0 and chosen.stderr == b""
        assert chosen.stdout.decode().strip() == (tmp_path / "env" / "token").read_text()


def test_two_servers_none_on_the_default_folder_ask_which(tmp_path):
    env = user_env(tmp_path)
    with ServerProcess(tmp_path / "a", env=env) as a, ServerProcess(tmp_path / "b", env=env) as b:
        result = run_cli("login-url", env=env)
        assert result.returncode == 1
        said = result.stderr.decode()
        assert "2 QuietPage servers are running" in said and "--data-dir" in said
        assert a.origin in said and b.origin in said
        # one of them on the default folder: that one is used
        with ServerProcess(default_folder(tmp_path), env=env) as default:
            result = run_cli("login-url", env=env)
            assert result.returncode == 0 and result.stdout.decode().startswith(default.origin)


def test_a_second_server_on_a_served_folder_says_where_the_first_listens(tmp_path):
    with ServerProcess(tmp_path) as server:
        again = run_cli("serve", "--port", "0", data_dir=tmp_path)
        assert again.returncode == 1
        assert f"already running on {tmp_path}, at {server.origin}" in again.stderr.decode()


def test_a_crashed_servers_record_is_ignored(tmp_path):
    import signal

    env = user_env(tmp_path)
    server = ServerProcess(tmp_path / "lib", env=env).start()
    server.stop(signal.SIGKILL)  # leaves its records behind
    assert list((tmp_path / "runtime" / "servers").glob("*.json"))
    result = run_cli("pair", env=env)
    assert result.returncode == 1 and "no QuietPage server is running" in result.stderr.decode()
    assert not list((tmp_path / "runtime" / "servers").glob("*.json"))  # cleaned up on the way


def test_a_runtime_folder_others_can_write_is_not_trusted(tmp_path):
    env = user_env(tmp_path)
    (tmp_path / "runtime").chmod(0o777)
    with ServerProcess(tmp_path / "lib", env=env) as server:
        assert any("other commands will only find its library when given --data-dir" in line for line in server.output)
        result = run_cli("login-url", env=env)  # the server's record is not there: the default folder
        assert result.returncode == 1 and str(default_folder(tmp_path)) in result.stderr.decode()
        named = run_cli("login-url", data_dir=tmp_path / "lib", env=env)  # its folder's own record
        assert named.returncode == 0 and named.stdout.decode().startswith(server.origin)


# ---------------------------------------------------------------------------- an empty export
def test_an_export_of_an_empty_library_says_so_and_writes_nothing(tmp_path):
    library = tmp_path / "lib"
    with ServerProcess(library) as server:  # makes an empty library
        out = tmp_path / "backup.json"
        through_server = run_cli("export", str(out), data_dir=library)
        assert through_server.returncode == 1, through_server.stderr
        assert "has no articles: nothing was exported" in through_server.stderr.decode()
        assert not out.exists()
        assert server.stop() == 0
    for fmt, dest in (("json", "backup.json"), ("markdown", "notes"), ("markdown", "notes.zip")):
        local = run_cli("export", "--format", fmt, str(tmp_path / dest), data_dir=library)
        assert local.returncode == 1 and local.stdout == b""
        assert f"the library in {library} has no articles" in local.stderr.decode()
        assert not (tmp_path / dest).exists()
    never = run_cli("export", str(tmp_path / "x.json"), data_dir=tmp_path / "never-used")
    assert never.returncode == 1 and "there is no library in" in never.stderr.decode()
    assert not (tmp_path / "never-used").exists()


# ---------------------------------------------------------------------------- no proxy for loopback
class RecordingProxy:
    """A TCP listener that records whatever connects to it (and answers nothing useful)."""

    def __init__(self):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.received: list[bytes] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(5)
                try:
                    self.received.append(conn.recv(65536))
                    conn.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                except OSError:
                    pass

    def close(self):
        self.sock.close()


def test_the_cli_never_sends_the_token_through_a_proxy(tmp_path):
    proxy = RecordingProxy()
    url = f"http://127.0.0.1:{proxy.port}"
    proxied = {name: url for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy",
                                      "ALL_PROXY")}
    proxied.update(no_proxy=None, NO_PROXY=None)
    try:
        library = tmp_path / "lib"
        with ServerProcess(library) as server:
            token = run_cli("token", data_dir=library).stdout.decode().strip()
            save_page(server.origin, token)
            for fmt, dest in (("json", "b.json"), ("markdown", "notes"), ("markdown", "notes.zip")):
                result = run_cli("export", "--format", fmt, str(tmp_path / dest), data_dir=library, env=proxied)
                assert result.returncode == 0, result.stderr
                assert (tmp_path / dest).exists()
        assert proxy.received == []
        # what goes through this proxy is seen (so the assertion above can fail)
        request = urllib.request.Request(f"{server.origin}/api/health", headers={"Authorization": f"Bearer {token}"})
        try:
            urllib.request.build_opener(urllib.request.ProxyHandler({"http": url})).open(request, timeout=10)
        except OSError:
            pass
        assert token.encode() in b"".join(proxy.received)
    finally:
        proxy.close()
