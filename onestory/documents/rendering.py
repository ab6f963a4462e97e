"""Rendering a template for one recipient: the fields it names read from the record, each value
kept only where the recipient may have it (documents.rules), the result fixed as one HTML
document whose every page (on screen and in the PDF) carries the record's reference and the
recipient's name."""

from django.template.loader import render_to_string
from django.utils.html import escape

from . import rules
from .fields import Recipient, Record, values_for

NOT_RECORDED = "(not recorded)"


def _shown(value, kind: str) -> str:
    if not rules.may_receive(kind, value.sources):
        return rules.WITHHELD_TEXT
    return value.text or NOT_RECORDED


def render_body(body: str, values: dict, kind: str) -> str:
    """The body as HTML paragraphs (a blank line starts a new one), every field's value escaped
    and replaced by WITHHELD_TEXT where this kind of recipient must not have it."""

    def fill(text: str) -> str:
        out, last = [], 0
        for match in rules.PLACEHOLDER.finditer(text):
            out.append(escape(text[last : match.start()]))
            out.append(escape(_shown(values[match.group(1)], kind)))
            last = match.end()
        out.append(escape(text[last:]))
        return "".join(out).replace("\n", "<br>\n")

    paragraphs = [p.strip() for p in body.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return "\n".join(f"<p>{fill(p)}</p>" for p in paragraphs)


def render_letter(*, title: str, body: str, record: Record, recipient: Recipient) -> str:
    """The whole letter for one recipient, as the standalone HTML document that is kept."""
    values = values_for(record, recipient, rules.placeholders(body))
    return render_to_string(
        "documents/pdf_letter.html",
        {
            "title": title,
            "reference": record.reference,
            "recipient_name": recipient.name,
            "content": render_body(body, values, recipient.kind),
        },
    )


def letter_pdf(html: str) -> bytes:
    """The kept HTML as an A4 PDF (WeasyPrint), tagged for screen readers."""
    import weasyprint  # Pango is loaded only when a PDF is made.

    return weasyprint.HTML(string=html).write_pdf(pdf_tags=True)
