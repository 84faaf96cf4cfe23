"""QuietPage: a local, private read-it-later companion."""
from importlib.metadata import PackageNotFoundError, version as _version

try:
    __version__ = _version("quietpage")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+source"
