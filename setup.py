"""The package layout, found rather than listed (everything else is in pyproject.toml).

The import package `quietpage` lives in server/ (every folder with an __init__.py under it is a
package); the pages' assets in static/ ship inside it as `quietpage.static` (each folder under it,
every file in it), so a new module, subpackage or asset needs no line here.
tests/test_package.py builds the wheel and checks that it holds every tracked file of both.
"""
from setuptools import find_namespace_packages, find_packages, setup

STATIC = ["quietpage." + name for name in find_namespace_packages(where=".", include=["static", "static.*"])]

setup(
    package_dir={"": "server", "quietpage.static": "static"},
    packages=find_packages(where="server", include=["quietpage", "quietpage.*"]) + STATIC,
    package_data={name: ["*"] for name in STATIC},
)
