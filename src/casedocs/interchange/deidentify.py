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
    "FrameComments",
)
RELINKED = ("StudyInstanceUID", "SeriesInstanceUID", "SOPInstanceUID", "FrameOfReferenceUID")


def deidentified_copy(source: Path, target: Path) -> None:
    dataset = pydicom.dcmread(source)
    dataset.remove_private_tags()
    for keyword in REMOVED:
        if keyword in dataset:
            delattr(dataset, keyword)
    for keyword in RELINKED:
        if keyword in dataset:
            setattr(dataset, keyword, generate_uid())
    if "SOPInstanceUID" in dataset and hasattr(dataset, "file_meta"):
        dataset.file_meta.MediaStorageSOPInstanceUID = dataset.SOPInstanceUID
    dataset.PatientIdentityRemoved = "YES"
    dataset.DeidentificationMethod = "casedocs import: PS3.15 basic profile, in part"
    dataset.save_as(target, enforce_file_format=False)
