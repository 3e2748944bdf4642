"""Mapping: typed records → one rdflib graph per published resource (DCAT-AP 3 + HealthDCAT-AP + Health-RI)."""

from .convert import Conversion, convert
from .resource import Resource

__all__ = ["Conversion", "Resource", "convert"]
