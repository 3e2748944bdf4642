"""Deterministic IRIs: every resource is `{base}/{kind}/{slug}` where the slug is derived from the record id.

Flat paths keep rdflib's Turtle serialiser linear (see DESIGN.md); slugs never contain `;` (the Health-RI
harvester splits on it) and the same id always gives the same IRI. The original id stays in `dct:identifier`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import URIRef

from ..rdf.streams import FEED_PATH

_DIRECTORY_PREFIX = re.compile(r"^bbmri-eric:(ID|contactID|networkID|studyID|factID|akiID|serviceID):")
_UNSAFE = re.compile(r"[^A-Za-z0-9._~-]+")


def slug(record_id: str) -> str:
    """`bbmri-eric:ID:BE_bb1:collection:c1` -> `BE_bb1-collection-c1` (Directory prefix dropped, other
    characters outside the IRI-safe set folded to `-`)."""
    text = _DIRECTORY_PREFIX.sub("", record_id.strip())
    text = _UNSAFE.sub("-", text).strip("-")
    return text or "x"


@dataclass(frozen=True)
class Iris:
    """The IRI minting rules for one base."""

    base: str

    def root(self) -> URIRef:
        """The FAIR Data Point root: `{base}/`."""
        return URIRef(self.base + "/")

    def make(self, kind: str, record_id: str) -> URIRef:
        """`{base}/{kind}/{slug(record_id)}`."""
        return URIRef(f"{self.base}/{kind}/{slug(record_id)}")

    def catalog(self, record_id: str) -> URIRef:
        return self.make("catalog", record_id)

    def dataset(self, record_id: str) -> URIRef:
        return self.make("dataset", record_id)

    def distribution(self, record_id: str) -> URIRef:
        return self.make("distribution", record_id)

    def agent(self, record_id: str) -> URIRef:
        return self.make("agent", record_id)

    def contact(self, record_id: str) -> URIRef:
        return self.make("contact", record_id)

    def service(self, record_id: str) -> URIRef:
        """A data service or metadata endpoint (DataServices, Endpoints): `{base}/service/{slug}`."""
        return self.make("service", record_id)

    def vocab(self, path: str) -> URIRef:
        """A code-list concept or scheme: `{base}/vocab/{scheme}/{code}`."""
        return URIRef(f"{self.base}/vocab/{path}")

    def feed(self) -> URIRef:
        """The DCAT-AP Feed's event stream (`{base}/feed#stream`; its root view is `{base}/feed`)."""
        return URIRef(f"{self.base}{FEED_PATH}#stream")

    def container(self, parent: URIRef, members: str) -> URIRef:
        """The LDP container of a parent's children: `{parent}/{members}` (root: `{base}/{members}`)."""
        return URIRef(f"{str(parent).rstrip('/')}/{members}")
