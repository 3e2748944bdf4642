"""What every request handler shares: the live build of the store (re-opened when a new build is switched
in), the serving settings and the template environment. One `SiteState` per server process."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import jinja2

from .. import __version__
from ..config import Limits, Sparql
from ..store.live import LiveStore
from ..store.local import Build, LocalStore
from ..store.replica import Replica


@dataclass
class ServeSettings:
    """How the server runs: which store it serves and the SPARQL endpoint's limits."""

    store: Path
    sparql: Sparql = field(default_factory=Sparql)
    #: what one request may hold (header block, target, Accept, body)
    limits: Limits = field(default_factory=Limits)
    #: seconds a switched-out build stays open for requests that were already using it
    grace: float = 60.0
    #: resources per page of `/dump` (a page of 1000 collections is ~10 MB of Turtle; harvesters stop at 50 MB)
    dump_page_size: int = 1000
    #: an artifacts directory to follow (`store.replica`): `store` is then this replica's local cache
    artifacts: Path | None = None
    #: seconds between looks at the artifacts directory's LATEST
    poll: float = 5.0
    #: log JSON lines, and one per request (`web.ops`)
    log_json: bool = False


class SiteState:
    """The live store and the shared, read-only helpers of one server process."""

    def __init__(self, settings: ServeSettings) -> None:
        self.settings = settings
        self.store = LocalStore.open(settings.store, create=settings.artifacts is not None)
        self.live = LiveStore(self.store, grace=settings.grace)
        self.version = __version__
        self.replica = Replica(settings.artifacts, self.store, settings.poll) if settings.artifacts else None

    def start(self) -> None:
        """Start following the artifacts directory, when serving one (the server listens meanwhile: `/ready`
        says 503 until the first build is in)."""
        if self.replica is not None:
            self.replica.follow()

    def build(self) -> Build:
        """The live build (one `stat` per call; a new build is opened when it was switched in)."""
        return self.live.current()

    @cached_property
    def templates(self) -> jinja2.Environment:
        """Jinja2 templates of `bbfair/web/templates/`, autoescaped (text from records is never trusted)."""
        return jinja2.Environment(loader=jinja2.PackageLoader("bbfair.web", "templates"),
                                  autoescape=True, trim_blocks=True, lstrip_blocks=True)

    def close(self) -> None:
        if self.replica is not None:
            self.replica.stop()
        self.live.close()
