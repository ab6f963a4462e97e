"""The checks every uploaded file passes before anything is saved: its type found from its
content (never from its name or the browser's word) and on the allow-list, agreeing with its
name; not too big; a zip-based file that is not a zip bomb; an image that opens without
exhausting memory, re-saved without its location and camera metadata; a PDF without scripts,
launch actions or attached files. Each refusal says what is wrong and how to put it right.

No Django here: the limit is passed in, so the checks are tested without a database."""

import email
import email.policy
import hashlib
import io
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

import puremagic
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from onestory.core.errors import DomainError

from .text import extract_text

# Zip-based documents (DOCX, XLSX, ODT): more than any real document holds.
ZIP_MAX_ENTRIES = 2_000
ZIP_MAX_UNCOMPRESSED = 200 * 1024 * 1024
# Office XML compresses about 10 times; a ratio past this is a bomb, not a document.
ZIP_MAX_RATIO = 100
# An image bigger than this many pixels (a 50 megapixel photo) is refused before it is decoded.
IMAGE_MAX_PIXELS = 50_000_000

ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")


@dataclass(frozen=True)
class Accepted:
    """A type on the allow-list: its name for people, the MIME type it is served with, and the
    extensions a file of this type may have (the first is the one offered on download)."""

    name: str
    content_type: str
    extensions: tuple[str, ...]


PDF = Accepted("a PDF", "application/pdf", (".pdf",))
PNG = Accepted("a PNG image", "image/png", (".png",))
JPEG = Accepted("a JPEG image", "image/jpeg", (".jpg", ".jpeg", ".jfif"))
TEXT = Accepted("a plain text file", "text/plain", (".txt",))
EMAIL = Accepted("an email saved as .eml", "message/rfc822", (".eml",))
DOCX = Accepted(
    "a Word document",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    (".docx",),
)
XLSX = Accepted(
    "an Excel spreadsheet",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    (".xlsx",),
)
ODT = Accepted("an OpenDocument text file", "application/vnd.oasis.opendocument.text", (".odt",))
ALLOWED = (PDF, PNG, JPEG, TEXT, EMAIL, DOCX, XLSX, ODT)
ACCEPTED_HINT = "PDF, Word (.docx), Excel (.xlsx), OpenDocument (.odt), JPEG, PNG, .txt or .eml"

# Files people may upload by mistake (or on purpose), named as a person would name them.
KNOWN_OTHERS = {
    ".exe": "a Windows program",
    ".dll": "a Windows program",
    ".elf": "a Linux program",
    ".doc": "an old-style Office document (.doc, .xls or .msg)",
    ".zip": "a zip archive",
    ".heif": "an iPhone photo in HEIC format",
    ".heic": "an iPhone photo in HEIC format",
    ".gif": "a GIF image",
    ".rar": "a RAR archive",
    ".7z": "a 7-Zip archive",
    ".html": "a web page",
    ".svg": "an SVG drawing",
}


@dataclass(frozen=True)
class CheckedFile:
    """What is saved: the content (images re-saved clean), its type, size, hash and text."""

    content: bytes
    accepted: Accepted
    size: int
    sha256: str
    text: str

    @property
    def content_type(self) -> str:
        return self.accepted.content_type


class FileRefused(DomainError):
    field = "file"


