"""Which study a figure shows, so figures of one study can sit together and a findings slide
can say what it shows ("Axial CT of the chest", not a third 'Findings').

A figure's study is its DICOM modality code when its file has one; else the code of the
modality words its view names ("CT", "radiograph", "scintigraphy"); else, in a case of one
modality, that modality. Figures whose studies cannot be told apart by these
count as different: two images are shown together only when it is clear they belong together.
"""

from __future__ import annotations

import re

# The words a view may name its modality by, under the modality's DICOM code (CID 29).
MODALITY_WORDS = {
    "CT": "ct cta ctpa cect ncct hrct mdct cbct",
    "MR": "mr mri mrt mra mrv mrcp fmri",
    "US": "us ultrasound ultrasonography sonography sonogram sonographic doppler echo "
          "echocardiogram echocardiography sonographie sonografie",
    "CR": "radiograph radiographs radiography radiographic x-ray xray xr cr dx film films "
          "röntgen röntgenaufnahme",
    "MG": "mammogram mammography mammographic tomosynthesis dbt mammographie",
    "NM": "nm scintigraphy scintigram scintigraphic spect szintigraphie szintigrafie",
    "PT": "pet pet-ct pet/ct",
    "XA": "angiography angiogram angiographic arteriogram arteriography venogram venography dsa "
          "angiographie",
    "RF": "fluoroscopy fluoroscopic esophagram swallow enema cystogram cystourethrogram vcug "
          "urogram urography",
}
MODALITY_PHRASES = {  # names of studies in more than one word
    "bone scan": "NM", "v/q scan": "NM", "ventilation scan": "NM", "perfusion scan": "NM",
    "thyroid scan": "NM", "gallium scan": "NM", "wbc scan": "NM", "hida scan": "NM",
    "x ray": "CR", "plain film": "CR", "knochenszintigra": "NM",
}
_CODE_OF = {word: code for code, words in MODALITY_WORDS.items() for word in words.split()}
_WORD = re.compile(r"[^\W_]+(?:[-/][^\W_]+)*")


def study_of(view: str, dicom_modality: str | None, case_modalities: tuple[str, ...]) -> str:
    """The study's DICOM modality code, equal for figures of the same study; "" when it
    cannot be told (a view naming two modalities, or none in a case of several)."""
    if dicom_modality:
        return "CR" if dicom_modality.upper() == "DX" else dicom_modality.upper()
    lowered = view.lower()
    named = {_CODE_OF[w] for w in (m.lower() for m in _WORD.findall(view)) if w in _CODE_OF}
    named |= {code for phrase, code in MODALITY_PHRASES.items() if phrase in lowered}
    if len(named) == 1:
        return named.pop()
    if not named and len(case_modalities) == 1:
        code = case_modalities[0].upper()
        return "CR" if code == "DX" else code
    return ""


def shared_view(views: list[str]) -> str:
    """What the views of figures shown together have in common, as a title: the view itself
    when they agree; their longest common run of words when it names a study ("Axial CT of the
    chest" of it and "Axial CT of the chest, lower level") of two words or more; else the views
    joined."""
    distinct = list(dict.fromkeys(v.strip() for v in views if v.strip()))
    if len(distinct) <= 1:
        return distinct[0] if distinct else ""
    text = " ".join(_common_run([v.split() for v in distinct])).strip(" ,;:-–")
    if len(text.split()) >= 2:
        return text[:1].upper() + text[1:]
    return " · ".join(distinct)


def _common_run(tokens: list[list[str]]) -> list[str]:
    """The longest run of words (commas ignored at its ends) every list holds."""
    first = [word.rstrip(",;:") for word in tokens[0]]
    others = [[word.rstrip(",;:").lower() for word in words] for words in tokens[1:]]
    best: list[str] = []
    for start in range(len(first)):
        for end in range(len(first), start + len(best), -1):
            run = [word.lower() for word in first[start:end]]
            if all(_contains(words, run) for words in others):
                best = first[start:end]
                break
    return best


def _contains(words: list[str], run: list[str]) -> bool:
    return any(words[i : i + len(run)] == run for i in range(len(words) - len(run) + 1))


def distinguishing_words(views: list[str], others: list[str], limit: int = 3) -> str:
    """The first words of `views` no other view has ("Transverse" of "Transverse ultrasound of
    the right upper quadrant" beside "Longitudinal ultrasound of ..."), at most `limit`."""
    known = {w.lower() for other in others for w in _WORD.findall(other)}
    own = [w for view in views for w in _WORD.findall(view) if w.lower() not in known]
    return " ".join(list(dict.fromkeys(own))[:limit])
