"""How much one HTTP request may hold (`[limits]` in bbfair.toml, docs/limits.md), enforced in two places:

- on the connection (`BoundedHttpTools`, uvicorn's httptools protocol with a byte count): a request head that
  keeps growing is cut off once it passes `header_bytes` + `SLACK` bytes — 431 (414 while still in the request
  line) and the connection closed — so a 60 MB header is never read, parsed or kept in memory;
- on each request, before any work (`Bounds`, called first by the app): the exact limits on the header block, the
  number of header fields, the request target, the size and number of entries of `Accept` and
  `Accept-Profile`, and the request body. The answer is a short text that names the limit and never repeats
  what the client sent.

Both are cheap: lengths and comma counts of bytes the server already holds, no parsing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from ..config import Limits

Receive = Callable[[], Awaitable[dict]]
Send = Callable[[dict], Awaitable[None]]

#: bytes the connection guard lets a head grow past `header_bytes` before it cuts the connection (the exact limit
#: is `Bounds`'s; this one only bounds memory, and one read from the socket may hold the end of the previous
#: request too)
SLACK = 64 * 1024
REASONS = {400: "Bad Request", 413: "Content Too Large", 414: "URI Too Long", 431: "Request Header Fields Too Large"}
#: the request headers whose value is a list of entries the server reads (media ranges, profiles)
LISTS = (b"accept", b"accept-profile")
#: methods that never carry a body the app reads
BODILESS = frozenset({"GET", "HEAD", "OPTIONS", "DELETE", "TRACE"})


def refusal_text(status: int, message: str) -> bytes:
    """The body of a refusal: the status, what was too large and the limit; nothing the client sent."""
    return f"{status} {REASONS.get(status, '')}: {message}\n".encode()


def head_refusal(limits: Limits, in_target: bool) -> tuple[int, str]:
    if in_target:
        return 414, f"the request target is longer than {limits.url_bytes} bytes (this server's limit)"
    return 431, f"the request header block is larger than {limits.header_bytes} bytes (this server's limit)"


class Bounds:
    """The per-request limits, checked before any work (`FastPath` calls `admit` first)."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits

    def refusal(self, scope: dict) -> tuple[int, str] | None:
        """(status, message) when the request's target or headers pass a limit, else None."""
        limits = self.limits
        target = len(scope.get("raw_path") or scope["path"].encode()) + len(scope.get("query_string", b""))
        if target > limits.url_bytes:
            return head_refusal(limits, True)
        headers = scope["headers"]
        if len(headers) > limits.header_fields:
            return 431, f"the request has more than {limits.header_fields} header fields (this server's limit)"
        size = target + 16
        for name, value in headers:
            size += len(name) + len(value) + 4
            if name in LISTS:
                if len(value) > limits.accept_bytes:
                    return 431, (f"the {name.decode().title()} header is longer than {limits.accept_bytes} bytes "
                                 "(this server's limit)")
                if value.count(b",") >= limits.accept_ranges:
                    return 431, (f"the {name.decode().title()} header lists more than {limits.accept_ranges} "
                                 "entries (this server's limit)")
        if size > limits.header_bytes:
            return head_refusal(limits, False)
        return None

    async def admit(self, scope: dict, receive: Receive, send: Send) -> Receive | None:
        """The `receive` to hand on (the body already read when its length was not announced), or None when the
        request was refused here (the answer is sent)."""
        found = self.refusal(scope)
        if found is not None:
            await refuse(send, *found)
            return None
        if scope["method"] in BODILESS:
            return receive
        length = next((v for n, v in scope["headers"] if n == b"content-length"), None)
        if length is not None:
            if not length.isdigit():
                await refuse(send, 400, "the Content-Length header is not a number")
                return None
            if int(length) > self.limits.body_bytes:
                await refuse(send, 413, self._too_large())
                return None
            return receive
        return await self._read_whole(receive, send)

    def _too_large(self) -> str:
        return f"the request body is larger than {self.limits.body_bytes} bytes (this server's limit)"

    async def _read_whole(self, receive: Receive, send: Send) -> Receive | None:
        """A body sent without a length (chunked): read up to the limit, then replay it to the app."""
        parts: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return _replay([message], receive)
            size += len(message.get("body", b""))
            if size > self.limits.body_bytes:
                await refuse(send, 413, self._too_large())
                return None
            parts.append(message.get("body", b""))
            if not message.get("more_body", False):
                return _replay([{"type": "http.request", "body": b"".join(parts), "more_body": False}], receive)


def _replay(messages: list[dict], then: Receive) -> Receive:
    """`messages` first, then whatever the connection says next (a disconnect)."""
    queue = list(messages)

    async def receive() -> dict:
        return queue.pop(0) if queue else await then()

    return receive


async def refuse(send: Send, status: int, message: str) -> None:
    body = refusal_text(status, message)
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"), (b"access-control-allow-origin", b"*")]})
    await send({"type": "http.response.body", "body": body})


class BoundedHttpTools(HttpToolsProtocol):
    """uvicorn's httptools protocol that stops reading a request head that passes `limits.header_bytes` +
    `SLACK` bytes: it answers 431 (414 while the request line is still being read) and closes the connection.
    Without it a client can send an endless header and the server keeps every byte."""

    def __init__(self, *args: Any, limits: Limits | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limits = limits or Limits()
        self._head = 0
        self._in_head = True
        self._in_target = True
        self._cut = False

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._head, self._in_head, self._in_target = 0, True, True

    def on_header(self, name: bytes, value: bytes) -> None:
        self._in_target = False
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._in_head = False
        if len(self.url) > self.limits.url_bytes:  # refused here: httptools cannot even split a URL past 64 kB
            self._cut_off(in_target=True)
            return
        super().on_headers_complete()

    def on_body(self, body: bytes) -> None:
        if not self._cut:
            super().on_body(body)

    def on_message_complete(self) -> None:
        if not self._cut:
            super().on_message_complete()

    def data_received(self, data: bytes) -> None:
        if self._cut:
            return
        super().data_received(data)
        if self._in_head and not self._cut and self.transport is not None and not self.transport.is_closing():
            self._head += len(data)
            if self._head > self.limits.header_bytes + SLACK:
                self._cut_off()

    def _cut_off(self, in_target: bool | None = None) -> None:
        self._cut = True
        status, message = head_refusal(self.limits, self._in_target if in_target is None else in_target)
        body = refusal_text(status, message)
        self.transport.write(b"".join([
            f"HTTP/1.1 {status} {REASONS[status]}\r\n".encode(), b"content-type: text/plain; charset=utf-8\r\n",
            f"content-length: {len(body)}\r\n".encode(), b"connection: close\r\n\r\n", body]))
        self.transport.close()


def http_protocol(limits: Limits) -> Callable[..., BoundedHttpTools]:
    """The `http=` protocol factory for uvicorn (picklable, so `--workers N` can hand it to each process)."""
    return partial(BoundedHttpTools, limits=limits)
