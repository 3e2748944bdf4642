"""Content negotiation by profile (W3C *Content Negotiation by Profile*): which publication profile's document a
request gets, and the headers that say so.

A client asks with the `Accept-Profile` request header (profile IRIs in angle brackets, q-values as in
`Accept`) or the query string (`?_profile=` a token or an IRI; `_profile=alt` lists what the resource offers).
The server answers the best offered profile; a client that asks only for profiles the resource is not offered in
gets the default profile, and `Content-Profile` says which it got (never a 406: the spec leaves the choice of a
fallback to the server, and a harvester is better served by the default document than by an error). Parsing is
bounded: a header past `MAX_HEADER` characters or `MAX_RANGES` entries is read up to there.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote

from ..profiles import Profile, available
from ..store.documents import Document
from ..store.manifest import BuildInfo
from .conneg import MAX_HEADER, MAX_RANGES, qvalue
from .model import Format, SiteInfo

#: the token and IRI of the "alternate representations" listing (`_profile=alt`)
ALT_TOKEN = "alt"
ALT_IRI = "http://www.w3.org/ns/dx/connegp/altr"
#: the spelling one passage of the 2023 Working Draft uses
ALT_IRI_OLD = "http://www.w3.org/ns/dx/conneg/altr"
_ENTRY = re.compile(r"\s*(?:<([^>]*)>|([^\s,;<>]+))\s*((?:;[^,]*)?)(?:,|$)")


@dataclass(frozen=True)
class ProfileChoice:
    """The profile a response is made in."""

    profile: Profile
    #: the client asked for profiles and none of them is offered: it gets the default
    fallback: bool = False
    #: `_profile=alt`: the client wants the list of alternate representations
    alt: bool = False


def _q(params: str) -> float:
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            return qvalue(value)  # the same rule as Accept's on every route
    return 1.0


@lru_cache(maxsize=256)
def parse_accept_profile(header: str) -> tuple[tuple[str, float], ...]:
    """(profile IRI or token, q) of each entry of an `Accept-Profile` header, in the client's order."""
    out: list[tuple[str, float]] = []
    text = header[:MAX_HEADER]
    pos = 0
    while pos < len(text) and len(out) < MAX_RANGES:
        match = _ENTRY.match(text, pos)
        if match is None or match.end() == pos:
            break
        iri, token, params = match.group(1), match.group(2), match.group(3)
        name = (iri if iri is not None else token or "").strip()
        if name:
            out.append((name, _q(params)))
        pos = match.end()
    return tuple(out)


def _match(name: str, offered: Sequence[Profile]) -> Profile | None:
    """The offered profile `name` is the token or IRI of (IRIs compared without angle brackets and without a
    trailing slash)."""
    plain = name.strip().removeprefix("<").removesuffix(">").rstrip("/")
    for profile in offered:
        if plain in (profile.iri.rstrip("/"), profile.token):
            return profile
    return None


def _is_alt(name: str) -> bool:
    plain = name.strip().removeprefix("<").removesuffix(">").rstrip("/")
    return plain in (ALT_TOKEN, ALT_IRI, ALT_IRI_OLD)


def choose_profile(accept_profile: str | None, query: str | None, offered: Sequence[Profile]) -> ProfileChoice:
    """The profile for a request: `query` (the `_profile` argument) wins over `accept_profile`; `offered` are
    the build's profiles, the default first."""
    default = offered[0]
    if query is not None:  # a token or an IRI, or several in order of preference (comma-separated)
        names = [n for n in (part.strip() for part in query[:MAX_HEADER].split(",")[:MAX_RANGES]) if n]
        if any(_is_alt(n) for n in names[:1]):
            return ProfileChoice(default, alt=True)
        for name in names:
            found = _match(name, offered)
            if found is not None:
                return ProfileChoice(found)
        return ProfileChoice(default, fallback=bool(names))
    if not accept_profile or not accept_profile.strip():
        return ProfileChoice(default)
    entries = parse_accept_profile(accept_profile)
    best: tuple[float, int] | None = None
    chosen: Profile | None = None
    for rank, (name, q) in enumerate(entries):
        if q <= 0:
            continue
        if _is_alt(name):
            return ProfileChoice(default, alt=True)
        found = _match(name, offered)
        if found is not None and (best is None or (q, -rank) > best):
            best, chosen = (q, -rank), found
    if chosen is None:
        return ProfileChoice(default, fallback=bool(entries))
    return ProfileChoice(chosen)


