"""The facets of the collection finder: what a researcher narrows a search by, where each value comes from in
a dataset's published RDF, and the value's short code in a search URL.

Most facets are one dataset property whose values are concepts of one of bbfair's code lists
(`{base}/vocab/{scheme}/{code}`): the code is the URL value and the code list gives the label. The others:
`disease` (`dct:subject`, an ICD-10 or ORPHA concept; a collection counts under every broader term of its
diseases, so choosing a chapter finds the collections under it), `country` (`dct:spatial`, an EU country IRI,
by its ISO code), `sex` (`bbfair:sex`, a PATO term or a code-list concept), `biobank` (the biobank catalogue
the dataset `dct:isPartOf`), `network` (a network catalogue listing the dataset, or its biobank, as a
member), `access` (the collection's access conditions, each a flag) and `quality` (quality certificates of the
collection or of its biobank, by the standard they certify against).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..rdf.namespaces import BBFAIR, DCAT, DCT, DQV, HEALTH


@dataclass(frozen=True)
class Facet:
    """One facet: its URL parameter, its heading, and for a code-list facet the property and code list."""

    name: str
    label: str
    #: the dataset property its values come from (None: made from several, see the module docstring)
    predicate: str | None = None
    #: the code list (`vocab/codelists/{scheme}.ttl`) its values are concepts of
    scheme: str | None = None
    #: what one value is (for help texts and errors)
    value_hint: str = "a code"


FACETS: tuple[Facet, ...] = (
    Facet("disease", "Disease", str(DCT.subject), value_hint="an ICD-10 code, block or chapter (C50, C00-C75, "
          "II) or an ORPHA code (ORPHA:558)"),
    Facet("material", "Material type", str(BBFAIR.materialType), "material-type"),
    Facet("temperature", "Storage temperature", str(BBFAIR.storageTemperature), "storage-temperature"),
    Facet("country", "Country", str(DCT.spatial), value_hint="an ISO 3166 country code (BE)"),
    Facet("biobank", "Biobank", value_hint="a biobank's catalogue id (the end of /catalog/…)"),
    Facet("network", "Network", value_hint="a network's catalogue id (the end of /catalog/…)"),
    Facet("type", "Collection type", str(BBFAIR.collectionType), "collection-type"),
    Facet("category", "Category", str(BBFAIR.category), "category"),
    Facet("data", "Data available", str(BBFAIR.dataCategory), "data-category"),
    Facet("sex", "Sex", str(BBFAIR.sex), "sex"),
    Facet("donors", "Donors", str(BBFAIR.orderOfMagnitudeDonors), "sample-size",
          value_hint="an order of magnitude (3: 1,000–10,000)"),
    Facet("samples", "Samples", str(BBFAIR.orderOfMagnitude), "sample-size",
          value_hint="an order of magnitude (3: 1,000–10,000)"),
    Facet("access", "Access"),
    Facet("quality", "Quality marks", value_hint="a quality standard's code"),
)
BY_NAME = {f.name: f for f in FACETS}

#: the access conditions the `access` facet offers: code -> (label, the dataset property, the value it must have;
#: None: any value)
ACCESS: dict[str, tuple[str, str, bool | None]] = {
    "commercial-use": ("Commercial use allowed", str(BBFAIR.commercialUse), True),
    "collaboration-commercial": ("Open to commercial collaboration", str(BBFAIR.collaborationCommercial), True),
    "collaboration-non-profit": ("Open to non-profit collaboration", str(BBFAIR.collaborationNonForProfit), True),
    "access-fee": ("Access fee", str(BBFAIR.accessFee), None),
    "joint-project": ("Joint project required", str(BBFAIR.accessJointProject), None),
}

#: age groups offered as quick choices of the age range (years, upper bound included; None: open)
AGE_GROUPS: tuple[tuple[str, int, int | None], ...] = (
    ("Newborns and infants (0–1)", 0, 1),
    ("Children (2–17)", 2, 17),
    ("Adults (18–64)", 18, 64),
    ("Older adults (65+)", 65, None),
)

#: the number ranges a search can ask (parameter -> (label, dataset property)); the age range matches a
#: collection whose own range overlaps it
RANGES: dict[str, tuple[str, str]] = {
    "age_from": ("Age from (years)", str(HEALTH.minTypicalAge)),
    "age_to": ("Age up to (years)", str(HEALTH.maxTypicalAge)),
    "donors_min": ("At least this many donors", str(HEALTH.numberOfUniqueIndividuals)),
    "samples_min": ("At least this many samples", str(HEALTH.numberOfRecords)),
}

#: text fields of a collection, in the full-text index, with their weight in the relevance ranking
TEXT_FIELDS: tuple[tuple[str, float], ...] = (
    ("title", 10.0), ("acronym", 8.0), ("keywords", 4.0), ("diseases", 4.0), ("organisations", 3.0),
    ("description", 1.0),
)

QUALITY = (str(DQV.hasQualityAnnotation), str(DCT.conformsTo))
MEMBERS = (str(DCAT.dataset), str(DCAT.catalog))
