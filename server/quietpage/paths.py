"""Where the page assets are: inside the installed package, or static/ in a source checkout."""
from __future__ import annotations

import json
from functools import cache
from pathlib import Path

_HERE = Path(__file__).resolve().parent


def static_dir() -> Path:
    for candidate in (_HERE / "static", _HERE.parent.parent / "static"):
        if (candidate / "reader.html").is_file():
            return candidate
    raise FileNotFoundError("QuietPage's static/ assets are missing from this installation.")


ANCHORING_RULES = "js/anchoring/rules.json"


@cache
def anchoring_rules() -> dict:
    """The constants and text rules that the anchoring code shares with its JavaScript twin
    (static/js/anchoring/rules.json: both languages read this one file)."""
    return json.loads((static_dir() / ANCHORING_RULES).read_text("utf-8"))