def check_upload(*, name: str, data: bytes, max_bytes: int) -> CheckedFile:
    """The file, checked and cleaned, or FileRefused with the reason and how to fix it."""
    if not data:
        raise FileRefused("The file you chose is empty. Check it opens on your computer.")
    if len(data) > max_bytes:
        raise FileRefused(
            f"The file must be smaller than {_megabytes(max_bytes)}. It is "
            f"{_megabytes(len(data))}: save it smaller (for example a PDF at a lower quality, or "
            "split it into parts) and upload it again."
        )
    accepted, found = _identify(data)
    extension = PurePath(name).suffix.lower()
    if accepted is None:
        raise FileRefused(
            f"This file is {found}, which cannot be uploaded. Upload {ACCEPTED_HINT}."
            + (_HEIC_HINT if found == KNOWN_OTHERS[".heic"] else "")
        )
    if extension not in accepted.extensions:
        said = f"says {extension}" if extension else "has no extension"
        raise FileRefused(
            f"This file's name {said} but the file is {accepted.name}. Check you chose the "
            f"right file; if you did, rename it to end in {accepted.extensions[0]}."
        )
    if accepted in (DOCX, XLSX, ODT):
        _check_zip(data)
    if accepted in (PNG, JPEG):
        data = _clean_image(data, accepted)
    if accepted == PDF:
        _check_pdf(data)
    return CheckedFile(
        content=data,
        accepted=accepted,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        text=extract_text(data, accepted.content_type),
    )


_HEIC_HINT = (
    " On an iPhone, export the photo as JPEG, or set Settings, Camera, Formats to "
    "'Most Compatible'."
)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")


def _identify(data: bytes) -> tuple[Accepted | None, str]:
    """The allowed type the content is, or None and what the content is, in words."""
    if data[:2] == b"MZ":
        return None, KNOWN_OTHERS[".exe"]
    if data[:4] == b"\x7fELF":
        return None, KNOWN_OTHERS[".elf"]
    try:
        matches = puremagic.magic_string(data)
    except puremagic.PureError:
        matches = []
    mimes = {m.mime_type for m in matches}
    extensions = {m.extension.lower() for m in matches}
    for accepted in (PDF, PNG, JPEG):
        if accepted.content_type in mimes:
            return accepted, accepted.name
    if data.startswith(ZIP_SIGNATURES):
        return _identify_zip(data)
    if not matches or ".eml" in extensions:
        return _identify_text(data)
    for extension in (".heic", ".heif", ".exe", ".dll", ".doc", ".gif", ".rar", ".7z"):
        if extension in extensions:
            return None, KNOWN_OTHERS[extension]
    return None, f"of a type not accepted ({matches[0].name or matches[0].extension})"


def _identify_zip(data: bytes) -> tuple[Accepted | None, str]:
    """A DOCX, XLSX or ODT by what is inside the zip (their first bytes are all the same)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            mimetype = b""
            if "mimetype" in names:
                with archive.open("mimetype") as entry:
                    mimetype = entry.read(100).strip()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        return None, "a damaged zip archive"
    if "[Content_Types].xml" in names and "word/document.xml" in names:
        return DOCX, DOCX.name
    if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
        return XLSX, XLSX.name
    if mimetype == ODT.content_type.encode() and "content.xml" in names:
        return ODT, ODT.name
    return None, KNOWN_OTHERS[".zip"]


def _identify_text(data: bytes) -> tuple[Accepted | None, str]:
    """Plain text (UTF-8, no control bytes), or an email saved as text."""
    if b"\x00" in data:
        return None, "of a type not recognised"
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, "of a type not recognised"
    message = email.message_from_string(text[:65536], policy=email.policy.default)
    if message["From"] and (message["Date"] or message["Subject"]) and message["MIME-Version"]:
        return EMAIL, EMAIL.name
    return TEXT, TEXT.name


def _check_zip(data: bytes) -> None:
    """Refuse a zip bomb, from the archive's directory and first bytes, never extracting it."""
    bomb = (
        "This file looks like a zip bomb: {why}. It cannot be uploaded. If it is a real "
        "document, open it and save it as PDF, then upload that."
    )
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        entries = archive.infolist()
        if len(entries) > ZIP_MAX_ENTRIES:
            raise FileRefused(bomb.format(why=f"it holds more than {ZIP_MAX_ENTRIES} files"))
        total = sum(entry.file_size for entry in entries)
        if total > ZIP_MAX_UNCOMPRESSED:
            raise FileRefused(
                bomb.format(why=f"it unpacks to more than {_megabytes(ZIP_MAX_UNCOMPRESSED)}")
            )
        if total > ZIP_MAX_RATIO * len(data):
            raise FileRefused(
                bomb.format(why=f"it unpacks to over {ZIP_MAX_RATIO} times its own size")
            )
        for entry in entries:
            if entry.is_dir() or entry.file_size < 4:
                continue
            with archive.open(entry) as inner:
                if inner.read(4).startswith(ZIP_SIGNATURES):
                    raise FileRefused(
                        "This file holds another compressed file inside it (for example a "
                        "spreadsheet embedded in a document), which cannot be checked. Open it "
                        "and save it as PDF, then upload that."
                    )


