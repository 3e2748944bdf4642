"""The published store: on-disk Oxigraph builds switched atomically (`local`), or a remote SPARQL 1.1 server
(`remote`); per-resource documents as validated (`documents`); what a build remembers (`manifest`)."""
