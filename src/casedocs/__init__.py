"""casedocs: one radiology teaching case in YAML becomes a PDF handout and an unknown-case deck."""

__version__ = "0.1.0"
