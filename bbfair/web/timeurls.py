"""The addresses of a resource's past (docs/history.md), in one place: its TimeMap and mementos (RFC 7089), the
DCAT-AP Feed and its activities, and the `Link` header every resource answers with.

Every resource is its own TimeGate (RFC 7089 pattern 1.1: `Accept-Datetime` on the resource's own address is
answered with a redirect to the memento), so a client needs nothing but the address it already has.
"""

from __future__ import annotations

from datetime import datetime
from email.utils import format_datetime

from ..rdf.streams import FEED_PATH

#: path prefixes of the history routes, below the base IRI
TIMEMAP = "/timemap/"
MEMENTO = "/memento/"
FEED = FEED_PATH
LINK_FORMAT = "application/link-format"


def relative(iri: str, base: str) -> str | None:
    """`iri`'s path below the base IRI (`dataset/x`; the root: ``), or None when it is not below it."""
    return iri[len(base) + 1:] if iri.startswith(base + "/") else None


def timemap_url(iri: str, base: str) -> str:
    return f"{base}{TIMEMAP}{relative(iri, base) or ''}"


def memento_url(iri: str, build_id: str, base: str) -> str:
    return f"{base}{MEMENTO}{build_id}/{relative(iri, base) or ''}"


def feed_url(base: str) -> str:
    """The DCAT-AP Feed's root page (its `tree:view`)."""
    return base + FEED


def stream_iri(base: str) -> str:
    """The feed's `ldes:EventStream`."""
    return f"{base}{FEED}#stream"


def feed_page_url(build_id: str, base: str, page: int = 1) -> str:
    url = f"{base}{FEED}/{build_id}"
    return url if page == 1 else f"{url}?page={page}"


def activity_iri(iri: str, build_id: str, base: str) -> str:
    """The activity in which build `build_id` changed `iri`: dereferenceable, immutable."""
    return f"{base}{FEED}/{build_id}/{relative(iri, base) or ''}"


def http_datetime(iso: str) -> str:
    """An ISO 8601 time as RFC 1123 (`Memento-Datetime`, `datetime=` of a TimeMap link)."""
    return format_datetime(datetime.fromisoformat(iso), usegmt=True)


def resource_links(iri: str, base: str) -> str:
    """The Memento part of a live resource's `Link` header: it is the original and its own TimeGate."""
    return (f'<{iri}>; rel="original timegate", '
            f'<{timemap_url(iri, base)}>; rel="timemap"; type="{LINK_FORMAT}"')