def content_profile(profile: Profile) -> str:
    """The `Content-Profile` header value."""
    return f"<{profile.iri}>"


def variant_url(iri: str, profile: Profile, media_type: str | None = None) -> str:
    """The address of one profile's (and media type's) representation of `iri`, in the query-string form."""
    query = f"_profile={quote(profile.token, safe='')}"
    if media_type:
        query += f"&_mediatype={quote(media_type, safe='')}"
    return f"{iri}?{query}"


#: the "alternate representations" listing itself, as a profile (its `Content-Profile`)
ALT = Profile(token=ALT_TOKEN, iri=ALT_IRI, title="Alternate representations",
              description="The profiles and media types a resource is offered in (W3C ALTR).", shape_sets=(),
              official=(), submission=(), code_values="")


def offered(info: BuildInfo) -> tuple[Profile, ...]:
    """The profiles a build holds documents of, the default first (a build made before profiles: the first
    profile bbfair describes)."""
    found = [p for p in (by_token_or_none(t) for t in info.published) if p is not None]
    return tuple(found) if found else (available()[0],)


def by_token_or_none(token: str) -> Profile | None:
    return next((p for p in available() if p.token == token), None)


def representations(iri: str, site: SiteInfo) -> list[tuple[Profile, Format, str]]:
    """(profile, format, address) of every representation of `iri`: each profile in each format."""
    out = []
    for profile in site.profiles:
        for fmt in site.formats:
            url = f"{iri}?_profile={quote(profile.token, safe='')}&format={fmt.key}"
            out.append((profile, fmt, url))
    return out


def alternates_document(iri: str, site: SiteInfo, info: BuildInfo) -> Document:
    """`{iri}?_profile=alt`: the resource's representations in the W3C Alternate Representations data model
    (ALTR): each an address with the profile it conforms to and its media type; the default one marked."""
    lines = []

    def add(s: str, p: str, o: str) -> None:
        lines.append(f"{s} {p} {o} .\n")

    subject = f"<{iri}>"
    for profile, fmt, url in representations(iri, site):
        rep = f"<{url}>"
        add(subject, f"<{ALTR}hasRepresentation>", rep)
        add(rep, f"<{RDF_TYPE}>", f"<{ALTR}Representation>")
        add(rep, f"<{DCT}conformsTo>", f"<{profile.iri}>")
        add(rep, f"<{DCT}format>", json.dumps(fmt.media_type))
        if profile == site.profiles[0] and fmt.key == "ttl":
            add(subject, f"<{ALTR}hasDefaultRepresentation>", rep)
    for profile in site.profiles:
        add(f"<{profile.iri}>", f"<{RDF_TYPE}>", f"<{PROF}Profile>")
        add(f"<{profile.iri}>", f"<{PROF}hasToken>", json.dumps(profile.token))
        add(f"<{profile.iri}>", f"<{RDFS}label>", json.dumps(profile.title) + "@en")
    body = "".join(lines).encode("utf-8")
    etag = hashlib.blake2b(body + info.id.encode(), digest_size=10).hexdigest()
    return Document(iri, "alternates", etag, info.created, None, body)


ALTR = "http://www.w3.org/ns/dx/connegp/altr#"
PROF = "http://www.w3.org/ns/dx/prof/"
DCT = "http://purl.org/dc/terms/"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
