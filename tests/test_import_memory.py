"""Hostile import files (tests/hostile_imports.py: a 60 KB zip holding 20 million JSON lists,
a CSV row of 60 million cells, 4 million elements of bookmarks, doctored backup lines...): each
is imported by the real CLI in a fresh process, which must answer (refused with a clear
message, or imported within the limits) with its peak memory under 200 MB. Before streaming
and the limits, the same files took 290 MB to 1.8 GB."""
from __future__ import annotations

import pytest

import hostile_imports

MAX_PEAK_MB = 200


@pytest.mark.parametrize("name", list(hostile_imports.CASES))
def test_a_hostile_import_stays_small_in_memory(tmp_path, name):
    build, code, words = hostile_imports.CASES[name]
    peak, got, output = hostile_imports.peak_of_import(build(tmp_path), tmp_path / "lib", timeout=300)
    assert got == code and words in output, output
    assert peak is not None and peak < MAX_PEAK_MB, f"{name}: peak {peak} MB\n{output}"
