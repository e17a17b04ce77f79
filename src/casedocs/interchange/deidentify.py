"""A DICOM file copied without what identifies the patient.

Outputs never carry DICOM headers, but an imported case's folder is kept and shared (in git,
on a department drive), so its DICOM copies lose what the DICOM basic confidentiality profile
(PS3.15 Annex E) removes: names, IDs, dates, institutions, free-text descriptions, private
tags and the UIDs that link a file to its study. Pixels, and what displays them, stay.
"""

from __future__ import annotations

from pathlib import Path

import pydicom
from pydicom.uid import generate_uid

REMOVED = (
    "PatientName", "PatientID", "IssuerOfPatientID", "PatientBirthDate", "PatientBirthTime",
    "PatientSex", "PatientAge", "PatientSize", "PatientWeight", "PatientAddress",
    "PatientTelephoneNumbers", "PatientMotherBirthName", "OtherPatientIDs",
    "OtherPatientNames", "OtherPatientIDsSequence", "PatientComments", "EthnicGroup",
    "MedicalRecordLocator", "MilitaryRank", "Occupation", "AdditionalPatientHistory",
    "AccessionNumber", "StudyID", "StudyDate", "SeriesDate", "AcquisitionDate", "ContentDate",
    "StudyTime", "SeriesTime", "AcquisitionTime", "ContentTime", "AcquisitionDateTime",
    "InstitutionName", "InstitutionAddress", "InstitutionalDepartmentName",
    "ReferringPhysicianName", "ReferringPhysicianAddress", "PerformingPhysicianName",
    "NameOfPhysiciansReadingStudy", "PhysiciansOfRecord", "OperatorsName",
    "RequestingPhysician", "StationName", "DeviceSerialNumber", "StudyDescription",
    "SeriesDescription", "ImageComments", "RequestAttributesSequence", "ProtocolName",
    "PerformedProcedureStepDescription", "ScheduledProcedureStepDescription",
    "RequestedProcedureDescription", "AdmittingDiagnosesDescription", "DerivationDescription",
    "FrameComments", "PatientBirthName", "ResponsiblePerson", "ResponsibleOrganization",
    "CountryOfResidence", "RegionOfResidence", "RequestingService", "ReferencedPatientSequence",
    "PerformedProcedureStepID", "PerformedProcedureStepStartDate", "InstanceCreationDate",
    "InstanceCreatorUID", "PatientInsurancePlanCodeSequence", "PatientReligiousPreference",
    "BranchOfService", "MedicalAlerts", "Allergies", "PregnancyStatus", "SmokingStatus",
)
NAMES_AND_DATES = {"PN", "DA", "DT", "TM"}  # anywhere in the file, sequences included
RELINKED = ("StudyInstanceUID", "SeriesInstanceUID", "SOPInstanceUID", "FrameOfReferenceUID")


def deidentified_copy(source: Path, target: Path) -> None:
    dataset = pydicom.dcmread(source)
    dataset.remove_private_tags()
    for keyword in REMOVED:
        if keyword in dataset:
            delattr(dataset, keyword)
    dataset.walk(_drop_names_and_dates)
    for keyword in RELINKED:
        if keyword in dataset:
            setattr(dataset, keyword, generate_uid())
    if "SOPInstanceUID" in dataset and hasattr(dataset, "file_meta"):
        dataset.file_meta.MediaStorageSOPInstanceUID = dataset.SOPInstanceUID
    dataset.PatientIdentityRemoved = "YES"
    dataset.DeidentificationMethod = "casedocs import: PS3.15 basic profile, in part"
    dataset.save_as(target, enforce_file_format=False)


def _drop_names_and_dates(dataset: pydicom.Dataset, element: pydicom.DataElement) -> None:
    if element.VR in NAMES_AND_DATES:
        del dataset[element.tag]


def is_readable_dicom(path: Path) -> bool:
    try:
        pydicom.dcmread(path, stop_before_pixels=True)
    except Exception:  # noqa: BLE001 - pydicom raises many kinds for a file that is not DICOM
        return False
    return True


# -- raster images -----------------------------------------------------------------------------

# JPEG segments kept: JFIF (APP0), ICC profile (APP2), Adobe colour transform (APP14). EXIF and
# XMP (APP1), IPTC (APP13), comments and the other application segments can name the patient.
_JPEG_KEPT = {0xE0, 0xE2, 0xEE}
_PNG_TEXT = {b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"tIME"}


def stripped_copy(source: Path, target: Path) -> None:
    """A PNG or JPEG copied without its text and metadata, pixels untouched (no re-encoding);
    a TIFF saved again without its tags; other files copied as they are."""
    data = source.read_bytes()
    if data.startswith(b"\xff\xd8"):
        data = _jpeg_without_metadata(data)
    elif data.startswith(b"\x89PNG\r\n\x1a\n"):
        data = _png_without_text(data)
    elif data[:4] in (b"II*\x00", b"MM\x00*"):
        from PIL import Image

        with Image.open(source) as image:
            image.save(target, format="TIFF")
        return
    target.write_bytes(data)


def _jpeg_without_metadata(data: bytes) -> bytes:
    kept, position = [data[:2]], 2
    while position + 4 <= len(data) and data[position] == 0xFF:
        marker = data[position + 1]
        if marker == 0xDA:  # start of scan: the rest is image data
            break
        length = int.from_bytes(data[position + 2:position + 4], "big")
        segment = data[position:position + 2 + length]
        if not (0xE0 <= marker <= 0xEF or marker == 0xFE) or marker in _JPEG_KEPT:
            kept.append(segment)
        position += 2 + length
    kept.append(data[position:])
    return b"".join(kept)


def _png_without_text(data: bytes) -> bytes:
    kept, position = [data[:8]], 8
    while position + 12 <= len(data):
        length = int.from_bytes(data[position:position + 4], "big")
        chunk = data[position:position + 12 + length]
        if data[position + 4:position + 8] not in _PNG_TEXT:
            kept.append(chunk)
        position += 12 + length
    kept.append(data[position:])
    return b"".join(kept)
