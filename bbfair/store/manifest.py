"""What a build remembers: where it came from (time, input hash, counts, bbfair version, base IRI, profiles)
and each resource's stamp (content hash, ETag, times), which the next build compares against to keep
unchanged resources as they are."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from ..mapping.stamps import Stamp

FORMAT = 1
#: what the named graphs hold. 2: the disease concepts in the graph of `{base}/vocab/diseases` only, no longer
#: in every dataset's. A build over a live build of another layout rewrites every graph (keeping the times).
#: 3: documents of every publication profile (the default's in `documents`, the others' where they differ in
#: `variants`), and one quad store per profile beside the default's.
LAYOUT = 3


@dataclass
class BuildInfo:
    """The build a store holds."""

    id: str
    created: str
    input_hash: str
    bbfair_version: str
    base_iri: str
    profiles: list[str]
    shapes_digest: str
    counts: dict[str, int] = field(default_factory=dict)
    triples: int = 0
    resources: int = 0
    changed: int = 0
    removed: int = 0
    warnings: int = 0
    #: the layout of its named graphs (`LAYOUT`; manifests without the field are of layout 1)
    layout: int = 1
    #: the publication profiles it holds documents of, the default first (`bbfair.profiles`)
    published: list[str] = field(default_factory=list)
    #: the node's access rights (PUBLIC, RESTRICTED, NON_PUBLIC): the HealthDCAT-AP level it was validated at
    access_rights: str = ""


@dataclass
class Manifest:
    """A build and its resources' stamps (by IRI)."""

    build: BuildInfo
    stamps: dict[str, Stamp]

    def to_json(self) -> str:
        payload: dict[str, Any] = {"format": FORMAT, "build": asdict(self.build),
                                   "stamps": {iri: s.as_list() for iri, s in self.stamps.items()}}
        return json.dumps(payload, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        data = json.loads(text)
        if data.get("format") != FORMAT:
            raise ValueError(f"manifest format {data.get('format')!r}, this bbfair reads format {FORMAT}")
        return cls(BuildInfo(**data["build"]), {iri: Stamp.from_list(v) for iri, v in data["stamps"].items()})


def builds_on(previous: Manifest | None, base_iri: str) -> bool:
    """Whether a new build with `base_iri` can keep the unchanged named graphs of the live build `previous`:
    same base IRI, same layout."""
    return previous is not None and previous.build.base_iri == base_iri and previous.build.layout == LAYOUT
