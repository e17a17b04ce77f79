"""Nothing private leaves (issue 17): a MIRCdocument with the patient's data planted in every
carrier real exports use, imported, built, published as a site and as a quiz, leaves none of
it anywhere: not in the imported folder, not in an output, not in a message."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import zipfile
from pathlib import Path

import pydicom
import pytest
import yaml
from PIL import Image

from casedocs.cli import main
from casedocs.errors import UserError
from casedocs.interchange.mirc_import import import_mirc
from test_conference import pdf_haystacks, pptx_haystacks
from test_dicom_copy import _unvalidated, planted, pydicom_file
from test_raster_copy import planted_jpeg, planted_other, planted_png

FIXTURE = Path(__file__).parent / "fixtures" / "mirc" / "case-a"
GIVEN, FAMILY = "Zzcanary", "Qqpatient"
RECORD = "CANARY-ID-4711"
# (Not "1961" or "4711" alone: the new UIDs of a DICOM copy are random digits.)
SECRETS = ["CANARY7Q", GIVEN, FAMILY, RECORD, "19610304", "04.03.1961", "March 4, 1961",
           "1961-03-04", "CANARYHIDDEN", "canaryelem", "canary-owner", "canary@example.org"]


def run(*argv: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(list(argv))
    return status, out.getvalue() + err.getvalue()


def planted_dicom(target: Path) -> None:
    """CT_small with a canary in every text attribute, and the patient's own identifiers in
    the places MIRC's DICOM service reads them from."""
    planted(pydicom_file("CT_small.dcm"), target)
    dataset = pydicom.dcmread(target)
    dataset.PatientName = f"{FAMILY}^{GIVEN}"
    dataset.PatientID = RECORD
    dataset.PatientBirthDate = "19610304"
    dataset.PhotometricInterpretation = "MONOCHROME2"
    dataset.SOPClassUID = pydicom.uid.CTImageStorage  # a CT, which burns in no text
    dataset.Modality = "CT"
    with _unvalidated():
        dataset.save_as(target)


IMAGES = {  # file -> bytes, for the image section
    "shown.jpg": lambda: planted_jpeg(),
    "photo.jpg": lambda: planted_jpeg(progressive=True),
    "graph.png": planted_png,
    "old.gif": lambda: planted_other("GIF"),
    "phone.webp": lambda: planted_other("WEBP"),
    "scan.bmp": lambda: planted_other("BMP"),
    "film.tif": lambda: planted_other("TIFF"),
}
SVG = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 256 256" width="256" '
       f'height="256"><text x="20" y="30">{FAMILY}, {GIVEN}</text>'
       '<circle cx="128" cy="128" r="30" stroke="red" fill="none"/>'
       '<text x="150" y="60">effusion</text></svg>')


def planted_document(folder: Path) -> Path:
    folder.mkdir(parents=True)
    planted_dicom(folder / "ct.dcm")
    for name, make in IMAGES.items():
        (folder / name).write_bytes(make())
    (folder / "marks.svg").write_text(SVG, encoding="utf-8")
    figures = "".join(
        f'<image src="{name}"><image-caption display="always">Knee radiograph {n}'
        "</image-caption></image>" for n, name in enumerate(list(IMAGES)[1:], 2))
    (folder / "MIRCdocument.xml").write_text(f"""<?xml version="1.0"?>
<MIRCdocument>
 <title>Septic arthritis of the knee</title>
 <alternative-title>MSK Case 41</alternative-title>
 <author><name>Ana Lima, MD</name><contact>canary@example.org</contact></author>
 <patient visible="phi-restricted"><pt-name>{GIVEN} {FAMILY}</pt-name><pt-id>{RECORD}</pt-id>
  <pt-birthdate>19610304</pt-birthdate><pt-canaryelem>CANARY7Q</pt-canaryelem></patient>
 <phi><study><si-uid>CANARY7Q</si-uid></study></phi>
 <section heading="History"><p>A 65-year-old ({FAMILY}, {GIVEN}; MRN {RECORD}; born
  04.03.1961) with a hot, swollen knee.</p></section>
 <section heading="Findings"><p>Joint effusion (Image 1) and erosions (Image 2).</p>
  <p>{GIVEN} {FAMILY}</p></section>
 <section heading="Diagnosis"><p>Septic arthritis</p></section>
 <section heading="Private notes" visible="phi-restricted"><p>CANARYHIDDEN</p></section>
 <section heading="Owner notes" visible="owner"><p>CANARYHIDDEN</p></section>
 <image-section>
  <image src="shown.jpg"><alternative-image role="original-format" src="ct.dcm"/>
   <alternative-image role="annotation" type="svg" src="marks.svg"/>
   <image-caption display="always">Knee radiograph of {GIVEN} {FAMILY}, March 4, 1961
   </image-caption><order-by study-desc="CANARY7Q" date="19610304"/></image>
  {figures}
 </image-section>
 <modality>CR</modality>
 <authorization><owner>canary-owner</owner><read>*</read></authorization>
</MIRCdocument>""", encoding="utf-8")
    return folder


