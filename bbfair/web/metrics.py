"""`/metrics` in Prometheus text format (`prometheus-client`): requests by method, route template and status,
their latency, requests in flight; the build served (id, age, resources) and readiness; the SPARQL endpoint's
queue and refusals; and, on a replica, its looks at the artifacts directory.

Each application has its own registry (a process may hold several, as the tests do). With `bbfair serve
--workers N` each worker process counts its own requests and a scrape reaches one of them: on Kubernetes, run
one worker per pod and scale with replicas.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import datetime

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from .. import __version__
from .state import SiteState

#: latency buckets (seconds): a cached resource is answered in well under a millisecond, a SPARQL query may take
#: its whole time limit
BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
METHODS = frozenset({"GET", "HEAD", "POST", "OPTIONS"})
MEDIA_TYPE = CONTENT_TYPE_LATEST
#: the SPARQL pool's (waiting, running), size, refused, killed and dispatched counts
PoolLoad = Callable[[], tuple[tuple[int, int], int, int, int, int]]


class _Live(Collector):
    """What is read at scrape time: the build, readiness, the SPARQL pool, the replica."""

    def __init__(self, state: SiteState, pool: PoolLoad | None) -> None:
        self.state = state
        self.pool = pool

    def collect(self) -> Iterator[Metric]:
        build = self.state.live.loaded
        ready = GaugeMetricFamily("bbfair_ready", "1 when a build is loaded and served (what /ready says)")
        ready.add_metric([], 1.0 if build is not None else 0.0)
        yield ready
        if build is not None:
            info = build.manifest.build
            labels = GaugeMetricFamily("bbfair_build_info", "The build served (value 1)",
                                       labels=["build", "base_iri", "bbfair_version"])
            labels.add_metric([info.id, info.base_iri, __version__], 1.0)
            yield labels
            created = datetime.fromisoformat(info.created).timestamp() if info.created else 0.0
            yield GaugeMetricFamily("bbfair_build_created_timestamp_seconds", "When the build served was made",
                                    value=created)
            yield GaugeMetricFamily("bbfair_build_age_seconds", "Seconds since the build served was made",
                                    value=max(time.time() - created, 0.0))
            yield GaugeMetricFamily("bbfair_build_resources", "Resources in the build served",
                                    value=info.resources)
        if self.pool is not None:
            (waiting, running), size, refused, killed, dispatched = self.pool()
            yield GaugeMetricFamily("bbfair_sparql_queries_waiting", "SPARQL queries waiting for a worker",
                                    value=waiting)
            yield GaugeMetricFamily("bbfair_sparql_queries_running", "SPARQL queries running now", value=running)
            yield GaugeMetricFamily("bbfair_sparql_workers", "SPARQL query workers ([sparql] max_running)",
                                    value=size)
            yield CounterMetricFamily("bbfair_sparql_refused", "SPARQL queries refused (503) because every "
                                      "worker stayed busy", value=refused)
            yield CounterMetricFamily("bbfair_sparql_workers_killed", "SPARQL workers killed (a query over its "
                                      "time limit, or the worker died)", value=killed)
            yield CounterMetricFamily("bbfair_sparql_queries", "SPARQL queries handed to a worker",
                                      value=dispatched)
        replica = self.state.replica
        if replica is not None:
            status = replica.status
            yield CounterMetricFamily("bbfair_replica_checks", "Looks at the artifacts directory's LATEST",
                                      value=status.checks)
            yield CounterMetricFamily("bbfair_replica_switches", "Builds fetched, checked and switched in",
                                      value=status.switches)
            yield CounterMetricFamily("bbfair_replica_refused", "Build files (or LATEST pointers) refused as "
                                      "damaged, half-written or missing", value=status.refused)
            yield GaugeMetricFamily("bbfair_replica_last_check_timestamp_seconds", "When LATEST was last read",
                                    value=status.last_check)
            yield GaugeMetricFamily("bbfair_replica_last_install_seconds", "Seconds the last switch took (fetch, "
                                    "check, unpack)", value=status.last_install_seconds)


class Metrics:
    """One application's metrics: `observe()` per request (cheap: label children are cached), `render()` per
    scrape."""

    def __init__(self, state: SiteState, pool: PoolLoad | None = None) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("bbfair_http_requests", "HTTP requests answered, by method, route template and "
                                "status", ["method", "route", "status"], registry=self.registry)
        self.latency = Histogram("bbfair_http_request_duration_seconds", "Time to answer a request (until its "
                                 "last byte was handed to the server), by method and route template",
                                 ["method", "route"], buckets=BUCKETS, registry=self.registry)
        self.in_flight = Gauge("bbfair_http_requests_in_flight", "Requests being answered now",
                               registry=self.registry)
        self.registry.register(_Live(state, pool))
        self._children: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        key = (method if method in METHODS else "other", route, status)
        found = self._children.get(key)
        if found is None:
            found = (self.requests.labels(key[0], route, str(status)), self.latency.labels(key[0], route))
            self._children[key] = found
        found[0].inc()
        found[1].observe(seconds)

    def render(self) -> bytes:
        return generate_latest(self.registry)
