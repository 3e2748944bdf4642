"""Validation: SHACL shapes (ours and the official ones) run with pyshacl over resource graphs."""

from .shapes import load_shapes, run_pyshacl

__all__ = ["load_shapes", "run_pyshacl"]