def haystacks(root: Path) -> list[str]:
    """Every file below `root`: its name, its bytes as text, and, for PDFs and decks, what a
    reader reads of them."""
    texts = []
    for path in sorted(root.rglob("*")):
        texts.append(str(path.relative_to(root)))
        if not path.is_file():
            continue
        texts.append(path.read_bytes().decode("latin-1"))
        if path.suffix == ".pdf":
            texts += pdf_haystacks(path)
        elif path.suffix == ".pptx":
            texts += pptx_haystacks(path)
            with zipfile.ZipFile(path) as package:
                texts += [package.read(n).decode("latin-1") for n in package.namelist()]
    return texts


def found(secrets: list[str], texts: list[str]) -> list[tuple[str, str]]:
    return [(secret, text[max(0, text.find(secret) - 40):text.find(secret) + 40])
            for secret in secrets for text in texts if secret.lower() in text.lower()]


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    root = tmp_path_factory.mktemp("privacy")
    source = planted_document(root / "export")
    messages = []
    status, said = run("import", "mirc", str(source), "--out", str(root / "content"))
    messages.append(said)
    assert status == 0, said
    case = root / "content" / "msk-case-41.yaml"
    for command in (["build", str(case), "--out", str(root / "build"), "--jobs", "1"],
                    ["site", str(root / "content"), "--out", str(root / "site")],
                    ["site", str(root / "content"), "--unknown", "--out", str(root / "quiz")]):
        status, said = run(*command)
        messages.append(said)
        assert status == 0, said
    return root, messages


def test_no_planted_secret_reaches_the_folder_the_outputs_or_a_message(
    published: tuple[Path, list[str]],
) -> None:
    root, messages = published
    texts = haystacks(root / "content") + haystacks(root / "build")
    texts += haystacks(root / "site") + haystacks(root / "quiz") + messages
    assert not found(SECRETS, texts)


def test_every_image_arrived_written_anew_and_the_case_says_where_text_was_removed(
    published: tuple[Path, list[str]],
) -> None:
    root, messages = published
    case = yaml.safe_load((root / "content" / "msk-case-41.yaml").read_text(encoding="utf-8"))
    files = sorted(Path(figure["file"]).name for figure in case["figures"])
    assert files == ["image-1.dcm", "image-2.jpg", "image-3.png", "image-4.png", "image-5.png",
                     "image-6.png", "image-7.png"]
    assert case["history"] == ("A 65-year-old ([removed]; MRN [removed]; born [removed]) with a "
                               "hot, swollen knee.")
    assert case["findings"] == [{"figures": ["image-1", "image-2"],
                                 "text": "Joint effusion (@fig-image-1) and erosions "
                                         "(@fig-image-2)."}]
    labels = [a.get("label") for a in case["figures"][0]["annotations"]]
    assert "effusion" in labels and len(labels) == 2  # the name's label went, the circle stayed
    assert "removed from title" not in messages[0]
    assert "history" in messages[0] and "figures.0.caption" in messages[0]
    assert "2 section(s) not visible to everyone" in messages[0]
    assert "other pt-* elements" in case_header(root)


