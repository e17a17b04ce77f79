"""What a case is about, for finding it among many: modality, anatomy, subspecialty and
difficulty. All of it is public (anatomy is checked like the other public fields)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from casedocs.figures import SourceImage
from casedocs.source.model import Case


@dataclass(frozen=True)
class Metadata:
    modalities: tuple[str, ...] = ()  # DICOM codes, as written or read from DICOM figures
    anatomy: tuple[str, ...] = ()
    subspecialties: tuple[str, ...] = ()
    difficulty: int | None = None  # 1 to 3


def case_metadata(case: Case, sources: Iterable[SourceImage]) -> Metadata:
    """The case's metadata; when it names no modality, the codes of its DICOM figures."""
    modalities = case.modality or [s.modality for s in sources if s.modality]
    return Metadata(
        tuple(dict.fromkeys(modalities)),
        tuple(dict.fromkeys(case.anatomy)),
        tuple(dict.fromkeys(case.subspecialty)),
        case.difficulty,
    )
