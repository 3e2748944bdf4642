"""Content hashes of resource documents: what tells an unchanged document from a changed one.

Validation uses them to skip documents it has already checked; publishing uses them to keep the times and
ETag of a resource whose content did not change. A document's hash covers its own triples and, Merkle-style,
the hashes of the members whose summaries it embeds, so a catalogue's hash changes when one of its datasets
does.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import Protocol

from rdflib.term import Node

from .ntriples import statements

Triple = tuple[Node, Node, Node]


class Embedding(Protocol):
    """What a hashed document needs: its own triples, its summary, the members it embeds and how its other
    publication profiles differ (`mapping.resource.Variant`)."""

    triples: set[Triple]
    summary: list[Triple]
    embeds: list
    variants: dict


def own_hash(triples: Iterable[Triple]) -> str:
    """Hash of a set of triples, independent of their order (datatype and language count)."""
    return lines_hash([line for _s, line in statements(triples)])


def lines_hash(lines: Iterable[str]) -> str:
    """Hash of a set of N-Triples lines (`ntriples.statements`), independent of their order: a build hashes the
    text it writes, instead of making a second text of every statement only to hash it."""
    return hashlib.blake2b("".join(sorted(lines)).encode(), digest_size=16).hexdigest()


def with_variants(own: str, res: Embedding) -> str:
    """A document's own hash and the statements its other profiles take out and put in: a change to any
    profile's document is a change of the resource (new ETag, new time)."""
    if not res.variants:
        return own
    parts = [own]
    for token in sorted(res.variants):
        change = res.variants[token]
        parts += [token, own_hash(change.removed), own_hash(change.added)]
    return combine(*parts)


def summary_hash(res: Embedding) -> str:
    """Hash of what a document embedding `res` shows of it, in every profile."""
    variants = getattr(res, "summary_variants", {})
    parts = [own_hash(res.summary)]
    for token in sorted(variants):
        parts += [token, own_hash(variants[token].removed), own_hash(variants[token].added)]
    return combine(*parts) if variants else parts[0]


def combine(*parts: str) -> str:
    """One hash from several (order matters)."""
    return hashlib.blake2b("|".join(parts).encode(), digest_size=16).hexdigest()


def merkle(resources: Sequence[Embedding], own: dict[int, str]) -> list[str]:
    """Each document's content hash from the hashes of its own triples (`own`, by index) and of the members
    it embeds (a member outside `resources` counts by its `digest` when it carries one, else by the hash of its
    summary)."""
    index = {id(r): i for i, r in enumerate(resources)}
    done: dict[int, str] = {}

    def full(i: int) -> str:
        if i not in done:
            res = resources[i]
            if not res.embeds:
                done[i] = own[i]
            else:
                done[i] = combine(own[i], *sorted(full(index[id(e)]) if id(e) in index
                                                  else getattr(e, "digest", "") or summary_hash(e)
                                                  for e in res.embeds))
        return done[i]

    return [full(i) for i in range(len(resources))]


def content_hashes(resources: Sequence[Embedding], lines: Sequence[list[tuple[Node, str]]] | None = None,
                   ) -> list[str]:
    """Every document's content hash, computed in this process; `lines`, one list per resource, are its
    statements (`ntriples.statements`) when the caller has them already."""
    if lines is None:
        lines = [statements(r.triples) for r in resources]
    return merkle(resources, {i: with_variants(lines_hash([line for _s, line in own]), resources[i])
                              for i, own in enumerate(lines)})
