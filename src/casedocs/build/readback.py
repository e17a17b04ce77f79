"""The read-back check that keeps answers out of unknown parts.

Every finished output is read back, in memory, before it is written: each output's own
`read_back` gives the texts of its public parts (all of an unknown variant; the slides before
the answer of a full deck; nothing of a full handout), and the answer key (answers.py), the
same definition validation uses, judges them. A file that passed validation and rendered
correctly passes here; what a renderer slips in does not.
"""

from __future__ import annotations

from collections.abc import Iterable

from casedocs.document.answers import AnswerKey
from casedocs.document.document import Document
from casedocs.render.output import Output
from casedocs.wording import unknown_wording


def unknown_part_key(documents: Iterable[Document]) -> AnswerKey:
    """The answers of the cases an unknown part shows; their histories and the wording
    casedocs adds are public."""
    return AnswerKey.merged(d.answers for d in documents).allowing(*unknown_wording())


def fields_found(
    output: Output, data: bytes, public_parts: frozenset[str] | None, key: AnswerKey
) -> list[str]:
    """The answer content the public parts of a finished file carry, each as "the diagnosis
    ('words') on slide 3": one per answer field, where it is first found."""
    if public_parts is not None and not public_parts:
        return []
    return key.found_in(output.read_back(data, public_parts))
