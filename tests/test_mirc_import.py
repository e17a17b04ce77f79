"""casedocs import mirc: a MIRCdocument (XML, folder or zip) becomes a case that builds, and no
patient data reaches the case file, its images or any output."""

from __future__ import annotations

import contextlib
import io
import shutil
import zipfile
from pathlib import Path

import pydicom
import pytest
import yaml

from casedocs.cli import main
from casedocs.errors import UserError
from casedocs.interchange.mirc_import import import_mirc
from test_conference import pdf_haystacks, pptx_haystacks

FIXTURE = Path(__file__).parent / "fixtures" / "mirc" / "case-a"
# What the fixture holds about its patient, and private details besides.
PRIVATE = ["Smith^John", "John Smith", "MRN-0042-7781", "0042-7781", "SMITH JOHN", "alima",
           "ana.lima@example.org", "Dr. Who", "CT_small", "CompressedSamples"]


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(list(argv))
    return status, out.getvalue(), err.getvalue()


def zipped(folder: Path, target: Path, inside: str = "case-a") -> Path:
    """The folder as MIRC's zip export holds it: one folder with the document and its files."""
    with zipfile.ZipFile(target, "w") as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, f"{inside}/{path.name}")
    return target


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture's zip export imported into content/, and built."""
    root = tmp_path_factory.mktemp("mirc")
    archive = zipped(FIXTURE, root / "export.zip")
    status, out, err = run("import", "mirc", str(archive), "--out", str(root / "content"))
    assert status == 0, err
    assert "wrote" in out and "left out:" in out
    status, _, err = run("build", str(root / "content" / "chest-case-12.yaml"), "--out",
                         str(root / "build"), "--jobs", "1")
    assert status == 0, err
    return root


def case_of(root: Path) -> dict:
    return yaml.safe_load((root / "content" / "chest-case-12.yaml").read_text(encoding="utf-8"))


def test_a_zip_with_dicom_svg_and_patient_block_builds_all_four_outputs(imported: Path) -> None:
    built = sorted(p.relative_to(imported / "build").as_posix()
                   for p in (imported / "build").rglob("*") if p.suffix in (".pdf", ".pptx"))
    assert built == ["handouts/chest-case-12-unknown.pdf", "handouts/chest-case-12.pdf",
                     "slides/chest-case-12-unknown.pptx", "slides/chest-case-12.pptx"]


def test_no_patient_data_reaches_the_case_file_its_images_or_any_output(imported: Path) -> None:
    haystacks = [(imported / "content" / "chest-case-12.yaml").read_text(encoding="utf-8")]
    for path in sorted((imported / "content" / "images").rglob("*")):
        haystacks.append(path.name)
        if path.suffix == ".dcm":
            haystacks.append(str(pydicom.dcmread(path)))
    for path in sorted((imported / "build").rglob("*")):
        if path.suffix == ".pdf":
            haystacks += pdf_haystacks(path)
        elif path.suffix == ".pptx":
            haystacks += pptx_haystacks(path)
    found = [(needle, h[:80]) for needle in PRIVATE for h in haystacks if needle in h]
    assert not found


def test_the_dicom_original_is_the_source_without_its_identifying_header(imported: Path) -> None:
    figure = case_of(imported)["figures"][0]
    assert figure["file"] == "images/chest-case-12/image-1.dcm"
    assert "phi_reviewed" not in figure  # a person has to look at the pixels
    dataset = pydicom.dcmread(imported / "content" / figure["file"])
    assert "PatientName" not in dataset and "PatientID" not in dataset
    assert "StudyDate" not in dataset and "InstitutionName" not in dataset
    assert dataset.PatientIdentityRemoved == "YES"
    original = pydicom.dcmread(FIXTURE / "CT_small.dcm")
    assert (dataset.pixel_array == original.pixel_array).all()
    assert dataset.StudyInstanceUID != original.StudyInstanceUID


