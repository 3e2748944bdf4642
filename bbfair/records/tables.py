"""Which Directory tables bbfair reads, in which order, and which of them it publishes.

`TABLES` are typed into records (`records.models`, `records.fdp`, `records.extra`) and published; a table refers
only to tables before it or to itself, so references are checked in one pass. `AUXILIARY_TABLES` are read (a broken
file is reported, their references checked) but not published: `vocab/unpublished.csv` says why.
"""

from __future__ import annotations

from .extra import AlsoKnownIn, QualityInfoBiobank, QualityInfoCollection
from .fdp import Address, Catalog, DataService, Endpoint, Organisation, Publisher
from .models import Biobank, Collection, Network, Person, Record

#: every published table by name, in the order references point
TABLES: dict[str, type[Record]] = {m.table: m for m in (
    Address, Organisation, Publisher, Person, AlsoKnownIn, Network, Biobank, Catalog, Collection, DataService,
    Endpoint, QualityInfoBiobank, QualityInfoCollection)}

#: the tables every export has
REQUIRED_TABLES = ("Biobanks", "Collections", "Persons")

#: optional Directory tables that are read (so a broken file is reported) but not published
AUXILIARY_TABLES = ("Studies", "CollectionFacts", "Services", "NationalNodes", "ContactPersonsNationalNodes",
                    "QualityInfoServices")

#: auxiliary tables' references checked against the published tables
AUXILIARY_REFERENCES: dict[str, dict[str, str]] = {
    "CollectionFacts": {"collection": "Collections"},
    "Services": {"biobank": "Biobanks"},
}
