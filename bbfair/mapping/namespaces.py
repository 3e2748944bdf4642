"""RDF namespaces, taken from the prefix map in `vocab/prefixes.json` so code, serialisers and the SPARQL page
agree on one set of prefixes."""

from __future__ import annotations

import json
from functools import lru_cache

from rdflib import Namespace
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from ..resources import vocab_path


@lru_cache(maxsize=1)
def prefixes() -> dict[str, str]:
    """prefix -> namespace IRI, as shipped in vocab/prefixes.json."""
    with vocab_path("prefixes.json").open(encoding="utf-8") as handle:
        return dict(json.load(handle))


def _ns(prefix: str) -> Namespace:
    return Namespace(prefixes()[prefix])


DCAT = _ns("dcat")
#: rdflib's closed DCTERMS namespace: a plain Namespace would turn `DCT.format` into `str.format`
DCT = DCTERMS
assert str(DCT) == prefixes()["dct"]
DCATAP = _ns("dcatap")
HEALTH = _ns("healthdcatap")
FOAF = _ns("foaf")
VCARD = _ns("vcard")
CV = _ns("cv")
GEODCATAP = _ns("geodcatap")
ADMS = _ns("adms")
FDP = _ns("fdp-o")
LDP = _ns("ldp")
ELI = _ns("eli")
BBFAIR = _ns("bbfair")
OWL = _ns("owl")
SCHEMA = _ns("schema")
#: EU Publications Office authority tables (access-right, data-theme, file-type, language, country …)
EU = Namespace("http://publications.europa.eu/resource/authority/")
#: HealthData@EU authority tables (healthcategories, health-theme, coding-system …)
HDEU = Namespace("https://hdeu-dcat.data.health.europa.eu/resource/authority/")
IANA = Namespace("https://www.iana.org/assignments/media-types/")

__all__ = ["ADMS", "BBFAIR", "CV", "DCAT", "DCATAP", "DCT", "ELI", "EU", "FDP", "FOAF", "GEODCATAP", "HDEU",
           "HEALTH", "IANA", "LDP", "OWL", "RDF", "RDFS", "SCHEMA", "SKOS", "VCARD", "XSD", "prefixes"]
