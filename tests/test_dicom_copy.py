"""A DICOM copy is written anew from what displays it (figures/dicom_copy.py), measured against
the confidentiality profile's aim (PS3.15 Annex E): a canary in every text attribute pydicom's
data dictionary knows, at the top level and inside every sequence, in private tags, the
preamble, the file meta and the trailing padding, and none in the copy; the pixels unchanged."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pydicom
import pytest
from pydicom import config
from pydicom.data import get_testdata_file
from pydicom.datadict import DicomDictionary, RepeatersDictionary
from pydicom.dataelem import DataElement
from pydicom.dataset import Dataset
from pydicom.sequence import Sequence

from casedocs.figures.dicom_copy import CODES, dicom_copy
from casedocs.figures.errors import ImageProblem

CANARY = "CANARY7Q"
CANARY_UID = "1.2.826.0.1.7777777"
TEXT_VRS = {"AE", "AS", "CS", "DA", "DS", "DT", "IS", "LO", "LT", "PN", "SH", "ST", "TM", "UC",
            "UR", "UT"}
# What the planted file must keep to stay an image at all (tested on their own below).
STRUCTURE = {"PhotometricInterpretation", "TransferSyntaxUID"}


def pydicom_file(name: str) -> Path:
    """One of the sample files pydicom's wheel carries (never downloaded)."""
    path = get_testdata_file(name, download=False)
    assert path is not None, name
    return Path(path)


def canary(vr: str) -> tuple[str, object] | None:
    """The VR and value a canary is planted with: a decimal or integer string as LO, since
    pydicom makes no number of text (an implicit-VR file then reads it as the number)."""
    if vr in TEXT_VRS:
        return ("LO" if vr in ("DS", "IS") else vr), CANARY
    if vr == "UI":
        return vr, CANARY_UID
    if vr in ("OB", "UN", "OW"):
        return vr, (CANARY * 2).encode()
    return None


def nested_canaries(depth: int) -> Dataset:
    """An item holding a name, an id and a free text, and a sequence of the same below it."""
    item = Dataset()
    item.PatientName = CANARY
    item.PatientID = CANARY
    item.TextValue = CANARY
    item.InstitutionName = CANARY
    if depth:
        item.ContentSequence = Sequence([nested_canaries(depth - 1)])
    return item


def planted(source: Path, target: Path) -> Path:
    """`source` with a canary in every text attribute the dictionary lists (and more)."""
    dataset = pydicom.dcmread(source)
    for tag, (vr, _, _, _, keyword) in DicomDictionary.items():
        if keyword in STRUCTURE or tag >> 16 in (0x0000, 0xFFFE) or tag == 0x7FE00010:
            continue
        if vr == "SQ":
            dataset.add_new(tag, vr, Sequence([nested_canaries(3)]))
            continue
        planted_as = canary(vr)
        if planted_as is None:
            continue
        if tag >> 16 == 0x0002:
            dataset.file_meta.add_new(tag, *planted_as)
        else:
            dataset.add_new(tag, *planted_as)
    for mask in RepeatersDictionary:  # overlays and curves: 60xx, 50xx
        planted_as = canary(RepeatersDictionary[mask][0])
        if planted_as is not None:
            dataset.add_new(int(mask.replace("x", "0"), 16), *planted_as)
    block = dataset.private_block(0x0009, CANARY, create=True)
    block.add_new(0x01, "LO", CANARY)
    block.add_new(0x02, "SQ", Sequence([nested_canaries(2)]))
    dataset.add_new(0x00111010, "LO", CANARY)  # a private tag without its creator
    dataset.OriginalAttributesSequence = Sequence([nested_canaries(4)])
    dataset.preamble = (CANARY.encode() * 16)[:128]
    dataset.add_new(0xFFFCFFFC, "OB", CANARY.encode() * 4)  # trailing padding
    with _unvalidated():
        dataset.save_as(target, enforce_file_format=False)
    assert CANARY.encode() in target.read_bytes()
    return target


class _unvalidated:  # noqa: N801 - a context manager used like a function
    """Writing values no validation would pass, as a damaged or hostile export holds them."""

    def __enter__(self) -> None:
        self.mode = config.settings.writing_validation_mode
        config.settings.writing_validation_mode = config.IGNORE

    def __exit__(self, *_: object) -> None:
        config.settings.writing_validation_mode = self.mode


def assert_no_canary(data: bytes) -> None:
    assert CANARY.encode() not in data
    assert CANARY.encode("utf-16-le") not in data
    assert CANARY_UID.encode() not in data
    assert b"7777777" not in data


@pytest.mark.parametrize("name", ["CT_small.dcm", "MR_small_implicit.dcm", "JPEG-lossy.dcm",
                                  "SC_rgb_jpeg_dcmtk.dcm", "MR_small_RLE.dcm"])
