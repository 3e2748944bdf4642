"""Typed records in the BBMRI-ERIC Directory's own field names (EMX2 `molgenis.csv`).

Each model lists the columns bbfair reads; the columns it does not publish are listed with the reason in
`vocab/unpublished.csv`, and any other column of the export is reported once as unknown (`records.notices`).
Multi-valued columns are lists, references are the other table's key (`id`, or `name` for Publishers), and every
record carries its `Source` so a later error (a SHACL violation, a dangling reference) can name the file and line.
The FAIR Data Point tables (Catalogs, DataServices, Endpoints, Publishers, Organisations, Address) are in
`records.fdp`, the tables that annotate records (AlsoKnownIn, QualityInfo*) in `records.extra`, and the registry of
all of them in `records.tables`.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from .fields import (
    Codes,
    Count,
    Flag,
    Latitude,
    Longitude,
    OptFlag,
    PersonalData,
    Required,
    RequiredEmail,
    Stamp,
    Text,
    Url,
)


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
    #: the column holding the record's key, which references name (the Directory's Publishers are keyed by name)
    key: ClassVar[str] = "id"

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
    email: RequiredEmail
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
    references: ClassVar[dict[str, str]] = {"contact": "Persons", "also_known": "AlsoKnownIn"}
    coded: ClassVar[dict[str, str]] = {"common_network_elements": "network-element"}
    identifiers: ClassVar[dict[str, str]] = {"related": "any"}

    name: Required
    acronym: Text = None
    description: Required
    url: Url = None
    juridical_person: Text = None
    contact: Required
    common_network_elements: Codes = []
    location: Text = None
    latitude: Latitude = None
    longitude: Longitude = None
    also_known: Codes = []
    #: bbfair extension column: related resources in other infrastructures (CURIEs or web addresses)
    related: Codes = []


class Biobank(Record):
    """A biobank (Biobanks table) → dcat:Catalog of its collections + foaf:Organization agent."""

    table: ClassVar[str] = "Biobanks"
    references: ClassVar[dict[str, str]] = {"contact": "Persons", "head": "Persons", "network": "Networks",
                                            "also_known": "AlsoKnownIn"}
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
    latitude: Latitude = None
    longitude: Longitude = None
    also_known: Codes = []
    collaboration_commercial: OptFlag = None
    collaboration_non_for_profit: OptFlag = None
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
        "also_known": "AlsoKnownIn",
        "catalog": "Catalogs",
        "publisher": "Publishers",
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
        "access_fee": "access-type",
        "access_joint_project": "access-type",
        "sop": "sop",
        "language": "language",
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
    latitude: Latitude = None
    longitude: Longitude = None
    also_known: Codes = []
    collaboration_commercial: OptFlag = None
    collaboration_non_for_profit: OptFlag = None
    duc_profile: Url = None
    access_fee: Codes = []
    access_joint_project: Codes = []
    sop: Codes = []
    #: the FAIR Data Point columns ("RDF helpers") of the Directory's schema
    catalog: Codes = []
    license: Url = None
    publisher: Text = None
    language: Codes = []
    EJP_RD_personalData: PersonalData = None
    EJP_RD_vpConnection: Url = None
    #: bbfair extension columns: related resources in other infrastructures, and publications about the
    #: collection (DOIs, PubMed ids or web addresses), each a list of CURIEs or web addresses
    related: Codes = []
    publications: Codes = []