def _clean_image(data: bytes, accepted: Accepted) -> bytes:
    """The image re-saved without its metadata (GPS location, camera, date taken), turned the
    way its EXIF said first; refused if it would take too much memory to open."""
    too_big = (
        f"This image is too large to check (more than {IMAGE_MAX_PIXELS // 1_000_000} "
        "megapixels). Save it at a smaller size, or as PDF, and upload it again."
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.width * image.height > IMAGE_MAX_PIXELS:
                    raise FileRefused(too_big)
                image.load()
                upright = ImageOps.exif_transpose(image)
                out = io.BytesIO()
                icc = image.info.get("icc_profile")
                if accepted == JPEG:
                    if upright.mode not in ("RGB", "L", "CMYK"):
                        upright = upright.convert("RGB")
                    upright.save(out, "JPEG", quality=92, icc_profile=icc)
                else:
                    upright.save(out, "PNG", icc_profile=icc)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise FileRefused(too_big) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise FileRefused(
            f"This file starts like {accepted.name} but cannot be opened as one: it may be "
            "damaged. Open it on your computer, save it again and upload the new copy."
        ) from error
    return out.getvalue()


PDF_ACTIVE = (b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFile", b"/RichMedia", b"/XFA")


def _check_pdf(data: bytes) -> None:
    """Refuse a PDF that runs scripts, launches programs or carries other files inside it.

    The raw bytes are searched as well as the document's catalogue, so a script hidden in a
    compressed object stream is still found when the catalogue points to it."""
    active = (
        "This PDF contains {what}, which could run when it is opened. Print it to a new PDF "
        "(File, Print, Save as PDF) and upload that copy."
    )
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise FileRefused(
                "This PDF is protected by a password, so it cannot be checked or searched. "
                "Save a copy without the password and upload that."
            )
        root = reader.trailer["/Root"]
        names = root.get("/Names") or {}
        if "/EmbeddedFiles" in names:
            raise FileRefused(active.format(what="files attached inside it"))
        if "/JavaScript" in names or "/AA" in root or _script_action(root.get("/OpenAction")):
            raise FileRefused(active.format(what="a script"))
        for page in reader.pages:
            if "/AA" in page:
                raise FileRefused(active.format(what="a script"))
            for annotation in page.get("/Annots") or []:
                annotation = annotation.get_object()
                if _script_action(annotation.get("/A")) or "/AA" in annotation:
                    raise FileRefused(active.format(what="a script or a link to a program"))
                if annotation.get("/Subtype") == "/FileAttachment":
                    raise FileRefused(active.format(what="files attached inside it"))
    except FileRefused:
        raise
    except (PdfReadError, KeyError, ValueError, TypeError, AttributeError, OSError) as error:
        raise FileRefused(
            "This PDF cannot be read: it may be damaged. Open it on your computer, save it "
            "again as PDF and upload the new copy."
        ) from error
    for marker in PDF_ACTIVE:
        if marker in data:
            raise FileRefused(active.format(what="a script or files attached inside it"))


def _script_action(action) -> bool:
    if action is None:
        return False
    action = action.get_object()
    return hasattr(action, "get") and action.get("/S") in ("/JavaScript", "/Launch")
