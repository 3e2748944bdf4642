"""Who may run a SPARQL query now, so that one client cannot take the endpoint from the others.

Two rules, kept on the event loop (no locks: every call comes from it):
- a client (its IP address, as uvicorn reports it behind a trusted proxy) has at most `per_client` queries
  running or waiting for a worker; one more is refused at once (429 + Retry-After);
- a query still running after `[sparql] slow_after` seconds is *long*: at most `slow_cap` long queries run at
  once, and one per client. A query that becomes long past either is stopped (503 + Retry-After). So however
  many runaway queries arrive, `max_running - slow_cap` workers stay free for the quick questions that are most
  of the traffic, and the long ones run at low CPU priority (`pool.py`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


class TooMany(Exception):
    """The client already has its share of queries running or waiting."""


@dataclass
class Ticket:
    """One admitted query; `may_go_slow` is asked when it becomes long."""

    admission: Admission
    client: str
    slow: bool = False

    def may_go_slow(self) -> bool:
        """Whether this query may go on as a long one (and counts as one from now on)."""
        long = self.admission.long
        if sum(long.values()) >= self.admission.slow_cap or long[self.client] >= 1:
            return False
        long[self.client] += 1
        self.slow = True
        return True


class Admission:
    """The per-client and long-query counts of one endpoint."""

    def __init__(self, per_client: int, slow_cap: int) -> None:
        self.per_client = per_client
        self.slow_cap = slow_cap
        self.active: Counter[str] = Counter()
        self.long: Counter[str] = Counter()

    @contextmanager
    def enter(self, client: str) -> Iterator[Ticket]:
        """Admit a query of `client` for the block, or raise TooMany."""
        if self.active[client] >= self.per_client:
            raise TooMany()
        self.active[client] += 1
        ticket = Ticket(self, client)
        try:
            yield ticket
        finally:
            _drop(self.active, client)
            if ticket.slow:
                _drop(self.long, client)


def _drop(counts: Counter[str], client: str) -> None:
    counts[client] -= 1
    if counts[client] <= 0:
        del counts[client]
