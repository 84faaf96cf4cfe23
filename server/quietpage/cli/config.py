"""`quietpage config`: every setting, its value, where the value comes from (default,
config.toml, flag) and what it does.

The help is the comment above each field of settings.Settings (a comment written above a run of
fields belongs to each of them), grouped by the `# -- group ---` lines there: read from that
source, so the comments stay the one place a setting is explained, and a new setting shows here
without another line. tests/test_config.py keeps every field explained, here and in the README.
"""
from __future__ import annotations

import inspect
import re
import sys
from dataclasses import dataclass, fields

import orjson

from ..settings import CONFIG_FILE, Settings, read_config

FIELD = re.compile(r"^\s{4}(\w+)\s*:")
GROUP = re.compile(r"^\s{4}#\s*--\s*(.*?)\s*-{3,}\s*$")
COMMENT = re.compile(r"^\s{4}#\s?(.*)$")


@dataclass(frozen=True)
class Described:
    name: str
    group: str
    help: str


def described() -> dict[str, Described]:
    """Each field of Settings, with its group and the comment that explains it."""
    out: dict[str, Described] = {}
    group, comment, shared = "server", [], ""
    for line in inspect.getsource(Settings).splitlines()[1:]:
        if line.strip().startswith(("def ", "@")):
            break
        if m := GROUP.match(line):
            group, comment, shared = m[1], [], ""
        elif m := COMMENT.match(line):
            if shared:  # a comment after fields starts the next one's explanation
                comment, shared = [], ""
            comment.append(m[1].strip())
        elif m := FIELD.match(line):
            shared = " ".join(comment) if comment else shared
            comment = []
            out[m[1]] = Described(m[1], group, shared)
        elif not line.strip():
            comment, shared = [], ""
    return out


def sources(settings: Settings, flags: dict) -> dict[str, str]:
    """Where each setting's value comes from: 'flag', 'config.toml' or 'default'."""
    in_file = read_config(settings.data_dir / CONFIG_FILE)
    return {f.name: "flag" if flags.get(f.name) is not None else "config.toml" if f.name in in_file else "default"
            for f in fields(Settings)}


def cmd_config(settings: Settings, args) -> int:
    flags = {name: getattr(args, name, None) for name in ("host", "port")}
    flags["allow_remote"] = True if getattr(args, "allow_remote", False) else None
    origin = sources(settings, flags)
    origin["data_dir"] = "flag" if args.data_dir_named else "default"
    helps = described()
    rows = [(f.name, getattr(settings, f.name), origin[f.name], helps.get(f.name)) for f in fields(Settings)]
    if args.json:
        sys.stdout.write(orjson.dumps([{"name": n, "value": str(v) if n == "data_dir" else v, "source": s,
                                        "group": d.group if d else "", "help": d.help if d else ""}
                                       for n, v, s, d in rows], option=orjson.OPT_INDENT_2).decode() + "\n")
        return 0
    path = settings.data_dir / CONFIG_FILE
    print(f"# QuietPage's settings for the library in {settings.data_dir}")
    print(f"# Set any of them in {path}{'' if path.exists() else ' (there is no such file yet)'}; a command's flags win "
          "over that file, and it over the defaults.")
    group = said = None
    for name, value, source, about in rows:
        if name == "data_dir":
            continue
        if about and about.group != group:
            group = about.group
            print(f"\n## {group}")
        if about and about.help != said:  # a comment shared by a run of settings is said once, above them
            said = about.help
            for line in _wrapped(about.help):
                print(f"# {line}")
        print(f"{name} = {_toml(value)}{'' if source == 'default' else f'    # from {source}'}")
    return 0


def _toml(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return orjson.dumps(value).decode()
    return repr(value)


def _wrapped(text: str, width: int = 98) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width) if text else []
