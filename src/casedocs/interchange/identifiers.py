"""The patient's identifiers a document carries, searched for in everything it imports.

MIRC keeps the patient in a `patient` block, and its DICOM service titles the drafts it makes
"PatientID: PatientName" from the images' headers; authors paste names, record numbers and
birth dates into captions and labels. What the patient block and the headers of the document's
own DICOM images say (names, ids, birth dates) is looked for in every imported text, as the
ways it is written (Smith^John, John Smith, SMITH, JOHN; 1961-03-04, 04.03.1961, March 4,
1961), and removed. A family name alone is not looked for: "Smith" is also an author of a
reference and the eponym of a fracture.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from lxml import etree

REMOVED = "[removed]"
MIN_ID_LENGTH = 4  # shorter ids ("12") are numbers any text holds
MIN_NAME_PART = 2
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
DICOM_NAMES = ("PatientName", "OtherPatientNames", "PatientBirthName",
               "PatientMotherBirthName")
DICOM_IDS = ("PatientID", "OtherPatientIDs", "AccessionNumber", "IssuerOfPatientID",
             "MedicalRecordLocator")
BLOCK_NAMES = ("pt-name",)
BLOCK_IDS = ("pt-id", "pt-mrn")
BLOCK_DATES = ("pt-birthdate", "pt-birth-date", "pt-dob")


@dataclass
class Identifiers:
    names: set[tuple[str, str]] = field(default_factory=set)  # (family, given)
    ids: set[str] = field(default_factory=set)
    birth_dates: set[date] = field(default_factory=set)

    def add_name(self, written: str) -> None:
        parts = _name_parts(written)
        if parts:
            self.names.add(parts)

    def add_id(self, written: str) -> None:
        written = written.strip()
        if len(written) >= MIN_ID_LENGTH:
            self.ids.add(written)

    def add_date(self, written: str) -> None:
        digits = re.sub(r"\D", "", written)
        if len(digits) == 8:
            with contextlib.suppress(ValueError):  # not a date after all
                self.birth_dates.add(date(int(digits[:4]), int(digits[4:6]), int(digits[6:])))

    def pattern(self) -> re.Pattern | None:
        """Every way the identifiers are written, longest first, as one expression."""
        forms = {form for family, given in self.names for form in _name_forms(family, given)}
        forms |= {re.escape(i) for i in self.ids}
        forms |= {form for day in self.birth_dates for form in _date_forms(day)}
        if not forms:
            return None
        alternatives = "|".join(sorted(forms, key=len, reverse=True))
        return re.compile(rf"(?<![\w]){'(?:' + alternatives + ')'}(?![\w])", re.IGNORECASE)


def from_patient_block(root: etree._Element) -> Identifiers:
    """What a MIRCdocument's `patient` elements say of the patient (read before they are
    dropped, and only to be searched for)."""
    found = Identifiers()
    for element in root.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        text = "".join(element.itertext()).strip()
        if not text:
            continue
        local = etree.QName(tag).localname if tag else ""
        if local in BLOCK_NAMES:
            found.add_name(text)
        elif local in BLOCK_IDS:
            found.add_id(text)
        elif local in BLOCK_DATES:
            found.add_date(text)
    return found


def from_dicom_headers(paths: Iterable[Path], found: Identifiers) -> None:
    """What the document's own DICOM files say of the patient, added to `found`."""
    import pydicom

    for path in paths:
        try:
            header = pydicom.dcmread(path, stop_before_pixels=True)
        except Exception:  # noqa: BLE001, S112 - a file that does not read holds nothing to find
            continue
        for keyword, add in ((DICOM_NAMES, found.add_name), (DICOM_IDS, found.add_id)):
            for name in keyword:
                for value in _values(header.get(name)):
                    add(value)
        for value in _values(header.get("PatientBirthDate")):
            found.add_date(value)


def remove_identifiers(data: object, pattern: re.Pattern | None, path: tuple = ()
                       ) -> tuple[object, list[tuple]]:
    """`data` (the case being imported) with every identifier replaced by [removed], and the
    places where one was. Files are paths we chose, never searched."""
    if pattern is None:
        return data, []
    if isinstance(data, dict):
        places: list[tuple] = []
        result = {}
        for key, value in data.items():
            result[key], found = (value, []) if key == "file" else remove_identifiers(
                value, pattern, (*path, key))
            places += found
        return result, places
    if isinstance(data, list):
        results = [remove_identifiers(value, pattern, (*path, i)) for i, value in enumerate(data)]
        return [r for r, _ in results], [p for _, found in results for p in found]
    if isinstance(data, str) and pattern.search(data):
        return pattern.sub(REMOVED, data), [path]
    return data, []


def _values(value: object) -> list[str]:
    if value is None:
        return []
    values = value if isinstance(value, list | tuple) or type(value).__name__ == "MultiValue" \
        else [value]
    return [str(v) for v in values if str(v).strip()]


def _name_parts(written: str) -> tuple[str, str] | None:
    """(family, given) from "Smith^John", "SMITH, JOHN" or "John Smith"."""
    written = written.strip()
    if "^" in written:
        family, _, rest = written.partition("^")
        given = rest.split("^")[0]
    elif "," in written:
        family, _, given = written.partition(",")
    else:
        words = written.split()
        if len(words) < 2:
            return None
        given, family = " ".join(words[:-1]), words[-1]
    family, given = family.strip(), given.strip()
    if len(family) < MIN_NAME_PART or len(given) < MIN_NAME_PART:
        return None
    return family, given


_TITLES = r"(?:mr|mrs|ms|miss|mx|dr|prof|herr|frau|hr|fr|sr|sra|mme|mlle|m)\.?"


def _name_forms(family: str, given: str) -> set[str]:
    f, g = _flexible(family), _flexible(given)
    return {rf"{g}\s+{f}", rf"{f}\s+{g}", rf"{f}\s*,\s*{g}", rf"{f}\s*\^\s*{g}",
            rf"{_TITLES}\s+{f}"}  # "Ms. Nguyen is a 31-year-old woman"


def _flexible(words: str) -> str:
    return r"\s+".join(re.escape(word) for word in words.split())


def _date_forms(day: date) -> set[str]:
    month = _MONTHS[day.month - 1]
    d, m, y = day.day, day.month, day.year
    written = {
        f"{y}-{m:02d}-{d:02d}", f"{y}{m:02d}{d:02d}", f"{m:02d}/{d:02d}/{y}", f"{m}/{d}/{y}",
        f"{d:02d}/{m:02d}/{y}", f"{d}/{m}/{y}", f"{d:02d}.{m:02d}.{y}", f"{d}.{m}.{y}",
        f"{month} {d}, {y}", f"{d} {month} {y}", f"{month[:3]} {d}, {y}", f"{d} {month[:3]} {y}",
        f"{y}/{m:02d}/{d:02d}",
    }
    return {re.escape(form).replace(r"\ ", r"\s+") for form in written}
