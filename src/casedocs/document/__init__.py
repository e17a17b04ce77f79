"""The document layer: inline text, citations, numbering done once, and what is answer and
what is public. Renderers read documents; they never count or decide what is an answer."""