def test_sections_metadata_and_references_map_to_the_case_format(imported: Path) -> None:
    case = case_of(imported)
    assert case["title"] == "Intralobar pulmonary sequestration"
    assert (case["series"], case["number"]) == ("Chest Case", 12)
    assert case["authors"] == [{"name": "Ana Lima", "degrees": "MD"}]
    assert case["institution"] == "University Teaching Hospital"
    assert case["copyright"] == "University Teaching Hospital 2026"
    assert str(case["published"]) == "2026-01-15"
    assert case["keywords"] == ["sequestration", "systemic arterial supply", "Congenital"]
    assert (case["modality"], case["subspecialty"], case["difficulty"]) == (["CT"], ["chest"], 2)
    assert case["history"].startswith("A 19-year-old with recurrent **left lower lobe**")
    assert case["diagnosis"] == "Intralobar pulmonary sequestration"
    assert case["differential"][1] == {"name": "Congenital pulmonary airway malformation",
                                       "note": "usually cystic"}
    assert case["teaching_points"] == ["Look for the **systemic artery**.",
                                       "Most are in the left lower lobe."]
    assert "**Follow-up**\n\nResected at 20" in case["discussion"]
    assert "[Radiopaedia](https://radiopaedia.org/articles/pulmonary-sequestration)" in \
        case["discussion"]
    assert [r["id"] for r in case["references"]] == ["smith2019", "jones2020", "felson1973"]
    assert case["references"][0]["pmid"] == "30735470"


def test_figure_mentions_and_citation_numbers_are_linked(imported: Path) -> None:
    case = case_of(imported)
    assert case["findings"][0] == {"figures": ["image-1"],
                                   "text": "Persistent opacity in the left lower lobe "
                                           "(@fig-image-1)."}
    assert "([@fig-image-1; @fig-image-2]).[@smith2019]" in case["findings"][1]["text"]
    assert case["findings"][1]["figures"] == ["image-1", "image-2", "image-2-annotated"]
    assert "arterial supply.[@smith2019; @jones2020]" in case["discussion"]
    assert "4 mm^2^ in area" in case["discussion"]  # a unit's exponent is no citation


def test_a_reference_that_does_not_parse_is_kept_as_written(imported: Path) -> None:
    assert case_of(imported)["references"][2] == {
        "id": "felson1973", "type": "text",
        "title": "Felson B. Chest Roentgenology. Philadelphia: Saunders; 1973."}


def test_svg_marks_become_annotations_and_an_annotated_image_an_answer_only_figure(
        imported: Path) -> None:
    figures = case_of(imported)["figures"]
    assert figures[0]["annotations"] == [
        {"arrow": [0.5859, 0.5859], "from": [0.2344, 0.2344]},
        {"circle": [0.625, 0.5859], "radius": 0.125},
        {"label": "feeding artery", "at": [0.6641, 0.1562]},
    ]
    assert figures[0]["view"] == "Axial CT of the chest"
    assert figures[0]["caption"].startswith("Axial CT: a systemic feeding artery")
    assert [f["id"] for f in figures] == ["image-1", "image-2", "image-2-annotated"]
    assert figures[2]["answer_only"] is True


def test_the_same_document_imports_from_its_xml_its_folder_and_its_zip(tmp_path: Path,
                                                                       imported: Path) -> None:
    expected = case_of(imported)
    for given in (FIXTURE / "MIRCdocument.xml", FIXTURE):
        out = tmp_path / given.name
        import_mirc(given, out, case_id="chest-case-12")
        assert yaml.safe_load((out / "chest-case-12.yaml").read_text(encoding="utf-8")) == expected


def test_nothing_is_overwritten_without_force(tmp_path: Path) -> None:
    import_mirc(FIXTURE, tmp_path, case_id="chest-case-12")
    case_file = tmp_path / "chest-case-12.yaml"
    case_file.write_text("# edited by hand\n", encoding="utf-8")
    status, _, err = run("import", "mirc", str(FIXTURE), "--out", str(tmp_path), "--id",
                         "chest-case-12")
    assert status == 1 and "exists" in err and "--force" in err
    assert case_file.read_text(encoding="utf-8") == "# edited by hand\n"
    status, _, err = run("import", "mirc", str(FIXTURE), "--out", str(tmp_path), "--id",
                         "chest-case-12", "--force")
    assert status == 0, err
    assert case_file.read_text(encoding="utf-8").startswith("# Imported from")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".import-")]


