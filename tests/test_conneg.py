"""Content negotiation against the Accept headers real clients send (issue 5's table)."""

from __future__ import annotations

import pytest

from bbfair.web.conneg import Offer, choose
from bbfair.web.render import OFFERS

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
ASSESSOR = ("text/turtle, application/turtle, application/x-turtle;q=0.8, application/rdf+xml, text/n3;q=0.9, "
            "text/rdf+n3;q=0.9,application/ld+json")

TABLE = [
    ("text/turtle", "ttl"),  # the Health-RI harvester
    (BROWSER, "html"),
    ("text/turtle;q=0.5, application/ld+json;q=0.9", "jsonld"),
    (ASSESSOR, "ttl"),
    ("image/png", None),
    (None, "ttl"),
    ("", "ttl"),
    ("*/*", "ttl"),
    ("text/html, */*", "html"),
    ("application/ld+json", "jsonld"),
    ("application/json", "jsonld"),
    ("application/rdf+xml", "rdf"),
    ("application/n-triples", "nt"),
    ("text/*", "ttl"),
    ("application/*;q=0.5, text/turtle;q=0.1", "jsonld"),
    ("text/turtle;q=0, */*", "jsonld"),  # q=0 refuses a type even when a wildcard allows it
    ("text/html;q=0.1, */*;q=0.8", "ttl"),  # HTML only when the client prefers it
    ("TEXT/Turtle ; Q=0.9", "ttl"),  # media types and parameters are case-insensitive
    ("application/x-turtle", "ttl"),
    ("application/linkset+json", "linkset"),
    ("text/html;level=1;q=0.7, application/ld+json;q=0.71", "jsonld"),
    ("text/turtle;q=abc, application/ld+json;q=0.2", "jsonld"),  # a bad q-value counts as 0
]


@pytest.mark.parametrize(("accept", "expected"), TABLE)
def test_accept_table(accept: str | None, expected: str | None) -> None:
    offer = choose(accept, OFFERS)
    assert (offer.key if offer else None) == expected


def test_no_substring_matching() -> None:
    """`application/ld+json` must not match because it contains `json`; `text/turtlex` is not Turtle."""
    offers = (Offer("ttl", "text/turtle"), Offer("jsonld", "application/ld+json"))
    assert choose("text/turtlex", offers) is None
    assert choose("application/json", offers) is None


def test_ties_follow_server_order() -> None:
    assert choose("application/rdf+xml, text/turtle", OFFERS).key == "ttl"  # type: ignore[union-attr]
    assert choose("application/rdf+xml, application/ld+json", OFFERS).key == "jsonld"  # type: ignore[union-attr]
