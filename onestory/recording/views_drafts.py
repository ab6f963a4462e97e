"""Saving and discarding the private draft of a long form (onestory.core.drafts)."""

from django.http import JsonResponse
from django.views.decorators.http import require_POST

from onestory.access.decorators import access_rule
from onestory.core import drafts
from onestory.core.clock import LONDON, now


@require_POST
@access_rule("signed_in")
def form_draft(request):
    """The page's script sends the form here as it is typed: JSON {saved_at}, or 400 {message}.

    "signed_in" is enough: the signed token in the form names the worker and the form, and the
    page that made it applied the record's access rules. `discard` deletes the draft instead.
    """
    token = request.POST.get(drafts.TOKEN_FIELD, "")
    try:
        if request.POST.get("discard"):
            drafts.draft_discard(user=request.user, token=token)
            return JsonResponse({"discarded": True})
        draft = drafts.draft_save(
            user=request.user,
            token=token,
            fields=[(name, value) for name, values in request.POST.lists() for value in values],
            now=now(),
        )
    except drafts.DraftRefused as refused:
        return JsonResponse({"message": str(refused)}, status=400)
    return JsonResponse({"saved_at": draft.saved_at.astimezone(LONDON).strftime("%H:%M")})
