"""`{% form_draft form %}`: keep a long form's answers as a private draft as they are typed."""

import json

from django import forms, template
from django.template.loader import render_to_string

from onestory.core import drafts
from onestory.core.clock import LONDON, now

register = template.Library()


@register.simple_tag(takes_context=True)
def form_draft(context, form, page: str = "") -> str:
    """Inside a <form>: the draft token, the status line and the script; and, on a form not yet
    sent, the author's saved draft for the script to put back. `page` names the page the form
    belongs to when it is also shown by the URL it is sent to (default: this page).

    Only forms someone writes in (with a text area) keep drafts: a form of a few choices loses
    nothing worth keeping.
    """
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return ""
    if not any(isinstance(field.widget, forms.Textarea) for field in form.fields.values()):
        return ""
    key = drafts.form_key(page or request.path, form)
    saved = None if form.is_bound else drafts.draft_for(user=request.user, key=key, now=now())
    return render_to_string(
        "core/form_draft.html",
        {
            "token_field": drafts.TOKEN_FIELD,
            "token": drafts.token_for(request.user, key),
            "device_key": f"onestory.draft.{key}",
            "accepted": drafts.just_accepted(request.session, key),
            "saved": (
                json.dumps(
                    {
                        "fields": saved.fields,
                        "saved_at": saved.saved_at.astimezone(LONDON).strftime("%-d %B at %H:%M"),
                    }
                )
                if saved
                else ""
            ),
        },
        request=request,
    )
