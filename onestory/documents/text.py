"""The words in a checked document, kept for search: PDF text with pypdf, Word and OpenDocument
paragraphs and Excel's shared strings read from their XML with defusedxml (no entity tricks),
plain text and an email's text parts. Bounded: at most MAX_CHARS characters, MAX_PAGES pages
and MAX_SECONDS of work on a PDF, MAX_XML_BYTES of XML; a file whose text cannot be read is
kept without text, never refused for it."""

import email
import email.policy
import io
import time
import zipfile

from defusedxml import ElementTree
from pypdf import PdfReader

MAX_CHARS = 500_000
MAX_PAGES = 300
MAX_SECONDS = 10.0
MAX_XML_BYTES = 30 * 1024 * 1024

WORD = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
SHEET = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
ODF_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"


def extract_text(data: bytes, content_type: str, *, clock=time.monotonic) -> str:
    """The document's text for search ("" for images and unreadable files)."""
    readers = {
        "application/pdf": _pdf,
        "text/plain": _plain,
        "message/rfc822": _email,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document": _docx,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": _xlsx,
        "application/vnd.oasis.opendocument.text": _odt,
    }
    reader = readers.get(content_type)
    if reader is None:
        return ""
    try:
        text = reader(data, clock) if reader is _pdf else reader(data)
    except Exception:  # noqa: BLE001 - pypdf and XML readers raise many kinds; text is a nicety
        return ""
    return _tidy(text)[:MAX_CHARS]


def _tidy(text: str) -> str:
    lines = (" ".join(line.split()) for line in text.replace("\x00", "").splitlines())
    return "\n".join(line for line in lines if line)


def _pdf(data: bytes, clock) -> str:
    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        reader.decrypt("")
    deadline = clock() + MAX_SECONDS
    parts, size = [], 0
    for number, page in enumerate(reader.pages):
        if number >= MAX_PAGES or size >= MAX_CHARS or clock() > deadline:
            break
        words = page.extract_text() or ""
        parts.append(words)
        size += len(words)
    return "\n".join(parts)


def _plain(data: bytes) -> str:
    return data[: MAX_CHARS * 4].decode("utf-8-sig", errors="replace")


def _email(data: bytes) -> str:
    message = email.message_from_bytes(data, policy=email.policy.default)
    parts = [f"{message['Subject'] or ''}"]
    for part in message.walk():
        if part.get_content_type() == "text/plain" and not part.is_attachment():
            parts.append(part.get_content())
    return "\n".join(parts)


def _xml(archive: zipfile.ZipFile, name: str):
    with archive.open(name) as entry:
        return ElementTree.fromstring(entry.read(MAX_XML_BYTES))


def _paragraphs(root, paragraph: str, run_text: str) -> str:
    lines = []
    for para in root.iter(paragraph):
        lines.append("".join(node.text or "" for node in para.iter(run_text)))
    return "\n".join(lines)


def _docx(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return _paragraphs(_xml(archive, "word/document.xml"), f"{WORD}p", f"{WORD}t")


def _odt(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        root = _xml(archive, "content.xml")
    lines = ["".join(para.itertext()) for para in root.iter() if para.tag in _ODF_BLOCKS]
    return "\n".join(lines)


_ODF_BLOCKS = {f"{ODF_TEXT}p", f"{ODF_TEXT}h"}


def _xlsx(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if "xl/sharedStrings.xml" not in archive.namelist():
            return ""
        root = _xml(archive, "xl/sharedStrings.xml")
    return "\n".join("".join(t.text or "" for t in item.iter(f"{SHEET}t")) for item in root)
