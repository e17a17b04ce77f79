"""Reading a finished page back for the answer check: the text of each block (its inline
elements joined, so a phrase split by <em> is whole again), every attribute value, comment and
script; for a full page's public part, all but its answer (the element marked data-answer and
everything in it)."""

from __future__ import annotations

from html.parser import HTMLParser

ANSWER_MARK = "data-answer"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
INLINE = {"a", "abbr", "b", "cite", "code", "em", "i", "mark", "q", "small", "span", "strong",
          "sub", "sup", "time", "u"}


def page_texts(page: str, outside_answer: bool = False) -> list[str]:
    reader = _PageReader(outside_answer)
    reader.feed(page)
    reader.close()
    return reader.texts


class _PageReader(HTMLParser):
    def __init__(self, outside_answer: bool):
        super().__init__(convert_charrefs=True)
        self.outside_answer = outside_answer
        self.texts: list[str] = []
        self._depth = 0  # open elements
        self._answer_depth: int | None = None  # the depth the answer opened at
        self._block: list[str] = []  # text of the block being read

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in INLINE:
            self._flush()
        if tag not in VOID:
            self._depth += 1
        if self._answer_depth is None and any(name == ANSWER_MARK for name, _ in attrs):
            self._answer_depth = self._depth if tag not in VOID else None
        self._keep(value for _, value in attrs if value)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._keep(value for _, value in attrs if value)

    def handle_endtag(self, tag: str) -> None:
        if tag not in INLINE:
            self._flush()
        if tag in VOID:
            return
        if self._answer_depth is not None and self._depth == self._answer_depth:
            self._answer_depth = None
        self._depth -= 1

    def handle_data(self, data: str) -> None:
        if not (self.outside_answer and self._answer_depth is not None):
            self._block.append(data)

    def handle_comment(self, data: str) -> None:
        self._keep([data])

    def close(self) -> None:
        super().close()
        self._flush()

    def _flush(self) -> None:
        text = " ".join("".join(self._block).split())
        self._block.clear()
        if text:
            self.texts.append(text)

    def _keep(self, texts) -> None:  # noqa: ANN001
        if self.outside_answer and self._answer_depth is not None:
            return
        self.texts += [text for text in texts if text]
