"""Everything a mapping step needs: config, IRIs, the records, code-list lookups, the fixed EU IRIs, and a
ledger of what was derived because the record did not say it (reported in the conversion summary)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

from rdflib import Literal, URIRef

from ..config import Config
from ..profiles import Published
from ..rdf import vocab
from ..rdf.namespaces import EU, HDEU, IANA, XSD
from ..records import Catalogue
from .iris import Iris

#: EHDS, Regulation (EU) 2025/327: the applicable legislation HealthDCAT-AP and Health-RI require
EHDS = URIRef("http://data.europa.eu/eli/reg/2025/327/oj")
HEAL = EU["data-theme/HEAL"]
#: the access rights of the catalogue records themselves (the metadata is public)
PUBLIC = EU["access-right/PUBLIC"]
DATA_THEME = EU["data-theme"]
EINS = HDEU["healthcategories/EINS"]
HTML_FILE = EU["file-type/HTML"]
HTML_MEDIA = IANA["text/html"]
CODING_SYSTEM = {"ICD-10": HDEU["coding-system/ICD-10"], "ORPHA": HDEU["coding-system/ORPHACODE"]}

@dataclass
class Context:
    """Conversion state shared by the mapping modules."""

    config: Config
    catalogue: Catalogue
    iris: Iris
    now: datetime = field(default_factory=lambda: datetime.now(UTC).replace(microsecond=0))
    derived: Counter[str] = field(default_factory=Counter)
    #: cache: agent/contact IRI -> its description triples (embedded in every document that references it)
    descriptions: dict[URIRef, list] = field(default_factory=dict)
    #: the record each agent / contact description was made from, so reports can point at its row
    #: (absent for the node's own agents, which come from bbfair.toml)
    described_from: dict[URIRef, tuple[str, Any]] = field(default_factory=dict)

    @cached_property
    def profiles(self) -> Published:
        """The publication profiles, the default first (`bbfair.toml` [profiles])."""
        return self.config.profiles.selection()

    @property
    def access_rights(self) -> URIRef:
        return EU[f"access-right/{self.config.access.rights}"]

    @property
    def dataset_type(self) -> URIRef:
        return EU[f"dataset-type/{self.config.access.dataset_type}"]

    def languages(self, codes: Sequence[str] = ()) -> list[URIRef]:
        """Languages as EU language IRIs: a record's `language` column (Directory Languages names or codes, checked
        when read), else the catalogue languages of bbfair.toml (`en` or `ENG`)."""
        if codes:
            known = vocab.directory_languages()
            return [URIRef(known[code]) for code in dict.fromkeys(codes) if code in known]
        table = vocab.languages()
        return [URIRef(table.get(code.lower()) or table.get(code.upper()) or EU[f"language/{code.upper()}"])
                for code in self.config.catalog.languages]

    def themes(self, names: Sequence[str], heal: bool = True) -> list[URIRef]:
        """EU data themes of a record's `theme` column (Directory Themes names), with HEAL first when `heal`
        (HealthDCAT-AP wants it on datasets, Health-RI on datasets and data services)."""
        known = vocab.themes()
        given = [URIRef(known[name]) for name in names if name in known]
        return list(dict.fromkeys([HEAL, *given] if heal else given))

    def rights(self, names: Sequence[str], default: URIRef) -> list[URIRef]:
        """EU access rights of a record's `access_rights` column (Directory AccessRights names), else `default`."""
        known = vocab.access_rights()
        found = [URIRef(known[name]) for name in dict.fromkeys(names) if name in known]
        return found or [default]

    @cached_property
    def quality(self) -> dict[str, list]:
        """Biobank or collection id -> its quality records (QualityInfoBiobanks, QualityInfoCollections)."""
        out: dict[str, list] = {}
        for table in (self.catalogue.quality_biobanks, self.catalogue.quality_collections):
            for record in table.values():
                out.setdefault(record.owner, []).append(record)
        return out

    def concept(self, scheme: str, code: str) -> URIRef:
        """Our code-list concept for a Directory code (`{base}/vocab/{scheme}/{code}`)."""
        return self.iris.vocab(vocab.code_lists()[scheme][code].path)

    def label(self, scheme: str, code: str) -> str:
        return vocab.code_lists()[scheme][code].label

    def country(self, code: str) -> URIRef:
        return URIRef(vocab.countries()[code].iri)

    def country_label(self, code: str) -> str:
        return vocab.countries()[code].label

    def directory_page(self, kind: str, record_id: str) -> URIRef:
        """The record's page in the BBMRI-ERIC Directory: a real, resolvable page for every Directory id."""
        return URIRef(f"{self.config.directory_url.rstrip('/')}/#/{kind}/{record_id}")

    def note(self, what: str) -> None:
        """Count one derived fact for the summary."""
        self.derived[what] += 1


def when(value: datetime) -> Literal:
    """An xsd:dateTime with a timezone (Health-RI's pattern requires one; naive times are taken as UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return Literal(value.isoformat(), datatype=XSD.dateTime)


def count(value: int) -> Literal:
    """An xsd:nonNegativeInteger, as HealthDCAT-AP and Health-RI require for counts and ages.

    A negative number is kept as a plain xsd:integer rather than dropped: validation then reports it against
    the record and column it came from, instead of the value silently vanishing from the catalogue."""
    if value < 0:
        return Literal(value)
    return Literal(str(value), datatype=XSD.nonNegativeInteger)
