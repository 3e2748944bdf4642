"""Bounded requests (`bbfair.web.limits`, `[limits]` in bbfair.toml) on a real server: an endless header, too
many header fields, a long target, an Accept with thousands of ranges, a large body — each answered at once
with a short 431 / 414 / 413 that never repeats the request; and q-values judged the same on every route."""

from __future__ import annotations

import contextlib
import socket
import time

import httpx
import pytest

from bbfair.config import Limits
from bbfair.web.limits import Bounds

SECRET = "zzsecretzz"


def raw(url: str, request: bytes, timeout: float = 10.0) -> tuple[bytes, float]:
    """Send `request` bytes (as much as the server reads) and return the response head and body."""
    host, port = url.removeprefix("http://").split(":")
    started = time.monotonic()
    with socket.create_connection((host, int(port)), timeout=timeout) as sock:
        with contextlib.suppress(OSError):  # the server cut the connection mid-send: its answer is still there
            sock.sendall(request)
        data = b""
        try:
            while chunk := sock.recv(65536):
                data += chunk
        except OSError:
            pass
    return data, time.monotonic() - started


def status_of(response: bytes) -> int:
    return int(response.split(b" ", 2)[1])


def test_an_endless_header_is_cut_off_without_being_read(live_sample) -> None:
    big = b"X-Big: " + SECRET.encode() + b"a" * (20 * 2**20) + b"\r\n"
    response, seconds = raw(live_sample.url, b"GET / HTTP/1.1\r\nHost: x\r\n" + big + b"\r\n")
    assert status_of(response) == 431 and seconds < 5
    assert b"16384 bytes" in response and SECRET.encode() not in response and len(response) < 400


def test_too_many_header_fields_and_a_large_header_block(live_sample) -> None:
    many = b"".join(b"X-%d: a\r\n" % i for i in range(500))
    response, _ = raw(live_sample.url, b"GET / HTTP/1.1\r\nHost: x\r\n" + many + b"\r\n")
    assert status_of(response) == 431 and b"100 header fields" in response
    block = b"".join(b"X-%d: %s\r\n" % (i, b"b" * 1000) for i in range(20))  # 20 kB in 22 fields
    response, _ = raw(live_sample.url, b"GET / HTTP/1.1\r\nHost: x\r\n" + block + b"\r\n")
    assert status_of(response) == 431 and b"header block" in response


@pytest.mark.parametrize("length", [9000, 100_000])
def test_a_long_target_is_414(live_sample, length: int) -> None:
    response, _ = raw(live_sample.url, b"GET /" + SECRET.encode() + b"a" * length + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    assert status_of(response) == 414 and SECRET.encode() not in response and len(response) < 400


def test_accept_with_thousands_of_ranges_is_refused_before_any_work(live_sample) -> None:
    accept = ",".join(f"text/{SECRET}{i};q=0.{i % 9}" for i in range(10_000))
    for path, params in (("/sparql", {"query": "ASK {}"}), ("/", {})):
        response = live_sample.get(path, params=params, headers={"accept": accept})
        assert response.status_code == 431 and SECRET not in response.text and len(response.content) < 300
    profiles = ",".join(f"<urn:{SECRET}:{i}>" for i in range(100))
    response = live_sample.get("/", headers={"accept-profile": profiles})
    assert response.status_code == 431 and "Accept-Profile" in response.text and SECRET not in response.text


def test_a_slow_accept_cannot_freeze_other_requests(live_sample) -> None:
    """The largest Accept the guard lets through is parsed in bounded time: other requests keep their pace."""
    accept = ",".join(f"text/x{i};q=0.5" for i in range(63))
    started = time.perf_counter()
    for _ in range(20):
        assert live_sample.get("/", headers={"accept": accept + f",x/{time.time_ns()}"}).status_code == 406
    assert (time.perf_counter() - started) / 20 < 0.5


def test_a_large_body_is_413_whether_announced_or_chunked(live_sample) -> None:
    body = b"query=" + b"a" * (2 * 2**20)
    announced = httpx.post(live_sample.url + "/sparql", content=body, timeout=30,
                           headers={"content-type": "application/x-www-form-urlencoded"})
    assert announced.status_code == 413 and len(announced.content) < 300

    def chunks():
        for _ in range(40):
            yield b"a" * 65536

    chunked = httpx.post(live_sample.url + "/sparql", content=chunks(), timeout=30,
                         headers={"content-type": "application/sparql-query"})
    assert chunked.status_code == 413
    small = httpx.post(live_sample.url + "/sparql", content=(c for c in [b"ASK ", b"{}"]), timeout=30,
                       headers={"content-type": "application/sparql-query", "accept": "application/json"})
    assert small.status_code == 200 and small.json()["boolean"] is True


@pytest.mark.parametrize("q", ["1e999", "nan", "-0", "1.0001", "0.5x", "inf", "0.1234"])
def test_q_values_are_judged_the_same_on_every_route(live_sample, q: str) -> None:
    """RFC 9110: a q-value that is not `0[.ddd]` or `1[.000]` refuses its range, on / and on /sparql alike."""
    accept = f"text/html;q={q}, application/ld+json;q=0.5"
    page = live_sample.get("/", headers={"accept": accept})
    query = live_sample.get("/sparql", params={"query": "CONSTRUCT WHERE { ?s a dcat:Catalog } LIMIT 1"},
                            headers={"accept": accept})
    assert page.headers["content-type"].startswith("application/ld+json")
    assert query.headers["content-type"].startswith("application/ld+json")


def test_bounds_in_process() -> None:
    limits = Limits(url_bytes=256, accept_ranges=4)
    bounds = Bounds(limits)
    scope = {"path": "/", "raw_path": b"/", "query_string": b"", "headers": [(b"accept", b"a/b,c/d,e/f")]}
    assert bounds.refusal(scope) is None
    assert bounds.refusal({**scope, "headers": [(b"accept", b"a/b,c/d,e/f,g/h,i/j")]})[0] == 431
    assert bounds.refusal({**scope, "query_string": b"x" * 300})[0] == 414


def test_limits_come_from_bbfair_toml(sample_copy) -> None:
    from bbfair.config import load_config
    from bbfair.errors import ConfigError
    from bbfair.web.serve import plan_from_data

    toml = sample_copy / "bbfair.toml"
    toml.write_text(toml.read_text() + "\n[limits]\nheader_bytes = 32768\n\n[sparql]\nper_client = 4\n")
    plan = plan_from_data(sample_copy, None, "127.0.0.1", 8000, None)
    assert plan.limits.header_bytes == 32768 and plan.settings().limits.url_bytes == 8192
    assert plan.sparql.per_client == 4 and plan.sparql.slow_cap == 2
    toml.write_text(toml.read_text() + "\n[limits.extra]\n")
    with pytest.raises(ConfigError, match=r"limits\.extra"):
        load_config(sample_copy)
