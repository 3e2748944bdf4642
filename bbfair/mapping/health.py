"""A collection's HealthData@EU classification: `healthdcatap:healthCategory` (EHDS Art. 51 categories: EINS for
every biobank collection, plus those its data categories add) and `healthdcatap:healthTheme` (from the ICD-10
chapters, blocks or categories of its diagnoses). The tables are vocabulary data (`vocab/health-categories.csv`,
`vocab/health-themes.csv`, standards.md §10.3); ORPHA codes give no theme (§10.3: keep the codes only)."""

from __future__ import annotations

from functools import lru_cache

from rdflib import URIRef

from ..rdf import vocab
from ..rdf.namespaces import HDEU
from ..records import Collection
from .context import EINS


@lru_cache(maxsize=65536)
def themes_of(name: str) -> tuple[URIRef, ...]:
    """The health themes of one Directory disease name: those of its most specific ancestor (itself, category,
    block, chapter) that `vocab/health-themes.csv` lists."""
    table = vocab.health_themes()
    diseases = vocab.diseases()
    current: str | None = name
    seen: set[str] = set()
    while current is not None and current not in seen:
        seen.add(current)
        if current in table:
            return tuple(HDEU[f"health-theme/{code}"] for code in table[current])
        disease = diseases.get(current)
        current = disease.parents[0] if disease is not None and disease.system == "ICD-10" and disease.parents \
            else None
    return ()


def health_themes(coll: Collection) -> list[URIRef]:
    """The distinct health themes of the collection's ICD-10 diagnoses, in order of appearance."""
    return list(dict.fromkeys(theme for name in coll.diagnosis_available for theme in themes_of(name)))


def health_categories(coll: Collection) -> list[URIRef]:
    """EINS, then the categories the collection's data categories add."""
    table = vocab.health_categories()
    extra = (HDEU[f"healthcategories/{code}"] for category in coll.data_categories for code in table.get(category, ()))
    return list(dict.fromkeys([EINS, *extra]))
