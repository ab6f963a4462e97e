"""Why a worker is taking data out of onestory. Every download of a table, a claim or a report
asks for its purpose first (access.rules.EXPORT_PURPOSES); the view that serves the file puts
the answer in the audit trail's export event."""

from django.shortcuts import render

from .rules import EXPORT_PURPOSES


def purpose_of(request) -> str | None:
    """The purpose given with the download (?purpose=), or None when none or an unknown one."""
    value = request.GET.get("purpose", "")
    return value if value in EXPORT_PURPOSES else None


def ask_purpose(request, *, what: str):
    """The page asking why, which asks for the same download again with the purpose chosen."""
    kept = [(key, value) for key, values in request.GET.lists() if key != "purpose"
            for value in values]  # fmt: skip
    return render(
        request,
        "access/export_purpose.html",
        {
            "kept": kept,
            "purposes": list(EXPORT_PURPOSES.items()),
            "what": what,
            "error": "purpose" in request.GET,
        },
    )
