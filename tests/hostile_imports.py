"""Hostile import files, small on disk (or at least no larger than what they claim to be) and
built to cost memory or time when read carelessly; tests/test_import_memory.py imports each in
a subprocess and measures its peak memory. Run as a script to print the figures for another
checkout: `python tests/hostile_imports.py [PYTHONPATH of the server]`."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

MiB = 1 << 20
HEADER = (b'{"quietpage_backup":{"app":"quietpage 0.1.0","articles":1,"exported_at":"2026-01-01T00:00:00.000Z",'
          b'"format":1},\n"settings":{},\n"articles":[\n')
RECORD = {"url": "https://news.example.com/a", "title": "A", "created_at": "2026-01-01T00:00:00.000Z",
          "updated_at": "2026-01-01T00:00:00.000Z", "state": "unread", "tags": []}
META = "metadata_0_to_1.json"


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def _backup(path: Path, entry: bytes) -> Path:
    path.write_bytes(HEADER + entry + b"\n]}\n")
    return path


def omnivore_million_lists(d: Path) -> Path:
    """The issue's 20 KB zip: a metadata list of 20 million empty lists."""
    return _zip(d / "omnivore-lists.zip", {META: b"[" + b"[]," * 20_000_000 + b"[]]"})


def omnivore_dense_entry(d: Path) -> Path:
    """One entry whose labels are 15 million numbers (30 MiB of JSON, ~120 MB as Python)."""
    return _zip(d / "omnivore-dense.zip", {META: b'[{"url":"https://a.example/x","labels":[' + b"1," * 15_000_000
                                           + b'1]}]'})


def omnivore_big_content(d: Path) -> Path:
    """A valid item whose content file is 60 MiB of HTML (past what a captured page may be)."""
    meta = [{"id": "1", "slug": "big", "title": "Big", "url": "https://a.example/big", "labels": []}]
    return _zip(d / "omnivore-content.zip", {META: json.dumps(meta).encode(),
                                             "content/big.html": b"<p>" + b"words " * (10 * MiB) + b"</p>"})


def backup_long_html(d: Path) -> Path:
    """An article whose reader HTML is 30 Mi characters (twice max_html_chars)."""
    entry = {"article": RECORD, "content_html": "<p>" + "x" * (30 * MiB) + "</p>", "text": "", "raw_html": "",
             "highlights": []}
    return _backup(d / "backup-long.json", json.dumps(entry).encode())


def backup_largest(d: Path) -> Path:
    """The largest article a backup may hold: reader HTML of max_html_chars in ~100,000 elements
    (with a script, so it is sanitised and its text derived again) and a 15 MiB captured page."""
    para = "<p>" + "word " * 30 + "</p>"
    count = min(99_000, (15 * MiB - 100) // len(para))
    html = "<script>x()</script>" + para * count
    html += "<p>" + "y" * (15 * MiB - len(html) - 8) + "</p>"
    entry = {"article": RECORD, "content_html": html, "text": "", "raw_html": "<html>" + "z" * (15 * MiB - 20) + "</html>",
             "highlights": []}
    return _backup(d / "backup-largest.json", json.dumps(entry).encode())


def backup_dense_line(d: Path) -> Path:
    """An article line whose keywords are 12 million numbers."""
    return _backup(d / "backup-dense.json", b'{"article":' + json.dumps(RECORD)[:-1].encode()
                   + b',"keywords":[' + b"1," * 12_000_000 + b'1]},"highlights":[]}')


def pocket_wide_row(d: Path) -> Path:
    """Pocket's zip with one CSV row of 60 million empty cells."""
    return _zip(d / "pocket-wide.zip", {"part_000000.csv": b"title,url\n" + b"," * (60 * MiB) + b"\n"})


def bookmarks_flat(d: Path) -> Path:
    """A bookmarks file of 4 million elements and no link (30 MiB)."""
    path = d / "bookmarks-flat.html"
    path.write_bytes(b"<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<DL><p>\n" + b"<b>x</b>" * (4_000_000) + b"</DL>\n")
    return path


# (builder, exit code of `quietpage import`, words in its output)
CASES = {
    "omnivore-lists": (omnivore_million_lists, 1, "is not an object"),
    "omnivore-dense": (omnivore_dense_entry, 1, "values"),
    "omnivore-content": (omnivore_big_content, 0, "1 new"),
    "backup-long": (backup_long_html, 1, "max_html_chars"),
    "backup-dense": (backup_dense_line, 1, "values"),
    "pocket-wide": (pocket_wide_row, 1, "row is longer"),
    "bookmarks-flat": (bookmarks_flat, 1, "tags"),
}

# VmHWM: the peak of this process's own memory (ru_maxrss would include the parent's, from
# before exec).
PEAK = """
import re, sys
from quietpage.cli import main
code = main(["import", sys.argv[1], "--data-dir", sys.argv[2]])
peak_kb = int(re.search(r"VmHWM:\\s*(\\d+)", open("/proc/self/status").read())[1])
print("PEAK_MB", peak_kb // 1024, "CODE", code, flush=True)
"""


def peak_of_import(path: Path, data_dir: Path, pythonpath: str | None = None, timeout: float = 600):
    """(peak RSS in MB, exit code, output) of `quietpage import path` in a fresh process."""
    env = dict(os.environ)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    done = subprocess.run([sys.executable, "-c", PEAK, str(path), str(data_dir)], capture_output=True,
                          text=True, timeout=timeout, env=env)
    last = [line for line in done.stdout.splitlines() if line.startswith("PEAK_MB")]
    if not last:
        return None, done.returncode, done.stdout + done.stderr
    words = last[-1].split()
    return int(words[1]), int(words[3]), done.stdout + done.stderr


# Not hostile: the largest article a genuine backup can hold, for the figures only (the store's
# writing of a 15 MiB article costs more than reading it: see the README's limits).
FIGURES = {**CASES, "backup-largest": (backup_largest, 0, "1 new")}


if __name__ == "__main__":
    where = sys.argv[1] if len(sys.argv) > 1 else None
    with tempfile.TemporaryDirectory() as tmp:
        for name, (build, _, _) in FIGURES.items():
            case = Path(tmp) / name
            case.mkdir()
            path = build(case)
            peak, code, out = peak_of_import(path, case / "lib", where)
            print(f"{name:18} {path.stat().st_size / MiB:8.2f} MiB on disk  peak {peak} MB  exit {code}  "
                  f"{out.strip().splitlines()[-2][:100] if out.strip() else ''}", flush=True)
