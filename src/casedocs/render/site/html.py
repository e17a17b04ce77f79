"""Jinja2 for the site: one environment, autoescaping everything, and the filters that turn
document text (spans) and annotation marks into markup without pasting strings."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from casedocs.document.document import Spans
from casedocs.document.tagged import Tagging, tagged
from casedocs.figures.annotations import ArrowMark, CircleMark, Mark

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["spans"] = spans_markup
    env.filters["points"] = _points
    env.globals["is_arrow"] = lambda mark: isinstance(mark, ArrowMark)
    env.globals["is_circle"] = lambda mark: isinstance(mark, CircleMark)
    return env


def render_template(name: str, **context: object) -> bytes:
    return environment().get_template(name).render(**context).encode("utf-8")


HTML_TAGS = Tagging("strong", "em", "sup", "sub", "<br>", lambda t: str(Markup.escape(t)),
                    lambda href, text: f'<a href="{Markup.escape(href)}">{text}</a>')


def spans_markup(spans: Spans) -> Markup:
    """Styled text as HTML; every text escaped, links kept only to the web or mail."""
    return Markup(tagged(spans, HTML_TAGS))  # safe: tagged() escaped every text


def _points(mark: Mark) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in mark.outline)  # type: ignore[union-attr]
