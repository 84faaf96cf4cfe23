"""A page reader that takes as long as a page built to defeat the reader would, deterministically:
`read_forever` sleeps. Tests put it where the server reads pages (web/context.py's read_page), in
this process or - run as a script - in a real `quietpage serve`:

    python tests/slow_reader.py serve --port 0 --data-dir DIR

Workers unpickle it by its module name, so this folder must be on their path (it is: pytest's,
and a script's own folder)."""
from __future__ import annotations

import sys
import time


def read_forever(html: str, url: str | None, **_kwargs):
    time.sleep(3600)


if __name__ == "__main__":
    from quietpage.cli import main
    from quietpage.web import context

    from slow_reader import read_forever as by_name  # pickled as slow_reader.read_forever, not __main__'s

    context.read_page = by_name
    sys.exit(main(sys.argv[1:]))
