"""Locate the data folders (`vocab/`, `shapes/`) that ship with bbfair.

In a wheel they are installed inside the package (`bbfair/vocab`, `bbfair/shapes`, see pyproject's
force-include); in a source checkout they sit beside the package at the repository top level. Looking in
both places lets the same code run from `pip install .` and from the checkout.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parents[1]  # the bbfair package (this file is in bbfair/rdf)


def data_dir(name: str) -> Path:
    """Return the installed or checked-out folder `name` (``"vocab"`` or ``"shapes"``)."""
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"bbfair's {name}/ folder is missing: reinstall bbfair (looked in {_PACKAGE})")


def vocab_path(*parts: str) -> Path:
    """Path of a file inside `vocab/`."""
    return data_dir("vocab").joinpath(*parts)


def shapes_path(*parts: str) -> Path:
    """Path of a file inside `shapes/`."""
    return data_dir("shapes").joinpath(*parts)
