"""The words of DICOM's own code tables for what an image is: modalities, anatomic regions,
views and projections, cardiac views and phases, image derivations, perfusion parameters.

These are the maintained source of the answer check's ordinary image vocabulary (see
vocabulary.py). pydicom ships the tables (the DICOM content mapping resource), but loading
them takes a second, so their words are kept in `dicom_terms.txt`, written by
`make dicom-terms` and compared with pydicom's tables by a test: a pydicom with other tables
fails it, and the file is written again.
"""

from __future__ import annotations

import re
from pathlib import Path

TERMS_FILE = Path(__file__).with_name("dicom_terms.txt")
CONTEXT_GROUPS = {  # CID -> what it names
    4: "anatomic region",
    26: "nuclear medicine projection",
    27: "basic cardiac view",
    29: "acquisition modality",
    33: "modality",
    501: "volumetric view description",
    502: "volumetric view modifier",
    3466: "plane identification",
    3472: "cardiac contraction phase",
    4010: "DX view",
    4011: "DX view modifier",
    4014: "view for mammography",
    4015: "view modifier for mammography",
    4108: "perfusion model parameter",
    4109: "model-independent dynamic contrast analysis parameter",
    7203: "image derivation",
    7260: "diffusion acquisition value type",
    10013: "CT acquisition type",
    10014: "contrast imaging technique",
    12226: "echocardiography image view",
    12233: "cardiac phase",
    12307: "cardiac phase and time point",
}
# Words these tables use that name a condition, not an image or a place ("Patent ductus
# arteriosus", "Cor triatriatum", "Displaced" in a view's name): they stay distinctive.
CONDITIONS = """
anomalous congenital patent fistula arteriovenous baffle conduit graft triatriatum cor
communication communicating closure implant treatment displaced model subject document report
result record audio voice
"""
NOT_ORDINARY = frozenset(CONDITIONS.split())
_WORD = re.compile(r"[^\W_]+")


def terms_from_pydicom() -> list[str]:
    """The words of the context groups' concept names, as pydicom has them (slow: a second)."""
    from pydicom.sr.codedict import Collection

    words: set[str] = set()
    for cid in CONTEXT_GROUPS:
        for code in Collection(f"CID{cid}").concepts.values():
            words.update(_WORD.findall(code.meaning.casefold()))
    return sorted(w for w in words if len(w) > 1 and not w.isdigit() and w not in NOT_ORDINARY)


def terms_file_text(terms: list[str]) -> str:
    groups = ", ".join(f"CID {cid} ({name})" for cid, name in CONTEXT_GROUPS.items())
    header = f"# Written by `make dicom-terms` from pydicom's DICOM code tables: {groups}.\n"
    return header + "\n".join(terms) + "\n"


def dicom_terms() -> frozenset[str]:
    lines = TERMS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


if __name__ == "__main__":
    TERMS_FILE.write_text(terms_file_text(terms_from_pydicom()), encoding="utf-8")
