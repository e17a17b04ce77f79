"""Styled spans as tagged text: the one walk that the handout (reportlab's markup), the site
(HTML) and the MIRC export (XHTML) share, each with its own tag names, escaping and links."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from casedocs.document.inline import Span

SAFE_SCHEMES = ("https://", "http://", "mailto:")  # links any output may carry


@dataclass(frozen=True)
class Tagging:
    bold: str
    italic: str
    superscript: str
    subscript: str
    line_break: str
    escape: Callable[[str], str]  # user text is always escaped, never interpreted
    link: Callable[[str, str], str]  # (href, the tagged text) -> the link


def tagged(spans: Iterable[Span], tagging: Tagging) -> str:
    parts = []
    for span in spans:
        if span.text == "\n":
            parts.append(tagging.line_break)
            continue
        text = tagging.escape(span.text)
        for wanted, tag in ((span.bold, tagging.bold), (span.italic, tagging.italic),
                            (span.superscript, tagging.superscript),
                            (span.subscript, tagging.subscript)):
            if wanted:
                text = f"<{tag}>{text}</{tag}>"
        safe = span.href and span.href.lower().startswith(SAFE_SCHEMES)
        parts.append(tagging.link(span.href, text) if safe else text)
    return "".join(parts)
