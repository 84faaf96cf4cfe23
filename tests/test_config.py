"""Settings from `<data dir>/config.toml`: every field can be set there, each value is checked
at start with a sentence naming the key, and the command line's flags win over the file."""
from __future__ import annotations

import subprocess
import sys
import urllib.request

import orjson
import pytest

from quietpage.settings import CONFIG_FILE, ConfigError, Settings

from server_process import ServerProcess


def write_config(data_dir, text: str):
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / CONFIG_FILE).write_text(text, "utf-8")


def test_the_file_sets_any_setting_and_flags_win(tmp_path):
    write_config(tmp_path, 'port = 28001\nfetch_allow_private = true\nfetch_timeout_s = 5\nmax_tags = 3\n'
                           'fetch_user_agent = "Mine/1.0"\n')
    s = Settings.load(tmp_path)
    assert (s.port, s.fetch_allow_private, s.fetch_timeout_s, s.max_tags, s.fetch_user_agent) == \
        (28001, True, 5.0, 3, "Mine/1.0")
    assert Settings.load(tmp_path, port=28002, host=None).port == 28002  # a flag given wins; None is "not given"
    assert Settings.load(tmp_path / "elsewhere").port == Settings().port  # no file: the defaults


@pytest.mark.parametrize("text, words", [
    ("fetch_timout_s = 3", ["no setting 'fetch_timout_s'", "did you mean 'fetch_timeout_s'"]),
    ('port = "x"', ["'port' must be a whole number", "'x'"]),
    ("fetch_allow_private = 1", ["'fetch_allow_private' must be true or false"]),
    ("fetch_timeout_s = true", ["'fetch_timeout_s' must be a number"]),
    ("max_tags = -1", ["'max_tags' must not be negative"]),
    ("extract_workers = 0", ["'extract_workers' must be at least 1"]),
    ("port = 70000", ["port out of range"]),
    ('data_dir = "/elsewhere"', ["'data_dir' cannot be set inside the data folder"]),
    ("port = = 1", ["is not valid TOML"]),
])
def test_every_mistake_is_a_sentence_naming_the_file_and_the_key(tmp_path, text, words):
    write_config(tmp_path, text + "\n")
    with pytest.raises(ConfigError) as err:
        Settings.load(tmp_path)
    assert str(tmp_path / CONFIG_FILE) in err.value.message
    for w in words:
        assert w in err.value.message


def test_serve_refuses_a_bad_file_before_it_starts(tmp_path):
    write_config(tmp_path, "max_note_chars = 'many'\n")
    out = subprocess.run([sys.executable, "-m", "quietpage", "serve", "--port", "0", "--data-dir", str(tmp_path)],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert "'max_note_chars' must be a whole number" in out.stderr and CONFIG_FILE in out.stderr


def test_serve_uses_the_file(tmp_path, seed_html):
    """A real `quietpage serve` on a folder whose config.toml lowers a limit: the API enforces it."""
    write_config(tmp_path, "max_tags = 2\n")
    server = ServerProcess(tmp_path).start(timeout=60)
    try:
        token = (tmp_path / "token").read_text().strip()

        def call(method, path, body):
            request = urllib.request.Request(f"{server.origin}{path}", method=method, data=orjson.dumps(body),
                                             headers={"Authorization": f"Bearer {token}",
                                                      "Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(request, timeout=60) as r:
                    return r.status, orjson.loads(r.read())
            except urllib.error.HTTPError as e:
                return e.code, orjson.loads(e.read())

        status, article = call("POST", "/api/articles", {"url": "https://example.com/a", "html": seed_html})
        assert status == 201
        status, body = call("PATCH", f"/api/articles/{article['id']}", {"tags": ["a", "b", "c"]})
        assert status == 422 and body["error"]["code"] == "too_many" and "at most 2" in body["error"]["message"]
    finally:
        server.stop()