def test_the_id_comes_from_the_neutral_label_never_from_a_file_name(tmp_path: Path) -> None:
    folder = shutil.copytree(FIXTURE, tmp_path / "SMITH_JOHN_MRN0042")
    imported = import_mirc(folder, tmp_path / "content")
    assert imported.case_file.name == "chest-case-12.yaml"
    document = folder / "MIRCdocument.xml"
    document.write_text(document.read_text(encoding="iso-8859-1").replace(
        "<alternative-title>Chest Case 12</alternative-title>", ""), encoding="iso-8859-1")
    imported = import_mirc(folder, tmp_path / "other")
    assert imported.case_file.stem.startswith("mirc-")
    text = imported.case_file.read_text(encoding="utf-8")
    assert "SMITH" not in text and "MIRCdocument.xml" not in text


def test_an_id_that_names_the_answer_is_replaced(tmp_path: Path) -> None:
    folder = shutil.copytree(FIXTURE, tmp_path / "case")
    document = folder / "MIRCdocument.xml"
    document.write_text(document.read_text(encoding="iso-8859-1").replace(
        "Chest Case 12", "Sequestration 12"), encoding="iso-8859-1")
    imported = import_mirc(folder, tmp_path / "content")
    assert imported.case_file.stem.startswith("mirc-")
    assert any("repeats the answer" in item for item in imported.summary.left_out)
    assert "series" not in yaml.safe_load(imported.case_file.read_text(encoding="utf-8"))


def test_a_view_that_gives_the_answer_away_is_left_out(tmp_path: Path) -> None:
    folder = shutil.copytree(FIXTURE, tmp_path / "case-b")
    document = folder / "MIRCdocument.xml"
    document.write_text(document.read_text(encoding="iso-8859-1").replace(
        "Axial CT of the chest</image-caption>", "Intralobar sequestration on CT</image-caption>"),
        encoding="iso-8859-1")
    imported = import_mirc(folder, tmp_path / "content")
    figure = yaml.safe_load(imported.case_file.read_text(encoding="utf-8"))["figures"][0]
    assert "view" not in figure
    assert any("view of image-1" in item for item in imported.summary.approximated)


def test_what_is_missing_is_left_for_the_author_with_its_line(tmp_path: Path) -> None:
    folder = tmp_path / "case-c"
    folder.mkdir()
    (folder / "MIRCdocument.xml").write_text(
        '<?xml version="1.0"?><MIRCdocument><title>Osteoid osteoma</title>'
        '<section heading="Findings"><p>A lucent nidus.</p></section></MIRCdocument>',
        encoding="utf-8")
    status, out, err = run("import", "mirc", str(folder), "--out", str(tmp_path / "content"),
                           "--id", "case-c")
    assert status == 1
    case_file = tmp_path / "content" / "case-c.yaml"
    assert case_file.exists()
    history_line = next(n for n, line in enumerate(
        case_file.read_text(encoding="utf-8").splitlines(), 1) if line.startswith("history:"))
    assert f"case-c.yaml:{history_line}: history:" in err


def test_a_zip_member_that_climbs_out_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zipped_file:
        zipped_file.writestr("../outside.xml", "<MIRCdocument/>")
    with pytest.raises(UserError, match="refuses the member"):
        import_mirc(archive, tmp_path / "content")
    assert not (tmp_path / "outside.xml").exists()


def test_an_external_entity_is_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE", encoding="utf-8")
    folder = tmp_path / "case-d"
    folder.mkdir()
    (folder / "MIRCdocument.xml").write_text(
        f'<?xml version="1.0"?><!DOCTYPE MIRCdocument [<!ENTITY x SYSTEM "file://{secret}">]>'
        "<MIRCdocument><title>Title</title><section heading=\"History\"><p>A 40-year-old. &x;"
        '</p></section><section heading="Diagnosis"><p>Gout</p></section></MIRCdocument>',
        encoding="utf-8")
    with pytest.raises(UserError, match="not readable XML"):  # an undefined entity, to it
        import_mirc(folder, tmp_path / "content")
    assert not (tmp_path / "content").exists() or not list((tmp_path / "content").iterdir())


