"""Harvest self-check: what the Health-RI national catalogue's FAIR Data Point harvester would import from a
node, and what it would drop and why (`bbfair check-harvest URL`). The harvester's walk and record rules are
re-implemented from their documented behaviour; its code (AGPL) is not used."""

from .check import check_harvest
from .model import Effect, Finding, HarvestReport, Issue, Record, Visit
from .report import summary, to_json, to_text

__all__ = ["Effect", "Finding", "HarvestReport", "Issue", "Record", "Visit", "check_harvest", "summary",
           "to_json", "to_text"]
