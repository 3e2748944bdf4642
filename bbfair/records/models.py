"""Typed records in the BBMRI-ERIC Directory's own field names (EMX2 `molgenis.csv`).

Each model lists the columns bbfair maps; any other column of the export is reported once as ignored by the
reader. Multi-valued columns are lists, references are the other table's `id`, and every record carries its
`Source` so a later error (a SHACL violation, a dangling reference) can name the file and line.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, ClassVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field


def _blank_to_none(value: object) -> object:
    if isinstance(value, str) and not value.strip():
        return None
    return value.strip() if isinstance(value, str) else value


def _as_list(value: object) -> object:
    """Accept a Directory multi-value cell ("A,B"), a JSON/YAML list, or nothing."""
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value if v is not None and str(v).strip()]
    return value


def _as_bool(value: object) -> object:
    if isinstance(value, str):
        low = value.strip().lower()
        if low in {"true", "yes", "1", "t", "y"}:
            return True
        if low in {"false", "no", "0", "f", "n", ""}:
            return False
    return value


_WEB = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _check_url(value: str | None) -> str | None:
    if value is not None and not _WEB.match(value):
        raise ValueError(f"expected a web address starting with http:// or https://, got {value!r}")
    return value


def _check_email(value: str) -> str:
    if not _EMAIL.match(value):
        raise ValueError(f"expected an email address like name@example.org, got {value!r}")
    return value


Text = Annotated[str | None, BeforeValidator(_blank_to_none)]
Url = Annotated[str | None, BeforeValidator(_blank_to_none), AfterValidator(_check_url)]
Required = Annotated[str, BeforeValidator(_blank_to_none), Field(min_length=1)]
Codes = Annotated[list[str], BeforeValidator(_as_list)]
Count = Annotated[int | None, BeforeValidator(_blank_to_none)]
Flag = Annotated[bool, BeforeValidator(_as_bool)]
OptFlag = Annotated[bool | None, BeforeValidator(_blank_to_none), BeforeValidator(_as_bool)]
Stamp = Annotated[datetime | None, BeforeValidator(_blank_to_none)]


class Source(BaseModel):
    """Where a record was read: file and 1-based line (the line its row starts on)."""

    model_config = ConfigDict(frozen=True)

    file: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


class Record(BaseModel):
    """Fields every Directory table shares."""

    model_config = ConfigDict(extra="ignore", frozen=True)
    table: ClassVar[str]
    #: columns whose value is a reference to another table: column -> table
    references: ClassVar[dict[str, str]] = {}
    #: columns whose values come from a Directory code list: column -> code-list scheme
    coded: ClassVar[dict[str, str]] = {}
    #: columns holding identifiers (`records.curies`): column -> the one prefix they take, or "any" for CURIEs
    #: of any known prefix, Directory ids and web addresses (checked by the loader, expanded by the mapping)
    identifiers: ClassVar[dict[str, str]] = {}

    id: Required
    source: Source
    national_node: Text = None
    withdrawn: Flag = False


class Person(Record):
    """A contact person (Persons table) → vcard:Kind / vcard:Individual."""

    table: ClassVar[str] = "Persons"
    coded: ClassVar[dict[str, str]] = {"country": "country"}
    identifiers: ClassVar[dict[str, str]] = {"orcid": "orcid"}

    title_before_name: Text = None
    first_name: Text = None
    last_name: Text = None
    title_after_name: Text = None
    full_name: Text = None
    email: Annotated[str, BeforeValidator(_blank_to_none), Field(min_length=1), AfterValidator(_check_email)]
    phone: Text = None
    address: Text = None
    zip: Text = None
    city: Text = None
    country: Text = None
    role: Text = None
    #: bbfair extension column: the person's ORCID (`0000-0002-1825-0097`, `orcid:…` or `https://orcid.org/…`)
    orcid: Text = None

    @property
    def display_name(self) -> str:
        """The name to show: `full_name`, else the parts, else the email."""
        if self.full_name:
            return self.full_name
        parts = [self.title_before_name, self.first_name, self.last_name, self.title_after_name]
        name = " ".join(p for p in parts if p)
        return name or self.email


class Network(Record):
    """A network of biobanks/collections (Networks table) → dcat:Catalog + foaf:Organization."""

    table: ClassVar[str] = "Networks"
    references: ClassVar[dict[str, str]] = {"contact": "Persons"}
    coded: ClassVar[dict[str, str]] = {"common_network_elements": "network-element"}
    identifiers: ClassVar[dict[str, str]] = {"related": "any"}

    name: Required
    acronym: Text = None
    description: Required
    url: Url = None
    juridical_person: Text = None
    contact: Required
    common_network_elements: Codes = []
    #: bbfair extension column: related resources in other infrastructures (CURIEs or web addresses)
    related: Codes = []


class Biobank(Record):
    """A biobank (Biobanks table) → dcat:Catalog of its collections + foaf:Organization agent."""

    table: ClassVar[str] = "Biobanks"
    references: ClassVar[dict[str, str]] = {"contact": "Persons", "head": "Persons", "network": "Networks"}
    coded: ClassVar[dict[str, str]] = {"country": "country"}
    identifiers: ClassVar[dict[str, str]] = {"ror": "ror", "related": "any"}

    pid: Text = None
    name: Required
    acronym: Text = None
    description: Required
    url: Url = None
    location: Text = None
    country: Required
    head: Text = None
    contact: Required
    juridical_person: Text = None
    network: Codes = []
    #: bbfair extension columns: the biobank's ROR id (`05wg1m734`, `ror:…` or `https://ror.org/…`) and related
    #: resources in other infrastructures (CURIEs or web addresses)
    ror: Text = None
    related: Codes = []


class Collection(Record):
    """A sample collection or sub-collection (Collections table) → dcat:Dataset."""

    table: ClassVar[str] = "Collections"
    references: ClassVar[dict[str, str]] = {
        "contact": "Persons",
        "head": "Persons",
        "biobank": "Biobanks",
        "network": "Networks",
        "parent_collection": "Collections",
    }
    coded: ClassVar[dict[str, str]] = {
        "country": "country",
        "type": "collection-type",
        "data_categories": "data-category",
        "order_of_magnitude": "sample-size",
        "order_of_magnitude_donors": "sample-size",
        "categories": "category",
        "sex": "sex",
        "age_unit": "age-unit",
        "materials": "material-type",
        "storage_temperatures": "storage-temperature",
        "data_use": "data-use",
        "diagnosis_available": "disease",
    }
    identifiers: ClassVar[dict[str, str]] = {"related": "any", "publications": "any"}

    name: Required
    acronym: Text = None
    description: Required
    url: Url = None
    location: Text = None
    country: Required
    head: Text = None
    contact: Required
    parent_collection: Text = None
    biobank: Required
    network: Codes = []
    type: Codes = Field(min_length=1)
    data_categories: Codes = []
    order_of_magnitude: Text = None
    size: Count = None
    categories: Codes = []
    timestamp: Stamp = None
    number_of_donors: Count = None
    order_of_magnitude_donors: Text = None
    sex: Codes = []
    diagnosis_available: Codes = []
    age_low: Count = None
    age_high: Count = None
    age_unit: Text = None
    materials: Codes = []
    storage_temperatures: Codes = []
    data_use: Codes = []
    commercial_use: OptFlag = None
    access_description: Text = None
    access_uri: Url = None
    keywords: Codes = []
    issued: Stamp = None
    modified: Stamp = None
    #: bbfair extension columns: related resources in other infrastructures, and publications about the
    #: collection (DOIs, PubMed ids or web addresses), each a list of CURIEs or web addresses
    related: Codes = []
    publications: Codes = []


#: the four record tables bbfair publishes, in the order references point (a table only refers to earlier ones
#: or to itself)
TABLES: dict[str, type[Record]] = {m.table: m for m in (Person, Network, Biobank, Collection)}

#: optional Directory tables that are read (so a broken file is reported) but not published
AUXILIARY_TABLES = ("Studies", "CollectionFacts", "AlsoKnownIn", "QualityInfoBiobanks",
                    "QualityInfoCollections", "Services", "NationalNodes")

#: auxiliary tables' references checked against the published tables
AUXILIARY_REFERENCES: dict[str, dict[str, str]] = {
    "CollectionFacts": {"collection": "Collections"},
    "QualityInfoCollections": {"collection": "Collections"},
    "QualityInfoBiobanks": {"biobank": "Biobanks"},
}
