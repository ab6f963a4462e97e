"""Search across case notes and documents: a POST form, so the words (often a child's name)
never appear in a URL, a browser's history or a server log."""

from django.shortcuts import render

from onestory.access.decorators import access_rule
from onestory.core.clock import now
from onestory.workforce.rules import CASE_ROLES

from . import search as searching
from .forms_documents import SearchForm


@access_rule("signed_in", roles=CASE_ROLES)
def search(request):
    """The search form; on POST, one page of what the worker may open that matches."""
    form = SearchForm(request.POST if request.method == "POST" else None)
    found = None
    if request.method == "POST" and form.is_valid():
        found = searching.search(
            request.user,
            form.cleaned_data["q"],
            now=now(),
            page=form.cleaned_data["page"] or 1,
            request=request,
        )
    return render(request, "documents/search.html", {"form": form, "found": found})
