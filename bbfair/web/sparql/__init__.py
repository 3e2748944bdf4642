"""The public SPARQL 1.1 endpoint (`/sparql`): read-only, with a time limit that really stops a query, a row
cap, a SERVICE allow-list, a service description, a query page (YASGUI and a plain form) and a cookbook of
saved questions. `router(state)` is what the app mounts."""

from .routes import Endpoint, router

__all__ = ["Endpoint", "router"]
