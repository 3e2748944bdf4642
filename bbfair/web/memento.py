"""Memento (RFC 7089) over the store's history (`store.history`): every resource is its own TimeGate, has a
TimeMap, and each of its versions is a memento served exactly as it was live; a removed resource answers
`410 Gone`.

- TimeGate (pattern 1.1): a request with `Accept-Datetime` on a resource's own address is redirected (302) to
  the memento live at that time, the request's query (`?format=`, `?_profile=`) kept; a time before the first
  version gets the first version, with a note saying so. An `Accept-Datetime` that is no HTTP date is a 400.
- TimeMap (`/timemap/{path}`): every version kept, as `application/link-format` (RFC 6690) or an HTML page.
- Memento (`/memento/{build}/{path}`): the version build `{build}` published, in every format and profile the
  resource is offered in, with `Memento-Datetime` (when that build went live) and the very bytes, ETag and
  `Last-Modified` it had while live. The HTML page says it is a past version (so its ETag is its own).
- Gone: a resource a build removed answers 410 with when, its last memento and its parent, as HTML or RDF.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from html import escape
from typing import TYPE_CHECKING

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from ..store.history import Version, opened
from ..store.local import Build
from .conneg import Offer, choose
from .model import SiteInfo
from .render import BY_KEY, CORS, OFFERS, Entry, serialise
from .timeurls import LINK_FORMAT, MEMENTO, TIMEMAP, http_datetime, memento_url, timemap_url

if TYPE_CHECKING:
    from .server import Server

TIMEMAP_OFFERS = (Offer("link", LINK_FORMAT), Offer("html", "text/html", ("application/xhtml+xml",)))
RFC1123 = "Thu, 01 Jan 2026 00:00:00 GMT"
_PROV = "http://www.w3.org/ns/prov#"
_DCT = "http://purl.org/dc/terms/"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_XSD_DATETIME = "http://www.w3.org/2001/XMLSchema#dateTime"


def _text(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return Response(f"{status} {message}\n", status_code=status, media_type="text/plain",
                    headers={**CORS, **(headers or {})})


def parse_accept_datetime(value: str) -> datetime | None:
    """The time an `Accept-Datetime` header asks for (RFC 7089: an RFC 1123 date), or None when it is none."""
    try:
        moment = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def select(versions: list[Version], moment: datetime) -> tuple[Version, bool]:
    """The version live at `moment`: the last one published at or before it; (the first one, True) when
    `moment` is before every version."""
    chosen = None
    for version in versions:
        if datetime.fromisoformat(version.since.published) <= moment:
            chosen = version
    return (chosen, False) if chosen is not None else (versions[0], True)


def _link(url: str, rels: str, **params: str) -> str:
    extra = "".join(f'; {k}="{v}"' for k, v in params.items())
    return f'<{url}>; rel="{rels}"{extra}'


def memento_links(iri: str, base: str, versions: list[Version], current: Version | None) -> str:
    """The `Link` header of a memento (or of a TimeGate's answer): original, TimeGate, TimeMap and the first,
    last, previous and next mementos (relations of one address combined, as RFC 7089 recommends)."""
    links = [_link(iri, "original timegate"), _link(timemap_url(iri, base), "timemap", type=LINK_FORMAT)]
    at = versions.index(current) if current in versions else None
    for index, version in enumerate(versions):
        names = [name for name, hit in (("first", index == 0), ("last", index == len(versions) - 1),
                                        ("prev", at is not None and index == at - 1),
                                        ("next", at is not None and index == at + 1)) if hit]
        if names or index == at:
            links.append(_link(memento_url(iri, version.since.id, base), " ".join([*names, "memento"]),
                               datetime=http_datetime(version.since.published)))
    return ", ".join(links)


def _versions(build: Build, iri: str) -> list[Version]:
    with opened(build.path) as history:
        return history.versions(iri) if history is not None else []


async def timegate(server: Server, request: Request, build: Build, site: SiteInfo, iri: str) -> Response:
    """`Accept-Datetime` on a resource: 302 to its memento live at that time."""
    asked = request.headers.get("accept-datetime", "")
    moment = parse_accept_datetime(asked)
    if moment is None:
        return _text(400, f"Bad Request: Accept-Datetime {asked[:80]!r} is not an HTTP date; expected the RFC 1123 "
                          f"form, for example Accept-Datetime: {RFC1123}", {"vary": "Accept-Datetime"})
    versions = await run_in_threadpool(_versions, build, iri)
    if not versions:
        return server._missing(iri, BY_KEY["html"] if "html" in request.headers.get("accept", "") else OFFERS[0])
    chosen, early = select(versions, moment)
    target = memento_url(iri, chosen.since.id, site.base_iri)
    if request.url.query:
        target += "?" + request.url.query
    when = http_datetime(chosen.since.published)
    note = (f"note: {iri} was first published on {when}, after the time asked for "
            f"({http_datetime(moment.isoformat())}); this is its first version" if early else
            f"the version of {iri} live at {http_datetime(moment.isoformat())}, published on {when}")
    headers = {"location": target, "vary": "Accept-Datetime",
               "link": memento_links(iri, site.base_iri, versions, chosen), **CORS}
    if early:
        headers["memento-note"] = "before-first-memento"
    return Response(note + "\n", status_code=302, media_type="text/plain", headers=headers)


def _memento_site(site: SiteInfo, iri: str, version: Version) -> SiteInfo:
    """`site` for the HTML page of a memento: its banner says which version it is."""
    extra = {**site.extra, "memento_datetime": http_datetime(version.since.published),
             "memento_original": iri, "memento_timemap": timemap_url(iri, site.base_iri),
             "memento_build": version.since.id}
    if version.until is not None:
        extra["memento_until"] = http_datetime(version.until.published)
    return replace(site, extra=extra)


def _render_memento(server: Server, build: Build, site: SiteInfo, iri: str, build_id: str, key: str,
                    token: str | None) -> tuple[Entry, Version, list[Version]] | str:
    with opened(build.path) as history:
        if history is None:
            return "this store keeps no history"
        versions = history.versions(iri)
        version = next((v for v in versions if v.since.id == build_id), None)
        if version is None:
            return (f"no version of {iri} was published by build {build_id}; its versions are listed at "
                    f"{timemap_url(iri, site.base_iri)}")
        doc = history.document(version, build.documents, token)
    if doc is None:
        return f"the version of {iri} published by build {build_id} is no longer kept"
    profile = next((p for p in site.profiles if p.token == token), site.profiles[0])
    entry = Entry(doc, _memento_site(site, iri, version) if key == "html" else site, profile=profile)
    entry.render(key, server._html)
    return entry, version, versions


async def memento(server: Server, request: Request, build_id: str, rel: str) -> Response:
    """`/memento/{build}/{path}`: one past (or the present) version of a resource."""
    build = server.state.build()
    site = server.site(build)
    iri = f"{site.base_iri}/{rel}"
    chosen = server.profile_of(request, site)
    offer = server._choose(request, OFFERS)
    if isinstance(offer, Response):
        return offer
    token = None if chosen.profile == site.profiles[0] else chosen.profile.token
    made = await run_in_threadpool(_render_memento, server, build, site, iri, build_id, offer.key, token)
    if isinstance(made, str):
        return _text(404, f"Not Found: {made}")
    entry, version, versions = made
    headers = dict((k.decode(), v.decode("latin-1")) for k, v in entry.headers[offer.key])
    if offer.key == "html":  # the page carries a banner: not the bytes the live page had
        headers["etag"] = headers["etag"][:-1] + '-memento"'
    headers["memento-datetime"] = http_datetime(version.since.published)
    headers["vary"] = "Accept, Accept-Profile"
    headers["link"] = memento_links(iri, site.base_iri, versions, version)
    headers["access-control-expose-headers"] = CORS["access-control-expose-headers"] + ", Memento-Datetime"
    from .server import not_modified

    if not_modified(request.headers.get("if-none-match"), request.headers.get("if-modified-since"),
                    headers["etag"], headers["last-modified"]):
        del headers["content-type"], headers["content-length"]
        return Response(status_code=304, headers=headers)
    return Response(b"" if request.method == "HEAD" else entry.bodies[offer.key], headers=headers)


def _timemap_text(iri: str, base: str, versions: list[Version]) -> str:
    """The TimeMap in RFC 6690 link format, as RFC 7089 §5.1.1 lays it out."""
    first, last = versions[0], versions[-1]
    lines = [_link(iri, "original"),
             _link(timemap_url(iri, base), "self", type=LINK_FORMAT, **{
                 "from": http_datetime(first.since.published), "until": http_datetime(last.since.published)}),
             _link(iri, "timegate")]
    for index, version in enumerate(versions):
        names = (["first"] if index == 0 else []) + (["last"] if index == len(versions) - 1 else [])
        lines.append(_link(memento_url(iri, version.since.id, base), " ".join([*names, "memento"]),
                           datetime=http_datetime(version.since.published)))
    return ",\n".join(lines) + "\n"


async def timemap(server: Server, request: Request, rel: str) -> Response:
    """`/timemap/{path}`: every kept version of a resource."""
    build = server.state.build()
    site = server.site(build)
    iri = f"{site.base_iri}/{rel}"
    fmt = request.query_params.get("format")
    offer = next((o for o in TIMEMAP_OFFERS if o.key == fmt), None) if fmt else \
        choose(request.headers.get("accept"), TIMEMAP_OFFERS)
    if offer is None:
        return _text(406, "Not Acceptable: a TimeMap is offered as application/link-format or text/html "
                          "(?format=link|html)", {"vary": "Accept"})
    def read() -> tuple[list[Version], Version | None]:
        with opened(build.path) as history:
            if history is None:
                return [], None
            return history.versions(iri), history.removed(iri)

    versions, gone = await run_in_threadpool(read)
    if not versions:
        return _text(404, f"Not Found: no version of {iri} was ever published here")
    if offer.key == "link":
        body = _timemap_text(iri, site.base_iri, versions).encode()
        media = LINK_FORMAT
    else:
        rows = [{"datetime": http_datetime(v.since.published), "build": v.since.id,
                 "until": http_datetime(v.until.published) if v.until else "",
                 "href": memento_url(iri, v.since.id, site.base_iri), "modified": v.modified, "live": v.live}
                for v in versions]
        body = server.state.templates.get_template("timemap.html").render(
            site=site, iri=iri, rows=rows, gone=http_datetime(gone.until.published) if gone and gone.until else "",
            link_format=timemap_url(iri, site.base_iri) + "?format=link").encode()
        media = "text/html; charset=utf-8"
    tag = '"' + hashlib.blake2b(body, digest_size=10).hexdigest() + '"'
    headers = {"etag": tag, "vary": "Accept", **CORS}
    from .server import not_modified

    if not_modified(request.headers.get("if-none-match"), None, tag, ""):
        return Response(status_code=304, headers=headers)
    return Response(b"" if request.method == "HEAD" else body, media_type=media, headers=headers)


def _gone_document(iri: str, version: Version, base: str) -> bytes:
    """What a removed resource's 410 says in RDF: when it was removed, its last version and its parent."""
    last = memento_url(iri, version.since.id, base)
    when = version.until.published if version.until else version.since.published
    lines = [f'<{iri}> <{_PROV}invalidatedAtTime> "{datetime.fromisoformat(when).isoformat()}"^^<{_XSD_DATETIME}> .',
             f"<{iri}> <{_DCT}hasVersion> <{last}> .",
             f'<{last}> <{_PROV}generatedAtTime> "{datetime.fromisoformat(version.since.published).isoformat()}"'
             f"^^<{_XSD_DATETIME}> .",
             f'<{iri}> <{_RDFS}comment> "Removed from this catalogue on {http_datetime(when)}; its last version is '
             f'{last}"@en .']
    if version.parent:
        lines.append(f"<{iri}> <{_DCT}isPartOf> <{version.parent}> .")
    return ("\n".join(lines) + "\n").encode()


def _gone_html(iri: str, version: Version, base: str) -> str:
    last = memento_url(iri, version.since.id, base)
    when = http_datetime(version.until.published if version.until else version.since.published)
    parent = (f" It was part of <a href='{escape(version.parent)}'>{escape(version.parent)}</a>."
              if version.parent else "")
    return (f"<!doctype html><html lang=en><meta charset=utf-8><title>Gone</title><h1>Gone</h1>"
            f"<p><code>{escape(iri)}</code> was removed from this catalogue on {escape(when)}.{parent}</p>"
            f"<p><a href='{escape(last)}'>Its last version</a> (published "
            f"{escape(http_datetime(version.since.published))}) and <a href='{escape(timemap_url(iri, base))}"
            f"?format=html'>all its versions</a> are kept. <a href='{escape(base)}/'>Back to the FAIR Data "
            f"Point</a></p></html>")


async def absent(server: Server, build: Build, site: SiteInfo, iri: str, offer: Offer) -> Response:
    """A resource the live build does not have: 410 when an earlier build published it, else 404."""
    def removed() -> Version | None:
        with opened(build.path) as history:
            return history.removed(iri) if history is not None else None

    version = await run_in_threadpool(removed)
    if version is None:
        return server._missing(iri, offer)
    last = memento_url(iri, version.since.id, site.base_iri)
    links = [_link(iri, "original timegate"), _link(timemap_url(iri, site.base_iri), "timemap", type=LINK_FORMAT),
             _link(last, "last memento", datetime=http_datetime(version.since.published))]
    if version.parent:
        links.append(_link(version.parent, "up"))
    headers = {"link": ", ".join(links), "vary": "Accept, Accept-Datetime", **CORS}
    if offer.key == "html":
        return Response(_gone_html(iri, version, site.base_iri), status_code=410,
                        media_type="text/html; charset=utf-8", headers=headers)
    key = offer.key if offer.key in ("ttl", "jsonld", "rdf", "nt") else "ttl"
    import pyoxigraph as ox

    triples = list(ox.parse(_gone_document(iri, version, site.base_iri), format=ox.RdfFormat.N_TRIPLES))
    media = BY_KEY[key].media_type + ("; charset=utf-8" if key != "jsonld" else "")
    return Response(serialise(triples, key, iri), status_code=410, media_type=media, headers=headers)


def router(server: Server) -> APIRouter:
    """The Memento routes (TimeMaps and mementos; the TimeGates are the resources themselves)."""
    routes = APIRouter()

    @routes.api_route(TIMEMAP + "{rel:path}", methods=["GET", "HEAD"], tags=["history"])
    async def timemap_route(request: Request, rel: str) -> Response:
        """A resource's TimeMap (RFC 7089): every version kept, as link format or HTML."""
        return await timemap(server, request, rel)

    @routes.api_route(MEMENTO + "{build_id}/{rel:path}", methods=["GET", "HEAD"], tags=["history"])
    async def memento_route(request: Request, build_id: str, rel: str) -> Response:
        """A resource as build `build_id` published it (RFC 7089 memento), in any format and profile."""
        return await memento(server, request, build_id, rel)

    return routes
