"""`quietpage config`: every setting, its value, where it comes from and what it does - and every
setting documented in the README."""
from __future__ import annotations

import json
import re
import tomllib
from dataclasses import fields

from quietpage.cli.config import described
from quietpage.settings import Settings

from conftest import ROOT
from server_process import run_cli

NAMES = [f.name for f in fields(Settings)]


def test_every_setting_is_explained_by_the_comment_above_it():
    about = described()
    assert list(about) == NAMES
    assert [n for n in NAMES if len(about[n].help) < 20] == []
    assert about["max_body_bytes"].group.startswith("limits")
    assert about["max_body_bytes"].help.startswith("Whole request body.")
    # a comment above a run of fields belongs to each; the next comment starts afresh
    assert about["keepalive_timeout_s"].help == about["header_timeout_s"].help
    assert about["max_tag_chars"].help == about["max_tags"].help != about["max_query_chars"].help


def test_config_shows_values_their_sources_and_help(tmp_path):
    (tmp_path / "config.toml").write_text('max_note_chars = 50000\nremote_images = "never"\n')
    result = run_cli("config", "--port", "28123", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode()
    assert "max_note_chars = 50000    # from config.toml" in out
    assert 'remote_images = "never"    # from config.toml' in out
    assert "port = 28123    # from flag" in out
    assert "\nmax_tags = 50\n" in out  # a default says nothing more
    assert "# A highlight's note is Markdown written by the user; generous but bounded." in out
    # what it prints is valid TOML that config.toml takes back as it is
    values = tomllib.loads(out)
    assert set(values) == set(NAMES) - {"data_dir"} and values["max_note_chars"] == 50000
    (tmp_path / "copy").mkdir()
    (tmp_path / "copy" / "config.toml").write_text(out)
    assert run_cli("config", data_dir=tmp_path / "copy").returncode == 0

    rows = {r["name"]: r for r in json.loads(run_cli("config", "--json", data_dir=tmp_path).stdout)}
    assert list(rows) == NAMES
    assert rows["data_dir"] == {**rows["data_dir"], "value": str(tmp_path), "source": "flag"}
    assert rows["max_note_chars"]["source"] == "config.toml" and rows["port"]["source"] == "default"
    assert rows["image_max_bytes"]["help"] and rows["image_max_bytes"]["group"].startswith("images")


def test_config_names_a_mistake_in_the_file(tmp_path):
    (tmp_path / "config.toml").write_text("max_note_char = 5\n")
    result = run_cli("config", data_dir=tmp_path)
    assert result.returncode == 2 and "did you mean 'max_note_chars'" in result.stderr.decode()


def test_the_readme_documents_every_setting():
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("### Settings"):readme.index("### Privacy and security")]
    documented = re.findall(r"^\| `(\w+)` \|", section, re.M)
    assert documented == [n for n in NAMES if n != "data_dir"]