def test_no_canary_of_any_text_attribute_reaches_the_copy(name: str, tmp_path: Path) -> None:
    source = planted(pydicom_file(name), tmp_path / "planted.dcm")
    copy = dicom_copy(source.read_bytes(), {})
    assert_no_canary(copy)
    written = pydicom.dcmread(io.BytesIO(copy))
    assert_no_canary(str(written).encode())
    assert written.preamble == b"\x00" * 128
    assert written.PatientIdentityRemoved == "YES"
    assert not any(element.tag.is_private for element in written.iterall())


@pytest.mark.parametrize("name", ["CT_small.dcm", "MR_small_implicit.dcm",
                                  "MR_small_bigendian.dcm", "examples_palette.dcm",
                                  "SC_ybr_full_422_uncompressed.dcm", "image_dfl.dcm",
                                  "MR_small_padded.dcm", "liver_1frame.dcm"])
def test_the_copy_shows_the_very_pixels_and_windows_of_the_source(name: str) -> None:
    source = pydicom.dcmread(pydicom_file(name))
    written = pydicom.dcmread(io.BytesIO(dicom_copy(pydicom_file(name).read_bytes(), {})))
    assert np.array_equal(written.pixel_array, source.pixel_array)
    for keyword in ("RescaleSlope", "RescaleIntercept", "WindowCenter", "WindowWidth",
                    "PixelSpacing", "ImagePositionPatient", "ImageOrientationPatient",
                    "Modality", "PhotometricInterpretation", "NumberOfFrames"):
        assert written.get(keyword) == source.get(keyword), keyword
    assert written.StudyInstanceUID != source.StudyInstanceUID
    assert written.SOPInstanceUID != source.SOPInstanceUID


def test_compressed_frames_are_kept_as_they_were_coded_without_application_segments(
    tmp_path: Path,
) -> None:
    source = pydicom.dcmread(pydicom_file("SC_rgb_jpeg_dcmtk.dcm"))
    frame = source.PixelData[source.PixelData.index(b"\xff\xd8"):]
    marked = frame[:2] + b"\xff\xfe\x00\x0a" + CANARY.encode() + frame[2:]
    source.PixelData = pydicom.encaps.encapsulate([marked.rstrip(b"\x00")])
    source.save_as(tmp_path / "x.dcm")
    written = pydicom.dcmread(io.BytesIO(dicom_copy((tmp_path / "x.dcm").read_bytes(), {})))
    assert CANARY.encode() not in written.PixelData
    assert written.file_meta.TransferSyntaxUID == source.file_meta.TransferSyntaxUID
    assert np.array_equal(written.pixel_array, pydicom.dcmread(
        pydicom_file("SC_rgb_jpeg_dcmtk.dcm")).pixel_array)


@pytest.mark.parametrize("keyword", sorted(CODES))
def test_a_code_that_is_no_defined_term_is_not_copied(keyword: str, tmp_path: Path) -> None:
    dataset = pydicom.dcmread(pydicom_file("CT_small.dcm"))
    dataset.add_new(keyword, "CS", CANARY)
    with _unvalidated():
        dataset.save_as(tmp_path / "x.dcm")
    try:
        assert_no_canary(dicom_copy((tmp_path / "x.dcm").read_bytes(), {}))
    except ImageProblem:
        assert keyword == "PhotometricInterpretation"  # without it there is no image


def test_files_of_one_series_imported_together_stay_one_series(tmp_path: Path) -> None:
    uids: dict[str, str] = {}

    def copied(name: str) -> Dataset:
        return pydicom.dcmread(io.BytesIO(dicom_copy(pydicom_file(name).read_bytes(), uids)))

    first, second, other = copied("CT_small.dcm"), copied("CT_small.dcm"), copied("MR_small.dcm")
    assert first.SeriesInstanceUID == second.SeriesInstanceUID != other.SeriesInstanceUID
    assert first.SOPInstanceUID != second.SOPInstanceUID


def test_a_file_without_pixels_or_with_too_few_is_refused(tmp_path: Path) -> None:
    dataset = pydicom.dcmread(pydicom_file("CT_small.dcm"))
    dataset.PixelData = dataset.PixelData[:100]
    dataset.save_as(tmp_path / "short.dcm")
    with pytest.raises(ImageProblem, match="shorter"):
        dicom_copy((tmp_path / "short.dcm").read_bytes(), {})
    del dataset.PixelData
    dataset.save_as(tmp_path / "none.dcm")
    with pytest.raises(ImageProblem, match="no pixel data"):
        dicom_copy((tmp_path / "none.dcm").read_bytes(), {})


def test_an_element_the_dictionary_lacks_is_not_copied(tmp_path: Path) -> None:
    dataset = pydicom.dcmread(pydicom_file("CT_small.dcm"))
    dataset[0x00191234] = DataElement(0x00191234, "LO", CANARY)  # odd group: private
    dataset[0x00211000] = DataElement(0x00211000, "UN", CANARY.encode())
    dataset.save_as(tmp_path / "x.dcm")
    assert_no_canary(dicom_copy((tmp_path / "x.dcm").read_bytes(), {}))
