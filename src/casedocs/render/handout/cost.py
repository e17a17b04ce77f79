"""What a reader would fix in a handout, from what its writer recorded while setting it: on
which page each figure and each first mention of it fell, what each page holds and how much of
it was left empty. No reportlab here; the weights are in render/cost.py.

The rules are the design's (docs: "What the outputs should look like"): a case of up to four
figures fits three pages; a figure sits on the page of its first mention or the next; no page
holds only references or a single bullet; no page but the last is left more than a quarter
empty; no widow or orphan (every paragraph style tells reportlab to avoid them; the writer
records any line of a paragraph a page break leaves alone).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from casedocs.render.cost import Cost, Defect

MAX_PAGES = 3  # for a case of up to ...
MAX_PAGES_FIGURES = 4  # ... this many figures
MAX_EMPTY = 0.25  # of a page but the last
LONE_KINDS = frozenset({"bullet", "caption", "credit"})  # alone on a page: a stray


@dataclass
class PageRecord:
    kinds: list[str] = field(default_factory=list)  # paragraph styles, "figure", "table"
    empty: float = 0.0  # the share of the text frame left empty


@dataclass
class LayoutRecord:
    """Filled in by the writer as it sets each page."""

    pages: list[PageRecord] = field(default_factory=list)
    figure_pages: dict[int, int] = field(default_factory=dict)  # figure number -> page
    mention_pages: dict[int, int] = field(default_factory=dict)  # figure number -> page
    lone_lines: list[int] = field(default_factory=list)  # pages with a widow or an orphan

    def on(self, page: int) -> PageRecord:
        while len(self.pages) < page:
            self.pages.append(PageRecord())
        return self.pages[page - 1]

    def placed(self, kind: str, page: int) -> None:
        self.on(page).kinds.append(kind)

    def figure(self, number: int, page: int) -> None:
        self.figure_pages.setdefault(number, page)
        self.placed("figure", page)

    def lone_line(self, page: int) -> None:
        self.lone_lines.append(page)

    def mention(self, numbers: tuple[int, ...], page: int) -> None:
        for number in numbers:
            self.mention_pages.setdefault(number, page)


def handout_cost(record: LayoutRecord) -> Cost:
    pages = len(record.pages)
    defects = []
    figures = len(record.figure_pages)
    if figures <= MAX_PAGES_FIGURES and pages > MAX_PAGES:
        defects.append(Defect(f"page {pages}", f"{pages} pages for {figures} figures "
                                               f"({MAX_PAGES} at most)"))
    distance = 0
    for number, page in sorted(record.figure_pages.items()):
        mentioned = record.mention_pages.get(number)
        if mentioned is None:
            continue
        distance += max(0, page - mentioned)
        if page - mentioned > 1:
            defects.append(Defect(f"page {page}", f"Fig. {number} {page - mentioned} pages "
                                                  f"after its first mention"))
    for page in record.lone_lines:
        defects.append(Defect(f"page {page}", "a paragraph's line alone on the page "
                                              "(a widow or an orphan)"))
    for number, page in enumerate(record.pages, 1):
        kinds = [kind for kind in page.kinds if kind != "heading"]
        if number > 1 and kinds and set(kinds) == {"reference"}:
            defects.append(Defect(f"page {number}", "a page holding only references"))
        elif number > 1 and len(kinds) == 1 and kinds[0] in LONE_KINDS:
            defects.append(Defect(f"page {number}", f"a page holding only one {kinds[0]}"))
        if number < pages and page.empty > MAX_EMPTY:
            defects.append(Defect(f"page {number}", f"{page.empty:.0%} of the page left empty"))
    return Cost(
        tuple(defects),
        units=pages,
        distance=distance,
        empty=sum(page.empty for page in record.pages[:-1]),
    )
