"""The build: records → mapping → validation → store, one family at a time in worker processes, publishing
nothing unless every document of every profile is valid (`publish.build`); and the one-shot steps the other
commands share (`pipeline`: convert to a file, validate a directory)."""
