"""The web tier: serves the live build of a store as a FAIR Data Point, HTML pages and a SPARQL endpoint.

It reads the store and never converts (see DESIGN.md, "Data flow")."""
