"""Where the page assets are: inside the installed package, or static/ in a source checkout."""
from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent


def static_dir() -> Path:
    for candidate in (_HERE / "static", _HERE.parent.parent / "static"):
        if (candidate / "reader.html").is_file():
            return candidate
    raise FileNotFoundError("QuietPage's static/ assets are missing from this installation.")
