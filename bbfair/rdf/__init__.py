"""RDF foundations every step stands on: namespaces and prefixes, N-Triples text, content hashes, RDF files, and
the vocabularies and shapes bbfair ships (located in the installed package or the checkout)."""
