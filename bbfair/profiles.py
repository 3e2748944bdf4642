"""Publication profiles: the variants of the catalogue bbfair publishes, one per kind of consumer.

Health-RI v2.0.2 and HealthDCAT-AP Release 8 cannot both be met by one graph (`healthdcatap:hasCodeValues` is an
IRI for one and a literal for the other), so every document is published in named profiles, each validated
against its own consumer's shapes and chosen per request by W3C Content Negotiation by Profile. The profiles
are described in `shapes/profiles.ttl` (W3C PROF); `bbfair.toml`'s `[profiles]` chooses which are published and
which one a client gets when it asks for none.

Where two profiles differ, the mapping makes the default profile's statements and, for each other profile, the
statements to take out and put in (`mapping.resource.Variant`); everything else is shared.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROF, RDF, Namespace

from .errors import ConfigError, Problem
from .rdf.resources import shapes_path

BBFP = Namespace("https://w3id.org/bbfair/profile#")
PROFILES_FILE = "profiles.ttl"
#: the HealthDCAT-AP access level of each EU access right (the official shape file of that level)
LEVELS = {"PUBLIC": "public", "RESTRICTED": "restricted", "NON_PUBLIC": "non-public"}


@dataclass(frozen=True)
class Profile:
    """One publication profile (see the module docstring and `shapes/profiles.ttl`)."""

    token: str
    iri: str
    title: str
    description: str
    #: bbfair's own shape sets (`shapes/<name>.ttl`)
    shape_sets: tuple[str, ...]
    #: the consumer's official shape files, paths under `shapes/` with `{level}` for the access level
    official: tuple[str, ...]
    #: official files about a whole harvested submission (R8's graph guard), not about one record
    submission: tuple[str, ...]
    #: healthdcatap:hasCodeValues as the code's IRI ("iri") or as the code itself ("literal")
    code_values: str

    def official_files(self, access_rights: str) -> list[Path]:
        """The official shape files for the access level of `access_rights` (PUBLIC, RESTRICTED, NON_PUBLIC)."""
        level = LEVELS[access_rights]
        return [shapes_path(*p.replace("{level}", level).split("/")) for p in self.official]

    def submission_files(self) -> list[Path]:
        return [shapes_path(*p.split("/")) for p in self.submission]


def _one(graph: Graph, node: URIRef, pred: URIRef) -> str:
    value = graph.value(node, pred)
    if value is None:
        raise ValueError(f"{PROFILES_FILE}: {node} has no {pred}")
    return str(value)


@lru_cache(maxsize=1)
def description() -> Graph:
    """`shapes/profiles.ttl`, parsed (read-only: callers copy what they serve)."""
    return Graph().parse(shapes_path(PROFILES_FILE), format="turtle")


@lru_cache(maxsize=1)
def available() -> tuple[Profile, ...]:
    """Every profile `shapes/profiles.ttl` describes, in its `bbfp:order`."""
    graph = description()
    found = []
    for node in graph.subjects(RDF.type, PROF.Profile):
        assert isinstance(node, URIRef)
        order = graph.value(node, BBFP.order)
        found.append((int(order) if isinstance(order, Literal) else 99, Profile(
            token=_one(graph, node, PROF.hasToken),
            iri=str(node),
            title=_one(graph, node, DCTERMS.title),
            description=_one(graph, node, DCTERMS.description),
            shape_sets=tuple(sorted(str(s) for s in graph.objects(node, BBFP.shapeSet))),
            official=tuple(sorted(str(s) for s in graph.objects(node, BBFP.officialShapes))),
            submission=tuple(sorted(str(s) for s in graph.objects(node, BBFP.submissionShapes))),
            code_values=_one(graph, node, BBFP.codeValues),
        )))
    return tuple(p for _order, p in sorted(found, key=lambda item: item[0]))


#: the attribute of `Profile` each mapping choice of profiles.ttl fills
_CHOICE_ATTRIBUTES = {BBFP.codeValues: "code_values"}


@lru_cache(maxsize=1)
def _choices() -> dict[str, frozenset[str]]:
    """Profile attribute of each mapping choice → the predicates it varies (profiles.ttl, `bbfp:varies`)."""
    graph = description()
    return {attr: frozenset(str(p) for p in graph.objects(choice, BBFP.varies))
            for choice, attr in _CHOICE_ATTRIBUTES.items()}


def tokens() -> list[str]:
    return [p.token for p in available()]


def by_token(token: str) -> Profile:
    """The profile with `token`; a ConfigError listing the known ones otherwise."""
    for profile in available():
        if profile.token == token:
            return profile
    raise ConfigError([Problem(f"unknown profile {token!r}: bbfair publishes {', '.join(tokens())}",
                               column="profiles")])


def by_iri(iri: str) -> Profile | None:
    for profile in available():
        if profile.iri == iri:
            return profile
    return None


@dataclass(frozen=True)
class Published:
    """The profiles a catalogue is published in: the default first."""

    profiles: tuple[Profile, ...]

    @property
    def default(self) -> Profile:
        return self.profiles[0]

    @property
    def others(self) -> tuple[Profile, ...]:
        return self.profiles[1:]

    @property
    def tokens(self) -> list[str]:
        return [p.token for p in self.profiles]

    def get(self, token: str) -> Profile | None:
        return next((p for p in self.profiles if p.token == token), None)

    def varying(self) -> frozenset[str]:
        """The predicates whose statements differ between the published profiles: those of every mapping
        choice (`bbfp:varies` in profiles.ttl) the profiles do not all make alike."""
        out: set[str] = set()
        for choice, predicates in _choices().items():
            if len({getattr(p, choice) for p in self.profiles}) > 1:
                out |= predicates
        return frozenset(out)


def published(tokens_: Sequence[str], default: str | None = None) -> Published:
    """The selection `tokens_` (in that order unless `default` names one of them, which then comes first)."""
    chosen = [by_token(t) for t in dict.fromkeys(tokens_)]
    if not chosen:
        raise ConfigError([Problem("no profile to publish: name at least one in [profiles] publish "
                                   f"(known: {', '.join(tokens())})", column="profiles.publish")])
    if default is not None:
        first = by_token(default)
        if first not in chosen:
            raise ConfigError([Problem(f"the default profile {default!r} is not among the published ones "
                                       f"({', '.join(p.token for p in chosen)})", column="profiles.default")])
        chosen.remove(first)
        chosen.insert(0, first)
    return Published(tuple(chosen))
