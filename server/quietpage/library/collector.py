"""Python's cyclic garbage collector, kept out of the way while the library files a great many
long-lived objects at once (its records at open, the notebook's entries on first use).

Each collection it would run meanwhile looks through everything made so far and can free none
of it: at 20,000 articles that was a sixth of the start-up time. At open what was made is then
set aside (gc.freeze) rather than looked through again by the first collections after (a 100 ms
pause in the first searches); Library.close hands it back (gc.unfreeze).
"""
from __future__ import annotations

import contextlib
import gc


@contextlib.contextmanager
def paused(*, freeze: bool = False):
    """The collector off inside (if it was on); `freeze`: what exists when the block ends
    without an error is set aside from later collections."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
        if freeze:
            gc.freeze()
    finally:
        if was:
            gc.enable()


def release() -> None:
    """What `paused(freeze=True)` set aside is looked after by the collector again."""
    gc.unfreeze()
