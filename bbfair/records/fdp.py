"""The FAIR Data Point tables of the Directory's EMX2 schema: Catalogs, DataServices, Endpoints, Publishers,
Organisations and Address (`molgenis.csv`, their RDF `semantics` in the comments). They are optional files of an
export; a national node's export usually leaves them out.

The fields are the schema's columns. A column the schema requires is required here only when bbfair publishes it
from the record and cannot make it itself; the times (`issued`, `modified`) and the LDP wiring
(`ldp_membership_*`, `fdp_metadata_identifier`) bbfair makes, so they are optional (`vocab/unpublished.csv`).
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field, model_validator

from .fields import Codes, Day, Email, PersonalData, Required, RequiredUrl, Stamp, Text, Url, Urls
from .models import Record


class Address(Record):
    """A postal address (Address table, `vcard:Address`) of an organisation."""

    table: ClassVar[str] = "Address"

    street: Required
    city: Required
    country: Required
    postal_code: Required


class Organisation(Record):
    """An organisation acting as a contact point (Organisations table, `vcard:Organization`) of catalogues, data
    services and endpoints."""

    table: ClassVar[str] = "Organisations"
    references: ClassVar[dict[str, str]] = {"address": "Address"}

    full_name: Required
    email: Email = None
    address: Text = None
    phone: Text = None
    url: Url = None


class Publisher(Record):
    """A publisher of catalogues, data services, endpoints and collections (Publishers table, `foaf:Agent`). The
    Directory keys it by `name`, so `name` is its id too."""

    table: ClassVar[str] = "Publishers"
    key: ClassVar[str] = "name"

    name: Required
    description: Text = None
    #: rdf:type IRIs (`http://xmlns.com/foaf/0.1/Organization`, `…/Person`)
    type: Urls = []
    url: Url = None
    logo: Url = None
    mbox: Email = None

    @model_validator(mode="before")
    @classmethod
    def _name_is_id(cls, data: Any) -> Any:
        if isinstance(data, dict) and not data.get("id"):
            return {**data, "id": data.get("name")}
        return data


class Catalog(Record):
    """A catalogue of the Directory's FAIR Data Point (Catalogs table, `dcat:Catalog`, `ldp:DirectContainer`):
    collections name it in their `catalog` column, data services in `part_of` or `catalog`."""

    table: ClassVar[str] = "Catalogs"
    references: ClassVar[dict[str, str]] = {"contact": "Organisations", "publisher": "Publishers"}
    coded: ClassVar[dict[str, str]] = {"language": "language", "access_rights": "access-right", "theme": "theme",
                                       "theme_taxonomy": "theme"}

    title: Required
    url: Url = None
    has_version: Text = None
    description: Text = None
    logo: Url = None
    contact: Text = None
    publisher: Codes = []
    endpoint_url: Url = None
    referenced_by: Urls = []
    language: Codes = []
    license: RequiredUrl
    policy: Url = None
    issued: Stamp = None
    modified: Stamp = None
    conforms_to: RequiredUrl
    rights: Urls = []
    access_rights: Codes = []
    theme_taxonomy: Codes = []
    theme: Codes = []
    keyword: Codes = []
    EJP_RD_personalData: PersonalData = None
    EJP_RD_vpConnection: Url = None
    ldp_membership_relation: Urls = []
    ldp_membership_resource: Text = None
    fdp_metadata_identifier: Text = None


class DataService(Record):
    """A data service (DataServices table, `dcat:DataService`): an access-request service such as the BBMRI-ERIC
    Negotiator, or a query API such as a Beacon, serving a collection or a catalogue."""

    table: ClassVar[str] = "DataServices"
    references: ClassVar[dict[str, str]] = {
        "collection": "Collections", "catalog": "Catalogs", "part_of": "Catalogs",
        "contact_organisation": "Organisations", "contact_individual": "Persons", "publisher": "Publishers"}
    coded: ClassVar[dict[str, str]] = {"language": "language", "theme": "theme"}

    endpoint_url: RequiredUrl
    endpoint_description: Required
    conforms_to: RequiredUrl
    #: the kind of service (for the EJP RD Virtual Platform: ejp:VPBeacon2_Catalog, _Individuals, _Biosamples)
    type: Urls = []
    title: Required
    url: Url = None
    logo: Url = None
    collection: Text = None
    catalog: Text = None
    part_of: Text = None
    contact_organisation: Text = None
    contact_individual: Text = None
    EJP_RD_personalData: PersonalData = None
    EJP_RD_vpConnection: Url = None
    issued: Stamp = None
    modified: Stamp = None
    theme: Codes = []
    description: Required
    keyword: Codes = []
    language: Codes = []
    license: RequiredUrl
    publisher: Required


class Endpoint(Record):
    """A metadata endpoint (Endpoints table, `ldp:DirectContainer`): a FAIR Data Point, an `fdp-o:MetadataService`
    whose catalogues are Catalogs records."""

    table: ClassVar[str] = "Endpoints"
    references: ClassVar[dict[str, str]] = {"metadata_catalog": "Catalogs", "publisher": "Publishers",
                                            "contact": "Organisations"}
    coded: ClassVar[dict[str, str]] = {"language": "language", "ui_language": "language",
                                       "access_rights": "access-right", "theme": "theme"}

    #: the classes the endpoint is an instance of (rdf:type), besides dcat:DataService and fdp-o:MetadataService
    type: Urls = []
    name: Codes = Field(min_length=1)
    description: Text = None
    url: Url = None
    metadata_catalog: Codes = Field(min_length=1)
    publisher: Codes = Field(min_length=1)
    language: Codes = []
    license: RequiredUrl
    conforms_to: RequiredUrl
    rights: Urls = []
    access_rights: Codes = []
    contact: Text = None
    keyword: Codes = []
    theme: Codes = []
    end_point_description: Urls = []
    issued: Stamp = None
    modified: Stamp = None
    start_date: Day = None
    end_date: Day = None
    ui_language: Codes = []
    version: Text = None
    conforms_to_FDP_spec: RequiredUrl
    EJP_RD_personalData: PersonalData = None
    EJP_RD_vpConnection: Url = None
    ldp_membership_relation: Urls = []
    ldp_membership_resource: Text = None
    fdp_metadata_identifier: Text = None