def test_a_file_that_is_no_mirc_document_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.xml"
    other.write_text("<html/>", encoding="utf-8")
    with pytest.raises(UserError, match="not <MIRCdocument>"):
        import_mirc(other, tmp_path / "content")
    with pytest.raises(UserError, match="no MIRCdocument"):
        import_mirc(tmp_path, tmp_path / "content")


def test_an_image_shown_inside_a_section_is_a_figure_too(tmp_path: Path) -> None:
    folder = tmp_path / "case-e"
    folder.mkdir()
    shutil.copyfile(FIXTURE / "ct2.jpg", folder / "photo of Mr Smith.jpg")
    (folder / "MIRCdocument.xml").write_text(
        '<?xml version="1.0"?><MIRCdocument><title>Gout</title>'
        '<section heading="History"><p>A 60-year-old with a painful toe.</p></section>'
        '<section heading="Findings"><p>Erosions (Figure 1).</p>'
        '<image src="photo of Mr Smith.jpg"><image-caption>Foot radiograph</image-caption>'
        '</image></section><section heading="Diagnosis"><p>Gout</p></section></MIRCdocument>',
        encoding="utf-8")
    imported = import_mirc(folder, tmp_path / "content", case_id="case-e")
    case = yaml.safe_load(imported.case_file.read_text(encoding="utf-8"))
    assert case["figures"] == [{"id": "image-1", "file": "images/case-e/image-1.jpg",
                                "caption": "Foot radiograph", "view": "Foot radiograph"}]
    assert case["findings"] == [{"figures": ["image-1"], "text": "Erosions (@fig-image-1)."}]
    assert "Smith" not in imported.case_file.read_text(encoding="utf-8")


