"""The collection finder's shared definitions: which facets a search offers (`facets`), the query a request
asks (`query`) and that query in SPARQL (`sparql`). The build makes the index (`builder.searchrows`,
`builder.searchindex`), the store reads it (`store.searchindex`), the web serves it (`web.search`); all of
them agree on these definitions, which import nothing but the RDF foundations."""
