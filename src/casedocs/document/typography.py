"""Spaces a line must not break at, set once for every output: "Fig. 3" (never "Fig." at a
line's end and "3" on the next), a number and its unit ("4.6 cm"), the sides of a "×"
between numbers ("11 × 4.6 cm"); and page ranges with an en dash ("889–893"). The spaces
become no-break spaces (U+00A0), which PowerPoint, LibreOffice, reportlab and browsers keep
together; the deck's text measurement does too.
"""

from __future__ import annotations

import re

NO_BREAK = "\u00a0"
# Units radiology texts put after a number (SI, clinical chemistry, imaging, dose).
UNITS = """
mm cm m km µm um nm mL ml L l dL dl µL g kg mg µg ug ng pg mmol µmol mol mEq IU U/L U/ml U
% ‰ °C °F K s ms min h hrs d wk Hz kHz MHz T mT Gy cGy mGy Sv mSv µSv Bq kBq MBq GBq mCi µCi
HU kV kVp mA mAs keV MeV cm² mm² m² cm³ mm³ ml/min mL/min mmHg bpm /min mg/dl mg/dL mmol/l
mmol/L g/dl g/dL g/L g/l mg/L mg/l ng/ml ng/mL ng/L pg/ml pg/mL µg/l µg/L kg/m² SUV
mm/s cm/s m/s ml/s mL/s
"""
_UNIT_ALTERNATIVES = "|".join(re.escape(unit) for unit in sorted(UNITS.split(), key=len,
                                                                  reverse=True))
_FIGURE = re.compile(r"\b(Figs?\.|Abb\.)[ \t]+(?=\d)")
_UNIT = re.compile(rf"(?<=\d)[ \t]+(?=(?:{_UNIT_ALTERNATIVES})(?![\w/²³]))")
_TIMES = re.compile(r"(?<=\d)[ \t]*×[ \t]*(?=\d)")
_PAGE_RANGE = re.compile(r"(?<=\d)[ \t]*-[ \t]*(?=\d)")


def tie(text: str) -> str:
    """`text` with no-break spaces where a line must not break."""
    if not any(ch.isdigit() for ch in text):
        return text
    text = _FIGURE.sub(lambda found: found[1] + NO_BREAK, text)
    text = _TIMES.sub(f"{NO_BREAK}×{NO_BREAK}", text)
    return _UNIT.sub(NO_BREAK, text)


def page_range(pages: str) -> str:
    """A page range as it is printed: "889-893" is "889–893" (an en dash)."""
    return _PAGE_RANGE.sub("\u2013", pages)
