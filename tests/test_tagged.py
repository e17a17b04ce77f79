"""One walk over styled spans, three tag vocabularies (handout, site, MIRC export)."""

from __future__ import annotations

from casedocs.document.inline import Span
from casedocs.interchange.mirc_export import XHTML_TAGS
from casedocs.render.handout.pdf import markup
from casedocs.render.site.html import spans_markup

SPANS = (Span("a<b & "), Span("x", bold=True, italic=True), Span("\n"),
         Span("2", superscript=True), Span("n", subscript=True, href="https://e.org/?a=1&b=\"2\""),
         Span("js", href="javascript:alert(1)"))


def test_each_vocabulary_escapes_text_nests_tags_alike_and_keeps_its_links() -> None:
    from casedocs.document.tagged import tagged

    assert tagged(SPANS, XHTML_TAGS) == (
        'a&lt;b &amp; <i><b>x</b></i><br/><sup>2</sup>'
        '<a href=\'https://e.org/?a=1&amp;b="2"\'><sub>n</sub></a>js')
    assert str(spans_markup(SPANS)) == (
        'a&lt;b &amp; <em><strong>x</strong></em><br><sup>2</sup>'
        '<a href="https://e.org/?a=1&amp;b=&#34;2&#34;"><sub>n</sub></a>js')
    assert markup(SPANS).startswith("a&lt;b &amp; <i><b>x</b></i><br/><super>2</super><a href=")
    assert markup(SPANS).endswith("</a>js")
