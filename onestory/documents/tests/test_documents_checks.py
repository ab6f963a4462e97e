"""The checks every upload passes (no database: they are pure functions of the file)."""

import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from PIL import ExifTags, Image
from pypdf import PdfWriter
from pypdf.actions import JavaScript

from onestory.documents import checks
from onestory.documents.checks import FileRefused, check_upload

DATA = Path(__file__).parent / "data"
MB = 1024 * 1024


def _check(name: str, data: bytes, max_bytes: int = 20 * MB):
    return check_upload(name=name, data=data, max_bytes=max_bytes)


def _refusal(name: str, data: bytes, **kwargs) -> str:
    with pytest.raises(FileRefused) as refused:
        _check(name, data, **kwargs)
    return refused.value.message


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return out.getvalue()


def docx(text: str = "Notes of the core group", **extra: bytes) -> bytes:
    body = (
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>"
    )
    return _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": body.encode(), **extra})


def jpeg_with_location() -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Phone maker"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (51.0, 52.0, 43.0),
        ExifTags.GPS.GPSLongitudeRef: "W",
        ExifTags.GPS.GPSLongitude: (0.0, 25.0, 1.0),
    }
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(out, "JPEG", exif=exif)
    return out.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge picture (its pixels are never there)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def test_a_pdf_is_accepted_with_its_text_hash_and_size():
    data = (DATA / "school-letter.pdf").read_bytes()
    checked = _check("Letter from school.PDF", data)
    assert checked.content_type == "application/pdf"
    assert checked.size == len(data)
    assert len(checked.sha256) == 64
    assert "attendance officer will visit" in checked.text


def test_a_windows_program_renamed_to_pdf_is_refused_saying_what_it_is():
    message = _refusal("report.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200)
    assert "Windows program" in message
    assert "cannot be uploaded" in message


def test_a_pdf_named_as_a_word_document_is_refused_with_the_fix():
    data = (DATA / "school-letter.pdf").read_bytes()
    message = _refusal("minutes.docx", data)
    assert message == (
        "This file's name says .docx but the file is a PDF. Check you chose the right file; "
        "if you did, rename it to end in .pdf."
    )


def test_a_file_bigger_than_the_limit_is_refused_with_both_sizes():
    message = _refusal("big.txt", b"a" * (3 * MB), max_bytes=2 * MB)
    assert "smaller than 2 MB" in message
    assert "It is 3 MB" in message


def test_an_empty_file_is_refused():
    assert "empty" in _refusal("nothing.txt", b"")


def test_a_word_document_is_accepted_with_its_paragraphs_as_text():
    checked = _check("core group.docx", docx("Core group met at the school"))
    assert checked.accepted == checks.DOCX
    assert checked.text == "Core group met at the school"


def test_a_zip_bomb_that_unpacks_far_past_its_size_is_refused():
    data = docx(**{"word/media/padding.bin": b"\x00" * (20 * MB)})
    assert len(data) < MB  # small on disk, huge unpacked
    message = _refusal("innocent.docx", data)
    assert "zip bomb" in message
    assert f"over {checks.ZIP_MAX_RATIO} times its own size" in message


def test_a_zip_bomb_past_the_total_unpacked_limit_is_refused(monkeypatch):
    monkeypatch.setattr(checks, "ZIP_MAX_UNCOMPRESSED", 1000)
    message = _refusal("innocent.docx", docx(**{"word/big.xml": b"<x/>" * 400}))
    assert "unpacks to more than" in message


def test_a_zip_with_too_many_files_inside_is_refused():
    extra = {f"word/part{i}.xml": b"<x/>" for i in range(checks.ZIP_MAX_ENTRIES)}
    assert "more than 2000 files" in _refusal("many.docx", docx(**extra))


def test_a_document_holding_another_zip_is_refused():
    inner = _zip({"a.txt": b"hello"})
    message = _refusal("nested.docx", docx(**{"word/embeddings/sheet.xlsx": inner}))
    assert "another compressed file inside it" in message


def test_a_plain_zip_is_refused_as_an_archive():
    assert "a zip archive" in _refusal("photos.zip", _zip({"a.txt": b"hello"}))


def test_a_photo_loses_its_location_and_camera_metadata():
    original = jpeg_with_location()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    checked = _check("IMG_0001.jpg", original)
    cleaned = Image.open(io.BytesIO(checked.content))
    assert cleaned.size == (40, 30)
    assert not cleaned.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert ExifTags.Base.Make not in cleaned.getexif()
    assert checked.size == len(checked.content)


def test_an_image_claiming_a_vast_size_is_refused_before_it_is_decoded():
    message = _refusal("scan.png", png_claiming(30_000, 30_000))
    assert "too large to check" in message


def test_an_image_just_over_the_pixel_limit_is_refused(monkeypatch):
    monkeypatch.setattr(checks, "IMAGE_MAX_PIXELS", 100)
    out = io.BytesIO()
    Image.new("RGB", (20, 20)).save(out, "PNG")
    assert "too large to check" in _refusal("scan.png", out.getvalue())


def test_a_pdf_with_javascript_is_refused():
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_open_action(JavaScript("app.alert('hello');"))
    out = io.BytesIO()
    writer.write(out)
    message = _refusal("form.pdf", out.getvalue())
    assert "a script" in message
    assert "Print it to a new PDF" in message


def test_a_pdf_with_a_file_attached_inside_is_refused():
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_attachment("payload.exe", b"MZ" + b"\x00" * 10)
    out = io.BytesIO()
    writer.write(out)
    assert "files attached inside it" in _refusal("letter.pdf", out.getvalue())


def test_plain_text_is_accepted_and_searchable():
    checked = _check("note.txt", "Visit to Mrs Patel’s home\n".encode())
    assert checked.content_type == "text/plain"
    assert checked.text == "Visit to Mrs Patel’s home"


def test_an_email_saved_as_eml_is_accepted_with_its_subject_and_body():
    message = (
        b"From: school@example.org\r\nTo: worker@example.org\r\nSubject: Attendance concern\r\n"
        b"Date: Mon, 2 Mar 2026 09:00:00 +0000\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n\r\nHe missed six days this month.\r\n"
    )
    checked = _check("attendance.eml", message)
    assert checked.content_type == "message/rfc822"
    assert "Attendance concern" in checked.text
    assert "missed six days" in checked.text


def test_an_iphone_heic_photo_is_refused_with_how_to_send_a_jpeg():
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64
    message = _refusal("IMG_0002.heic", heic)
    assert "HEIC" in message
    assert "Most Compatible" in message
