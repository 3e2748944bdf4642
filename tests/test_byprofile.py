"""Choosing a publication profile from `Accept-Profile` and `?_profile=` (W3C Content Negotiation by Profile)."""

from __future__ import annotations

import pytest

from bbfair.profiles import by_token
from bbfair.web.byprofile import ALT_IRI, MAX_RANGES, choose_profile, parse_accept_profile

HRI, R8 = by_token("health-ri"), by_token("healthdcat-ap")
OFFERED = (HRI, R8)

TABLE = [  # (Accept-Profile, _profile, chosen token, fallback, alt)
    (None, None, "health-ri", False, False),
    ("", None, "health-ri", False, False),
    (f"<{R8.iri}>", None, "healthdcat-ap", False, False),
    (f"<{HRI.iri}>;q=0.2, <{R8.iri}>;q=0.9", None, "healthdcat-ap", False, False),
    (f"<{HRI.iri}>, <{R8.iri}>", None, "health-ri", False, False),  # equal q: the client's order
    (f"<{R8.iri}>;q=0", None, "health-ri", True, False),  # q=0 refuses: nothing acceptable is offered
    (f"<{R8.iri}>;q=nan, <{HRI.iri}>;q=0.1", None, "health-ri", False, False),  # a bad q refuses its entry
    (f"<{R8.iri}>;q=1e999", None, "health-ri", True, False),
    ("<https://example.org/other>", None, "health-ri", True, False),
    ("healthdcat-ap", None, "healthdcat-ap", False, False),  # a bare token is understood too
    (f'<{R8.iri}>; q="0.5"', None, "health-ri", True, False),
    (f"<{ALT_IRI}>", None, "health-ri", False, True),
    (None, "healthdcat-ap", "healthdcat-ap", False, False),
    (None, R8.iri, "healthdcat-ap", False, False),
    (None, "alt", "health-ri", False, True),
    (None, "nope", "health-ri", True, False),
    (f"<{HRI.iri}>", "healthdcat-ap", "healthdcat-ap", False, False),  # the query string wins
    (None, "nope, healthdcat-ap", "healthdcat-ap", False, False),  # a preference list
    (None, f"<{R8.iri}>", "healthdcat-ap", False, False),
    (f"<{R8.iri.rstrip('/')}>", None, "healthdcat-ap", False, False),  # a trailing slash does not matter
    (None, "http://www.w3.org/ns/dx/conneg/altr", "health-ri", False, True),
    ("<<<>>>,,;;;", None, "health-ri", False, False),
]


@pytest.mark.parametrize(("header", "query", "token", "fallback", "alt"), TABLE)
def test_choose_profile(header, query, token, fallback, alt) -> None:
    chosen = choose_profile(header, query, OFFERED)
    assert (chosen.profile.token, chosen.fallback, chosen.alt) == (token, fallback, alt)


def test_a_huge_header_is_read_in_bounded_time() -> None:
    header = ", ".join(f"<urn:x:{i}>;q=0.5" for i in range(100_000)) + f", <{R8.iri}>"
    assert len(parse_accept_profile(header)) <= MAX_RANGES
    assert choose_profile(header, None, OFFERED).profile == HRI
