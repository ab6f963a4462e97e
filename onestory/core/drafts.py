"""Never lose what was typed: a long form's answers are saved as a private draft as they are typed,
and given back to their author when they open the same form again, until the form is sent.

A form opts in with `{% form_draft form %}` inside it (core/templatetags/drafts.py). That puts a
signed token in the form, naming the form's page and the worker it was shown to; the page's script
(static/onestory/autosave.mjs) sends the answers with the token to the save view a few seconds
after typing stops. Only the worker the token was made for can save under it, and only for the
form they were shown (the page that showed it applied that record's access rules), so the save
view needs no rule of its own. When the form is sent and the service answers with a redirect (it
was accepted), `FormDraftMiddleware` deletes the draft; a refused form is shown again with its
errors and the draft stays.

This is for the forms that change a record in one go (an assessment's findings, a plan, a handover
summary). Records with a draft state of their own (case notes, early help assessments) save to the
record itself as it is typed instead.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from django.contrib import messages
from django.core import signing

from .models import FormDraft

SALT = "onestory.core.drafts"
TOKEN_FIELD = "_draft"  # noqa: S105 (a form field's name, not a secret)
# A token lasts a working day and a bit: longer than the absolute session (10 hours), so a form
# left open all day can still be saved once its author signs back in.
TOKEN_MAX_AGE = timedelta(hours=12)
# How long an unsent draft is kept. A worker away for a fortnight's leave comes back to it; after
# that it is personal data kept with no purpose, deleted when its form is next opened or its
# author next saves any draft.
KEEP_FOR = timedelta(days=30)
# Bigger than any real form's answers (the longest textareas hold a few pages); refuses abuse.
MAX_CHARACTERS = 200_000
# Never kept: the request's own CSRF token and the draft token itself.
NOT_KEPT = frozenset({"csrfmiddlewaretoken", TOKEN_FIELD})
# The session's note of the form last accepted, for the next page that shows it.
ACCEPTED = "onestory.drafts.accepted"


class DraftRefused(Exception):
    """The save cannot be taken: says why, in words for the person typing."""


def form_key(path: str, form) -> str:
    name = type(form).__name__
    return f"{path}#{name}-{form.prefix}" if form.prefix else f"{path}#{name}"


def token_for(user, key: str) -> str:
    return signing.dumps({"u": user.pk, "k": key}, salt=SALT, compress=True)


def key_from_token(user, token: str) -> str:
    """The form a token names, if it was made for this user and is still fresh."""
    try:
        value = signing.loads(token, salt=SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature as error:
        raise DraftRefused(
            "Not saved: this page is too old to save from. Copy what you typed, then reload it."
        ) from error
    if value.get("u") != user.pk:
        raise DraftRefused("Not saved: this form was opened by someone else.")
    return value["k"]


def draft_save(*, user, token: str, fields: list[tuple[str, str]], now: datetime) -> FormDraft:
    key = key_from_token(user, token)
    kept = [[name, value] for name, value in fields if name not in NOT_KEPT]
    if len(json.dumps(kept)) > MAX_CHARACTERS:
        raise DraftRefused(
            "Not saved: the answers are too long to keep as a draft. Send the form to save them."
        )
    # The author's drafts left unsent too long go as they write the next one.
    FormDraft.objects.filter(user=user, saved_at__lt=now - KEEP_FOR).delete()
    draft, _ = FormDraft.objects.update_or_create(
        user=user, key=key, defaults={"fields": kept, "saved_at": now}
    )
    return draft


def draft_discard(*, user, token: str) -> None:
    FormDraft.objects.filter(user=user, key=key_from_token(user, token)).delete()


def just_accepted(session, key: str) -> bool:
    """Whether this form was accepted by the request before this one (then said only once)."""
    if session.get(ACCEPTED) != key:
        return False
    del session[ACCEPTED]
    return True


def draft_for(*, user, key: str, now: datetime) -> FormDraft | None:
    """The author's unsent draft of this form, if one is kept; an old one is deleted instead."""
    draft = FormDraft.objects.filter(user=user, key=key).first()
    if draft is not None and now - draft.saved_at > KEEP_FOR:
        draft.delete()
        return None
    return draft


def _refused(request) -> bool:
    """Whether the view refused the form with an error message (shown on the page it redirects
    to). Django's message storage has no public way to look without using the messages up."""
    queued = getattr(getattr(request, "_messages", None), "_queued_messages", ())
    return any(message.level >= messages.ERROR for message in queued)


class FormDraftMiddleware:
    """Deletes the draft of a form once the service has accepted it: answered with a redirect and
    no error message. A refusal (the form shown again, or a redirect with an error) keeps it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.method == "POST"
            and 300 <= response.status_code < 400
            and request.user.is_authenticated
            and TOKEN_FIELD in request.POST
            and not _refused(request)
        ):
            try:
                key = key_from_token(request.user, request.POST[TOKEN_FIELD])
            except DraftRefused:
                return response  # an old or foreign token names no draft of this user's
            FormDraft.objects.filter(user=request.user, key=key).delete()
            # The page redirected to may show the same form again ("save and come back later"):
            # it tells the browser to forget its own copy too (form_draft, ACCEPTED).
            request.session[ACCEPTED] = key
        return response
