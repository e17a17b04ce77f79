"""The starter case `casedocs new` writes, and the JSON Schema editors check case files with.

The starter names every section of the case format with a comment saying what goes there;
what the author must write is a `TODO: ...` placeholder, which validation refuses (see
`model.is_placeholder`) until it is replaced, and its one figure points at where the image goes.
"""

from __future__ import annotations

import json
import textwrap

from casedocs.source.model import MODALITIES, SUBSPECIALTIES, WINDOWS, Case

SCHEMA_FILE = "case.schema.json"  # beside the cases, so the starter's schema line is relative


def schema_text() -> str:
    """The JSON Schema of case files, as `casedocs schema` prints and writes it."""
    return json.dumps(Case.model_json_schema(), indent=2) + "\n"


def figure_file(case_id: str) -> str:
    """Where the starter's figure is looked for, relative to the case file."""
    return f"images/{case_id}/figure-1.png"


def starter_text(case_id: str) -> str:
    """A case file for `case_id` with every section, each commented, and placeholders."""
    subspecialties = textwrap.wrap(", ".join(SUBSPECIALTIES), 56)
    fields = {
        "id": case_id,
        "schema": SCHEMA_FILE,
        "file": figure_file(case_id),
        "modalities": " ".join(MODALITIES),
        "subspecialties": "\n".join(f"{' ' * 41}# {line}" for line in subspecialties).lstrip(),
        "windows": ", ".join(WINDOWS),
    }
    text = STARTER
    for name, value in fields.items():
        text = text.replace("{" + name + "}", value)
    return text


STARTER = """\
# yaml-language-server: $schema={schema}
# A teaching case for casedocs; the format guide: `casedocs docs` prints it.
# Replace every "TODO: ..." with the case's own text: `casedocs validate` refuses the file until
# none is left. Delete the optional parts you do not need; switch a commented line (# key: ...)
# on by removing its "# ". Public parts are shown before the answer (on the unknown slides,
# the worksheet and the quiz), so they must not give the answer away; answer parts are not.

# The id names the output files, which residents see before the answer: lowercase letters,
# digits and hyphens, and no word of the title, diagnosis or differential.
id: {id}
# series: Chest Case     # optional; series + number make the neutral label "Chest Case 7"
# number: 7
title: "TODO: the case's title (answer part)"
authors:                 # name required; degrees and affiliation optional
  - name: "TODO: your name"
    # degrees: MD
    # affiliation: Department of Radiology
# institution: Teaching Hospital      # optional
# copyright: Teaching Hospital 2026   # optional; printed in the handout footer as "© ..."
# published: 2026-01-15               # optional date (YYYY-MM-DD)
keywords:                # answer part: what the library is searched by; optional
  - "TODO: a keyword"

# Finding the case in the teaching-file site; optional and public. One value or a list.
modality: "TODO: the modality"           # {modalities}
anatomy: "TODO: the body part shown"     # free text, never the finding
subspecialty: "TODO: the subspecialty"   {subspecialties}
difficulty: "TODO: 1, 2 or 3"            # 1 (first-year resident) to 3 (fellow)

history: "TODO: age, sex, presentation and the question asked (public)"
# history_names_answer: true   # only when the history names the diagnosis on purpose

figures:                 # in order: Fig. 1, Fig. 2, ...; copy the item for each image
  - id: figure-1         # lowercase letters, digits and hyphens; the text points at it as
                         # @fig-figure-1
    file: {file}   # relative to this file; PNG, JPEG, TIFF or DICOM
    # stack: images/ct-axial/   # instead of file: a series to scroll (a folder of one
    #                           # series' DICOM files, a multi-frame DICOM, numbered images)
    # key: 41              # with stack: the slice in print and the still frame (default: middle)
    # slices: [20, 60]     # with stack: the first and last slice shown (default: all)
    # windows: [soft-tissue, lung]   # with stack: presets the site's viewer switches between
    # strip: 5             # with stack: the handout also prints 5 evenly spaced slices
    caption: "TODO: the view, then what it shows (answer part)"
    view: "TODO: a neutral label for the unknown slide, such as Axial CT (public)"
    alt: "TODO: what the image is, never the finding (public)"
    # notes: Ask for the lines and tubes first.   # speaker notes of its unknown slide (public)
    # credit: Courtesy of ...                      # shown with the caption
    # answer_only: true    # shown with the answer only (an image with marks burned in)
    # Pixel settings, all optional (the Images section of `casedocs docs`):
    # frame: 1             # DICOM multi-frame: which frame, counting from 1
    # window: lung         # DICOM: {windows} or [center, width]
    # crop: [0.10, 0.20, 0.90, 0.85]   # left, top, right, bottom, fractions; every view
    # redact: [[0.0, 0.0, 0.3, 0.06]]  # painted black in every view; fractions of the source
    # annotations:         # drawn on the answer views only; fractions of the cropped image
    #   - arrow: [0.42, 0.55]          # the tip; optional from: [x, y] for the tail
    #   - circle: [0.61, 0.40]
    #     radius: 0.06
    #   - label: a short label
    #     at: [0.70, 0.20]
    # phi_reviewed: true   # a person checked the pixels for burned-in patient data (DICOM)

findings:                # answer part: plain text, or text with the figures it describes
  - figures: [figure-1]
    text: "TODO: what Fig. 1 shows, pointing at it as (@fig-figure-1)"
    # notes: Point at ...   # speaker notes of its slide

diagnosis: "TODO: the diagnosis (answer part)"
differential:            # answer part: a name, or a name and a note
  - "TODO: a diagnosis to consider"
  - name: "TODO: another diagnosis to consider"
    note: "TODO: what tells it apart"
discussion: |            # answer part; paragraphs separated by blank lines; cite as [@key]
  TODO: the discussion, citing its sources as [@key].
teaching_points:         # answer part
  - "TODO: a point to remember"
management: "TODO: what happens next (optional)"
# notes: Ask who has seen one before.   # speaker notes where the answer begins

references:              # cited as [@key]; optional; or a Zotero / EndNote export instead:
# references_file: refs.json            # CSL-JSON; its items join the references
  - id: "TODO: its key, such as smith2019"
    authors:             # "Surname Initials", as printed
      - "TODO: Surname Initials"
    title: "TODO: the article's title"
    journal: "TODO: the journal's abbreviation"
    year: "TODO: the year"
    volume: "TODO: the volume"
    pages: "TODO: first-last page"
    # issue: "5"
    # doi: 10.2214/ajr.149.5.889
    # pmid: "349979"
    # type: book, chapter or web (default article): see `casedocs docs` for their fields

# How it is shown; all optional:
# citation_style: vancouver   # default ama
# language: de                # headings, prompts and labels casedocs adds (default en)
# deck:
#   discussion: slides        # default: at most two slides, the rest in their notes; or notes
# template: department.pptx   # a PowerPoint template (.pptx or .potx)
# layouts:
#   findings: Two Content     # slide role -> the template's layout name
# logo: logo.png              # brands the handout header and the title slide
"""