def document(folder: Path, body: str, encoding: str = "utf-8",
             declared: str = "utf-8") -> Path:
    """A MIRCdocument of `body` (sections, images, references) in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "MIRCdocument.xml").write_bytes(
        f'<?xml version="1.0" encoding="{declared}"?><MIRCdocument><title>Gout</title>'
        f'<alternative-title>MSK Case 3</alternative-title>{body}</MIRCdocument>'
        .encode(encoding))
    return folder


def imported_case(folder: Path) -> dict:
    imported = import_mirc(folder, folder.parent / "content", force=True)
    return yaml.safe_load(imported.case_file.read_text(encoding="utf-8"))


BASICS = ('<section heading="History"><p>A 60-year-old with a painful toe.</p></section>'
          '<section heading="Diagnosis"><p>Gout</p></section>')
TWO_REFERENCES = ('<section heading="References"><p>Suggested reading:</p><ol>'
                  "<li>Felson B. Chest Roentgenology. Philadelphia: Saunders; 1973.</li>"
                  "<li>Smith A, Brown B. Tophi on CT. Radiology. 2019;290:1-9.</li></ol>"
                  "</section>")


def test_isotopes_exponents_and_units_are_never_citations(tmp_path: Path) -> None:
    folder = document(tmp_path / "a", BASICS + TWO_REFERENCES + (
        '<section heading="Discussion"><p><sup>18</sup>F-FDG uptake; WBC 12 × 10<sup>9</sup>/L;'
        " <sup>1</sup>H-MRS; r<sup>2</sup> = 0.9; 5 cm<sup>2</sup>. Tophi are typical."
        "<sup>1, 2</sup></p></section>"))
    discussion = imported_case(folder)["discussion"]
    assert discussion == ("^18^F-FDG uptake; WBC 12 × 10^9^/L; ^1^H-MRS; r^2^ = 0.9; 5 cm^2^. "
                          "Tophi are typical.[@felson1973; @smith2019]")


def test_a_reference_that_does_not_parse_keeps_its_number(tmp_path: Path) -> None:
    folder = document(tmp_path / "a", BASICS + TWO_REFERENCES + (
        '<section heading="Discussion"><p>Classic.<sup>1</sup> Newer.<sup>2</sup></p>'
        "</section>"))
    case = imported_case(folder)
    assert case["discussion"] == "Classic.[@felson1973] Newer.[@smith2019]"
    assert case["references"][0]["type"] == "text"


def test_bracketed_numbers_cite_by_the_number_written_and_mean_vancouver(tmp_path: Path) -> None:
    folder = document(tmp_path / "a", BASICS + (
        '<section heading="Discussion"><p>As shown [2], and before [1].</p></section>'
        "<references><reference>2. Smith A, Brown B. Tophi on CT. Radiology. 2019;290:1-9."
        "</reference><reference>1. Jones C. Gout. AJR. 2001;1:2-3.</reference></references>"))
    case = imported_case(folder)
    assert case["discussion"] == "As shown [@smith2019], and before [@jones2001]."
    assert case["citation_style"] == "vancouver"


def test_figure_mentions_as_radiologists_write_them(tmp_path: Path) -> None:
    images = "".join(f'<image src="{n}.jpg"><image-caption>Foot radiograph</image-caption>'
                     "</image>" for n in (1, 2, 3))
    folder = document(tmp_path / "a", BASICS + (
        '<section heading="Findings"><p>Erosions (Figure 1, 2, and 3); see fig 2a and images 1 '
        "and 3; Figure 4 is not there.</p></section>"
        f'<image-section heading="Images">{images}</image-section>'))
    for n in (1, 2, 3):
        shutil.copyfile(FIXTURE / "ct2.jpg", folder / f"{n}.jpg")
    findings = imported_case(folder)["findings"]
    assert findings[0]["text"] == (
        "Erosions ([@fig-image-1; @fig-image-2; @fig-image-3]); see fig 2a and "
        "[@fig-image-1; @fig-image-3]; Figure 4 is not there.")


def test_a_one_line_differential_and_german_headings(tmp_path: Path) -> None:
    folder = document(tmp_path / "a", (
        '<section heading="Anamnese"><p>Ein 60-jähriger Mann.</p></section>'
        '<section heading="Befund"><p>Erosionen.</p></section>'
        '<section heading="Diagnose"><p>Gicht</p></section>'
        '<section heading="Differentialdiagnosen"><p>Lipom, Hibernom (z. B. am Oberschenkel), '
        "Angiolipom</p></section>"))
    case = imported_case(folder)
    assert case["language"] == "de"
    assert case["findings"] == ["Erosionen."]
    assert case["differential"] == ["Lipom", "Hibernom (z. B. am Oberschenkel)", "Angiolipom"]


def test_windows_characters_declared_latin_1_and_declared_entities(tmp_path: Path) -> None:
    body = BASICS.replace("painful toe.", "painful toe – it’s red.")  # 0x96, 0x92 in cp1252
    folder = document(tmp_path / "a", body, encoding="cp1252", declared="iso-8859-1")
    assert imported_case(folder)["history"] == "A 60-year-old with a painful toe – it’s red."
    (folder / "MIRCdocument.xml").write_text(
        '<?xml version="1.0"?><!DOCTYPE MIRCdocument [<!ENTITY nbsp "&#160;">]><MIRCdocument>'
        f"<title>Gout</title>{BASICS.replace('60-year-old with', '60-year-old&nbsp;with')}"
        "</MIRCdocument>", encoding="utf-8")
    assert imported_case(folder)["history"].startswith("A 60-year-old with")


def test_image_metadata_is_not_copied(tmp_path: Path) -> None:
    from PIL import Image

    folder = document(tmp_path / "a", BASICS + (
        '<image-section><image src="x.jpg"><image-caption>Foot radiograph</image-caption>'
        "</image></image-section>"))
    exif = Image.Exif()
    exif[0x010E] = "DOE^JANE MRN4711"
    Image.new("L", (64, 48), 90).save(folder / "x.jpg", exif=exif)
    imported = import_mirc(folder, tmp_path / "content")
    copy = imported.case_file.parent / "images" / imported.case_file.stem / "image-1.jpg"
    assert b"DOE^JANE" not in copy.read_bytes()
    with Image.open(copy) as picture, Image.open(folder / "x.jpg") as original:
        assert picture.tobytes() == original.tobytes()


def test_broken_zips_and_dicom_files_are_clear_errors_or_left_out(tmp_path: Path) -> None:
    archive = zipped(FIXTURE, tmp_path / "x.zip")
    data = bytearray(archive.read_bytes())
    data[1000:1010] = b"\xff" * 10  # inside the first member's pixels: its CRC fails
    archive.write_bytes(bytes(data))
    with pytest.raises(UserError, match="cannot be unpacked"):
        import_mirc(archive, tmp_path / "content")
    folder = shutil.copytree(FIXTURE, tmp_path / "broken")
    (folder / "CT_small.dcm").write_bytes(b"not a dicom file at all")
    imported = import_mirc(folder, tmp_path / "content")
    assert any("not a readable DICOM" in item for item in imported.summary.left_out)
    case = yaml.safe_load(imported.case_file.read_text(encoding="utf-8"))
    assert case["figures"][0]["file"].endswith("image-1.jpg")  # the image MIRC showed


def test_a_caption_opening_with_its_view_gives_the_view(tmp_path: Path) -> None:
    folder = document(tmp_path / "a", BASICS + (
        '<image-section><image src="x.jpg"><image-caption display="click">Lateral foot '
        "radiograph: juxta-articular erosions with overhanging edges</image-caption></image>"
        "</image-section><level>3</level>"))
    shutil.copyfile(FIXTURE / "ct2.jpg", folder / "x.jpg")
    case = imported_case(folder)
    assert case["figures"][0]["view"] == "Lateral foot radiograph"
    assert case["difficulty"] == 3


def test_a_zip_made_on_windows_finds_its_images(tmp_path: Path) -> None:
    folder = document(tmp_path / "a", BASICS + (
        '<image-section><image src="images/x.jpg"><image-caption>Foot radiograph'
        "</image-caption></image></image-section>"))
    archive = tmp_path / "windows.zip"
    with zipfile.ZipFile(archive, "w") as zipped_file:
        zipped_file.write(folder / "MIRCdocument.xml", "case\\MIRCdocument.xml")
        zipped_file.write(FIXTURE / "ct2.jpg", "case\\Images\\X.JPG")
    imported = import_mirc(archive, tmp_path / "content")
    case = yaml.safe_load(imported.case_file.read_text(encoding="utf-8"))
    assert case["figures"][0]["file"].endswith("image-1.jpg")


def test_a_history_written_as_lines_reads_as_sentences(tmp_path: Path) -> None:
    folder = document(tmp_path / "a", BASICS.replace(
        "<p>A 60-year-old with a painful toe.</p>", "60-year-old man<br/>Painful toe<br/>No fever"))
    assert imported_case(folder)["history"] == "60-year-old man. Painful toe. No fever"


def test_a_section_hidden_in_upper_case_is_not_read(tmp_path: Path) -> None:
    folder = document(tmp_path / "a", BASICS + (
        '<section heading="Discussion" VISIBLE="NO"><p>Seen in Mr Ozawa last week.</p></section>'
        '<section heading="Management" Visible=""><p>Call Dr Ozawa.</p></section>'))
    case = imported_case(folder)
    assert "Ozawa" not in str(case)


def test_a_missing_image_is_an_error_naming_the_file(tmp_path: Path) -> None:
    folder = document(tmp_path / "a", BASICS + (
        '<image-section><image src="ct 3.jpg"><image-caption>Axial CT</image-caption></image>'
        '</image-section>'))
    code, _, err = run("import", "mirc", str(folder), "--out", str(tmp_path / "content"))
    assert code == 1
    assert "image 1: the image shown, ct 3.jpg, is not in the document's folder" in err, err
    assert not (tmp_path / "content").exists() or not any((tmp_path / "content").rglob("*.*"))


def test_a_missing_image_named_after_the_patient_is_not_named(tmp_path: Path) -> None:
    folder = document(tmp_path / "a", BASICS + (
        "<patient><pt-name>Ozawa^Kenji</pt-name></patient>"
        '<image-section><image src="kenji_ozawa_ct.jpg"/></image-section>'))
    code, _, err = run("import", "mirc", str(folder), "--out", str(tmp_path / "content"))
    assert code == 1
    assert "image 1: the image shown is not in the document's folder" in err, err
    assert "ozawa" not in err.lower()


def many_exports(folder: Path) -> Path:
    """A folder of exports as a department keeps them: two teaching files merged (each with
    its "MSK Case 3"), one zipped, and one whose image is missing."""
    document(folder / "first", BASICS)
    document(folder / "second", BASICS.replace("painful toe", "swollen knee"))
    zipped(document(tmp := folder.parent / "third", BASICS.replace("toe", "ankle")),
           folder / "third.zip", inside="third")
    shutil.rmtree(tmp)
    document(folder / "broken", BASICS + '<image-section><image src="gone.jpg"/></image-section>')
    return folder


def test_a_folder_of_exports_imports_each_all_or_nothing(tmp_path: Path) -> None:
    exports = many_exports(tmp_path / "exports")
    out = tmp_path / "content"
    code, table, err = run("import", "mirc", str(exports), "--out", str(out))
    assert code == 1  # one refused
    rows = dict(line.split(maxsplit=1) for line in table.splitlines()[:-1])
    assert rows[str(exports / "broken")].startswith("refused: ")
    assert "image 1: the image shown, gone.jpg, is not in the document's folder" in \
        rows[str(exports / "broken")]
    assert rows[str(exports / "first")] == "imported"
    suffixed = [r for r in rows.values() if "(msk-case-3 was taken)" in r]
    assert len(suffixed) == 2, rows
    ids = sorted(p.stem for p in out.glob("*.yaml"))
    assert len(ids) == 3 and ids[0] == "msk-case-3"
    assert table.splitlines()[-1] == ("casedocs: 4 documents: 3 imported (0 with problems left "
                                      "to fix), 1 refused")
    assert not (out / "images" / "msk-case-3-broken").exists()


def test_colliding_ids_get_the_same_suffix_on_every_import(tmp_path: Path) -> None:
    exports = many_exports(tmp_path / "exports")
    run("import", "mirc", str(exports), "--out", str(tmp_path / "one"))
    run("import", "mirc", str(exports / "second"), str(exports / "first"),
        "--out", str(tmp_path / "two"))
    first = {p.stem for p in (tmp_path / "one").glob("*.yaml")}
    second = {p.stem for p in (tmp_path / "two").glob("*.yaml")}
    assert second < first


def test_one_id_for_many_documents_is_refused(tmp_path: Path) -> None:
    exports = many_exports(tmp_path / "exports")
    code, _, err = run("import", "mirc", str(exports), "--id", "gout-1",
                       "--out", str(tmp_path / "content"))
    assert code == 1 and "--id names one case, but 4 documents were given" in err
    assert not (tmp_path / "content").exists()


def test_a_patient_named_by_title_and_family_name_is_removed(tmp_path: Path) -> None:
    folder = document(tmp_path / "a", (
        "<patient><pt-name>NGUYEN^LINDA</pt-name></patient>"
        '<section heading="History"><p>Ms. Nguyen is 31; Mrs Nguyen-Lee, her mother, and '
        "Dr. Nguyen (the GP) came.</p>"
        '</section><section heading="Diagnosis"><p>Gout</p></section>'))
    case = imported_case(folder)
    assert case["history"] == ("[removed] is 31; [removed]-Lee, her mother, and [removed] (the "
                               "GP) came.")  # a relative's double name too: better one too many


def test_the_insert_image_form_keeps_its_original_and_its_text_caption(tmp_path: Path) -> None:
    """MIRC's editor puts an image in a section's text as <image href="original"><image
    src="shown"/></image>, its caption in the text-caption that follows."""
    folder = tmp_path / "a"
    folder.mkdir()
    shutil.copyfile(FIXTURE / "ct2.jpg", folder / "IMG0002_base.jpeg")
    shutil.copyfile(FIXTURE / "ct2.jpg", folder / "IMG0002.jpeg")
    shutil.copyfile(FIXTURE / "ct2.jpg", folder / "IMG0003.jpeg")
    document(folder, (
        '<section heading="History"><p>A 60-year-old with a painful toe.</p></section>'
        '<section heading="Findings"><p>Erosions.</p>'
        '<image href="IMG0002.jpeg"><image src="IMG0002_base.jpeg"/></image>'
        '<text-caption display="always" jump-buttons="yes">Foot radiograph, oblique</text-caption>'
        '<IMAGE SRC="IMG0003.jpeg" Width="300"/><text-caption>Foot radiograph: erosions (arrow).'
        "</text-caption></section>"
        '<section heading="Diagnosis"><p>Gout</p></section>'))
    imported = import_mirc(folder, tmp_path / "content", case_id="case-f")
    case = yaml.safe_load(imported.case_file.read_text(encoding="utf-8"))
    assert [f.get("caption") for f in case["figures"]] == [
        "Foot radiograph, oblique", "Foot radiograph: erosions (arrow)."]
    assert case["findings"] == ["Erosions."]  # the captions are not findings
    assert any("original-dimensions" in line or "image" in line
               for line in imported.summary.lines())


def test_a_whole_case_in_one_section_is_split_at_its_run_in_headings(tmp_path: Path) -> None:
    folder = document(tmp_path / "a", (
        '<section heading="Case"><P><B>History:</B> A 74-year-old with back pain.</P>'
        "<P><B>Technique:</B> 740 MBq Tc-99m MDP.</P><P><B>Findings:</B> Diffuse uptake.</P>"
        '</section><section heading="Answer"><P><B>Diagnosis:</B> Superscan.</P>'
        "<P><B>DDx:</B></P><P>1. Renal osteodystrophy<BR/>2. Paget disease (polyostotic - "
        "but bone-shaped)</P></section>"))
    case = imported_case(folder)
    assert case["history"] == "A 74-year-old with back pain."
    assert case["findings"] == ["Diffuse uptake."]
    assert case["diagnosis"] == "Superscan."
    assert case["differential"] == ["Renal osteodystrophy",
                                    "Paget disease (polyostotic - but bone-shaped)"]
    assert case["discussion"] == "**Technique**\n\n740 MBq Tc-99m MDP."


def test_a_section_without_run_in_headings_of_fields_stays_whole(tmp_path: Path) -> None:
    folder = document(tmp_path / "a", BASICS + (
        '<section heading="Discussion"><p><b>Note:</b> gout is common.</p><p>More.</p>'
        "</section>"))
    assert imported_case(folder)["discussion"] == "**Note:** gout is common.\n\nMore."


def test_a_history_naming_the_diagnosis_is_kept_marked_and_said(tmp_path: Path) -> None:
    """The author's teaching file showed it so ("biopsy: gout"): the import keeps it, marks it
    history_names_answer: true, and the summary says so, so the case builds."""
    folder = document(tmp_path / "a", (
        '<section heading="History"><p>A 60-year-old; aspiration showed gout.</p></section>'
        '<section heading="Diagnosis"><p>Gout</p></section>'))
    imported = import_mirc(folder, tmp_path / "content")
    case = yaml.safe_load(imported.case_file.read_text(encoding="utf-8"))
    assert case["history_names_answer"] is True
    assert any("the history names the answer ('gout')" in line
               for line in imported.summary.lines())


def test_a_draft_titled_with_the_patients_id_is_titled_by_its_diagnosis(tmp_path: Path) -> None:
    folder = tmp_path / "a"
    folder.mkdir()
    (folder / "MIRCdocument.xml").write_text(
        '<?xml version="1.0"?><MIRCdocument><title>PAT-40817: NGUYEN^LINDA</title>'
        "<patient><pt-name>NGUYEN^LINDA</pt-name><pt-id>PAT-40817</pt-id></patient>"
        '<section heading="History"><p>A 31-year-old with numbness.</p></section>'
        '<section heading="Diagnosis"><p>Multiple sclerosis. Relapsing form (McDonald).</p>'
        "</section></MIRCdocument>", encoding="utf-8")
    imported = import_mirc(folder, tmp_path / "content")
    case = yaml.safe_load(imported.case_file.read_text(encoding="utf-8"))
    assert case["title"] == "Multiple sclerosis"
    assert "NGUYEN" not in imported.case_file.read_text(encoding="utf-8").upper()


@pytest.mark.parametrize(("written", "author"), [
    ("Wade Hedegard, MD", {"name": "Wade Hedegard", "degrees": "MD"}),
    ("M. Castellanos MD", {"name": "M. Castellanos", "degrees": "MD"}),
    ("John Smith MD PhD", {"name": "John Smith", "degrees": "MD PhD"}),
    ("PD Dr. med. Anna Weber", {"name": "PD Dr. med. Anna Weber"}),
    ("Maria Lopez", {"name": "Maria Lopez"}),
])
def test_author_names_and_degrees_as_people_write_them(written: str, author: dict) -> None:
    from casedocs.interchange.mirc_import import _author

    assert _author(written) == author
