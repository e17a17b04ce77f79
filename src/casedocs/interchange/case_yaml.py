"""A case as a case file people go on editing: keys in the case format's order, long text
folded at 96 columns, paragraphs and lists as literal blocks, Unicode as typed."""

from __future__ import annotations

import re

import yaml

from casedocs.source.model import Case

WIDTH = 96
_LIST_LINE = re.compile(r"^(?:[-*+]|\d+[.)]|\|)\s", re.MULTILINE)  # list items, table rows
_SHORT = re.compile(r"[\w][\w .\-/]{0,40}")  # needs no quotes inside [ ]


class _CaseDumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)  # list items indented under their key


def _text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    """Paragraphs folded, lists and tables as typed (folding would join their lines)."""
    if "\n" in text:
        style = "|" if _LIST_LINE.search(text) else ">"
        return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)
    if len(text) > WIDTH - 20:
        return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=">")
    return dumper.represent_scalar("tag:yaml.org,2002:str", text)


def _list(dumper: yaml.SafeDumper, values: list) -> yaml.SequenceNode:
    """Points ([0.4, 0.5]) and short words ([CT, MR]) on one line, as the case format
    writes them."""
    numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)
    words = all(isinstance(v, str) and _SHORT.fullmatch(v) for v in values)
    flow = numbers or (words and sum(len(v) + 2 for v in values) < WIDTH - 20)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", values, flow_style=flow)


_CaseDumper.add_representer(str, _text)
_CaseDumper.add_representer(list, _list)


def dump_case(data: dict, header: str = "") -> str:
    """`data` as a case file, its keys in the order the case format lists them."""
    order = {name: i for i, name in enumerate(Case.model_fields)}
    data = dict(sorted(data.items(), key=lambda item: order.get(item[0], len(order))))
    body = yaml.dump(data, Dumper=_CaseDumper, sort_keys=False, allow_unicode=True,
                     width=WIDTH, default_flow_style=False)
    return header + body
