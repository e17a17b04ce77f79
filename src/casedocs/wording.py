"""Words casedocs itself puts before the answer, in one place so they can be translated.

The answer check counts them as public: generated wording is never an answer.
"""

from __future__ import annotations

UNKNOWN_PROMPTS = (
    "Describe the findings.",
    "What is your differential diagnosis?",
    "What is the most likely diagnosis, and what would you do next?",
)
PROMPT_TITLE = "Your interpretation"
HISTORY = "History"
IMAGES = "Images"
WORKSHEET_TITLE = "Unknown case worksheet"
WORKSHEET_NAME = "Name: "
WORKSHEET_PROMPTS = ("Findings", "Differential diagnosis", "Most likely diagnosis")
TITLE_NOTES = "{label}: unknown case. Read the history aloud, then show the images without comment."
HISTORY_NOTES = "Read the history. Ask what the clinical question is."
FIGURE_NOTES = "{view}. Ask: what do you see? Describe the abnormality before naming it."
PROMPT_NOTES = (
    "Give the audience time. Ask for the findings first, then a differential, then a single "
    "best diagnosis."
)

UNKNOWN_WORDING = (
    *UNKNOWN_PROMPTS,
    PROMPT_TITLE,
    HISTORY,
    IMAGES,
    WORKSHEET_TITLE,
    WORKSHEET_NAME,
    *WORKSHEET_PROMPTS,
    TITLE_NOTES,
    HISTORY_NOTES,
    FIGURE_NOTES,
    PROMPT_NOTES,
)