def case_header(root: Path) -> str:
    text = (root / "content" / "msk-case-41.yaml").read_text(encoding="utf-8")
    return "".join(line for line in text.splitlines(keepends=True) if line.startswith("#"))


def test_a_draft_titled_from_the_dicom_header_is_left_for_the_author(tmp_path: Path) -> None:
    """MIRC's DICOM service titles a draft "PatientID: PatientName" from the image header."""
    folder = tmp_path / "draft"
    folder.mkdir()
    planted_dicom(folder / "ct.dcm")
    (folder / "MIRCdocument.xml").write_text(
        f'<?xml version="1.0"?><MIRCdocument><title>{RECORD}: {FAMILY}^{GIVEN}</title>'
        '<section heading="History"><p>Knee pain.</p></section>'
        '<image-section><image src="ct.dcm"/></image-section></MIRCdocument>', encoding="utf-8")
    status, said = run("import", "mirc", str(folder), "--out", str(tmp_path / "content"))
    case_file = next((tmp_path / "content").glob("*.yaml"))
    text = case_file.read_text(encoding="utf-8")
    assert not found(SECRETS, [text, said, case_file.name])
    assert yaml.safe_load(text)["title"].startswith("TODO: ")
    assert status == 1 and f"{case_file}:" in said and "title:" in said  # refused until written


def test_a_symbolic_link_in_a_folder_is_refused_like_one_in_a_zip(tmp_path: Path) -> None:
    secret = tmp_path / "elsewhere.jpg"
    Image.new("L", (32, 32), 40).save(secret)
    folder = tmp_path / "linked"
    folder.mkdir()
    (folder / "MIRCdocument.xml").write_text(
        '<?xml version="1.0"?><MIRCdocument><title>Gout</title><image-section>'
        '<image src="x.jpg"/></image-section></MIRCdocument>', encoding="utf-8")
    os.symlink(secret, folder / "x.jpg")
    with pytest.raises(UserError, match="symbolic link"):
        import_mirc(folder, tmp_path / "content")
    assert not (tmp_path / "content" / "images").exists()


def test_a_linked_document_file_is_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    shutil.copytree(FIXTURE, outside)
    folder = tmp_path / "folder"
    folder.mkdir()
    os.symlink(outside / "MIRCdocument.xml", folder / "MIRCdocument.xml")
    with pytest.raises(UserError, match="holds no MIRCdocument"):
        import_mirc(folder, tmp_path / "content")


@pytest.mark.parametrize("doctype", [
    '<!DOCTYPE MIRCdocument [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
    '<!DOCTYPE MIRCdocument [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">'
    '<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">'
    '<!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;"><!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">]>',
])
def test_a_folder_or_zip_with_an_unsafe_document_says_why(doctype: str, tmp_path: Path) -> None:
    folder = tmp_path / "unsafe"
    folder.mkdir()
    (folder / "MIRCdocument.xml").write_text(
        f'<?xml version="1.0"?>{doctype}<MIRCdocument><title>Gout &x;&h;</title>'
        "</MIRCdocument>".replace("&x;", "&x;" if "SYSTEM" in doctype else ""), encoding="utf-8")
    archive = tmp_path / "unsafe.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.write(folder / "MIRCdocument.xml", "case/MIRCdocument.xml")
    for given in (folder, archive, folder / "MIRCdocument.xml"):
        status, said = run("import", "mirc", str(given), "--out", str(tmp_path / "content"))
        assert status == 1 and "not readable XML" in said and "Traceback" not in said
        assert "MIRCdocument.xml" in said and "root:" not in said
