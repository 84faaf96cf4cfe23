"""Every data-folder problem is a sentence, never a traceback: a data folder that is a file, a
parent that cannot be written, a home folder that does not exist - in every command that uses
the folder. Each answer names the folder (not the file a command writes), exits non-zero, and
makes nothing."""
from __future__ import annotations

import os
import subprocess

import pytest

from server_process import run_cli

COMMANDS = [("serve", "--port", "0"), ("token",), ("pair",), ("login-url",), ("import", "{file}"), ("fetch",),
            ("export", "{out}"), ("backup",), ("archive-images",)]


@pytest.fixture
def unwritable(tmp_path):
    """A folder in which nothing can be made, root included (CI runs as root): a read-only
    filesystem as root, mode 0555 otherwise."""
    where = tmp_path / "read-only"
    where.mkdir()
    if os.geteuid() == 0:
        subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", str(where)], check=True)
        yield where
        if subprocess.run(["umount", str(where)], capture_output=True).returncode:
            subprocess.run(["umount", "-l", str(where)], check=True)
    else:
        where.chmod(0o555)
        yield where
        where.chmod(0o755)


def command_line(command: tuple, tmp_path) -> list[str]:
    bookmarks = tmp_path / "bookmarks.html"
    bookmarks.write_text('<!DOCTYPE NETSCAPE-Bookmark-file-1><DL><DT><A HREF="https://a.example/">A</A></DL>')
    return [part.format(file=bookmarks, out=tmp_path / "out.json") for part in command]


def assert_a_sentence(result, *, names: str, command: tuple):
    said = result.stderr.decode()
    assert result.returncode != 0, (command, said)
    assert "Traceback" not in said and said.startswith("quietpage: "), (command, said)
    assert names in said, (command, said)
    assert "out.json" not in said, (command, said)  # export blames the folder, not the file it would write
    assert result.stdout == b"", (command, result.stdout)


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_a_data_folder_that_is_a_file(command, tmp_path):
    afile = tmp_path / "library"
    afile.write_text("not a folder")
    result = run_cli(*command_line(command, tmp_path), data_dir=afile)
    assert_a_sentence(result, names=f"{afile} is a file, not a folder", command=command)
    assert afile.read_text() == "not a folder"


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_a_data_folder_whose_parent_cannot_be_written(command, tmp_path, unwritable):
    library = unwritable / "library"
    result = run_cli(*command_line(command, tmp_path), data_dir=library)
    assert_a_sentence(result, names=str(library), command=command)
    assert not (tmp_path / "out.json").exists()


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_a_home_folder_that_does_not_exist(command, tmp_path, unwritable):
    (tmp_path / "runtime").mkdir(mode=0o700)
    home = unwritable / "nonexistent"  # like HOME=/nonexistent for a user who cannot create it
    env = {"HOME": str(home), "XDG_DATA_HOME": None, "QUIETPAGE_DATA_DIR": None,
           "QUIETPAGE_RUNTIME_DIR": str(tmp_path / "runtime")}
    result = run_cli(*command_line(command, tmp_path), env=env)
    default = home / ".local" / "share" / "quietpage"
    assert_a_sentence(result, names=str(default), command=command)
    said = result.stderr.decode()
    if command[0] in ("serve", "token", "import"):  # the commands that make the folder say why they cannot
        assert f"Your home folder {home} does not exist" in said and "--data-dir" in said


def test_the_data_folder_problems_leave_the_settings_check_to_config_toml(tmp_path):
    (tmp_path / "config.toml").write_text("port = 'x'\n")
    result = run_cli("token", data_dir=tmp_path)
    assert result.returncode == 2 and "'port' must be a whole number" in result.stderr.decode()
