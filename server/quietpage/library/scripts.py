"""Which characters are letters of which scripts, as the full-text index cuts them (fulltext.TOKENS):
the scripts written without spaces, each character a word of its own, and the letters and digits
of the others. Shared by the patterns that mark a search's words (snippets.py) and the quick way
to find plain words (plainwords.py)."""
from __future__ import annotations

import re

# The scripts the index cuts into single characters (fulltext.UNSPACED), as Python ranges.
UNSPACED = ("\u0e00-\u0eff\u1000-\u109f\u1100-\u11ff\u1780-\u17ff\u3040-\u30ff\u3130-\u318f\u31f0-\u31ff"
            "\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003134f")
CJK = re.compile(f"[{UNSPACED}]")
WORD = f"[^\\W_{UNSPACED}]"  # a letter or digit of a spaced script


def is_word(ch: str) -> bool:
    """A letter or digit of a spaced script (what WORD matches)."""
    return ch.isalnum() and (ch.isascii() or not CJK.match(ch))
