"""Long forms keep what was typed (onestory.core.drafts): a draft saved as the worker types is given
back to them alone when they open the form again, kept while the form is refused, and gone once the
form is accepted. The forms here are the social care story so far and handover, and the early help
closure; every form with a text area that carries `{% form_draft form %}` works the same way."""

import html
import json
import re
from datetime import timedelta

import pytest
from django.contrib import messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone

from onestory.access.models import Allocation
from onestory.core import drafts
from onestory.core.models import FormDraft
from onestory.socialcare.models import StorySoFar
from onestory.socialcare.tests.factories import referred_child
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

pytestmark = pytest.mark.django_db

TYPED = "Amira told me about her new school & her friend <Jo>."


def _token(page: str) -> str:
    return html.unescape(re.search(r'name="_draft" value="([^"]+)"', page).group(1))


def _saved_draft(page: str) -> dict | None:
    found = re.search(r'data-draft-saved="([^"]+)"', page)
    return json.loads(html.unescape(found.group(1))) if found else None


@pytest.fixture
def story(client, sign_in):
    """A social worker on their child's "story so far" form: (worker, child, url, token)."""
    worker = sign_in(Role.SOCIAL_WORKER)
    child, _ = referred_child(worker, now=timezone.now())
    url = reverse("socialcare:story-edit", args=[child.pk])
    page = client.get(url).content.decode()
    return worker, child, url, _token(page)


def _save(client, token, **fields):
    return client.post(reverse("recording:form-draft"), {"_draft": token, **fields})


def test_what_was_typed_comes_back_when_the_form_is_opened_again(client, story):
    _, child, url, token = story
    response = _save(client, token, version="0", text=TYPED)
    assert response.status_code == 200
    assert re.fullmatch(r"\d\d:\d\d", response.json()["saved_at"])

    saved = _saved_draft(client.get(url).content.decode())

    assert ["text", TYPED] in saved["fields"] and ["version", "0"] in saved["fields"]
    assert not StorySoFar.objects.filter(person=child).exists()  # not on the record until sent


def test_a_draft_is_its_authors_alone(client, story):
    _, child, url, token = story
    _save(client, token, version="0", text=TYPED)
    colleague = worker_with_role(Role.SOCIAL_WORKER)
    Allocation.objects.create(person=child, worker=colleague, starts_at=timezone.now())
    client.force_login(colleague)

    page = client.get(url).content.decode()

    assert _saved_draft(page) is None and TYPED not in html.unescape(page)
    # Nor can they save under the author's token.
    refused = _save(client, token, version="0", text="Someone else's words")
    assert refused.status_code == 400
    assert "opened by someone else" in refused.json()["message"]
    assert FormDraft.objects.get().fields == [["version", "0"], ["text", TYPED]]


def test_a_tampered_or_missing_token_saves_nothing(client, story):
    _, _, _, token = story
    for bad in (token[:-2] + "xx", ""):
        response = _save(client, bad, text=TYPED)
        assert response.status_code == 400
        assert "reload" in response.json()["message"]
    assert not FormDraft.objects.exists()


def test_the_draft_stays_while_the_form_is_refused_and_goes_once_it_is_accepted(client, story):
    _, child, url, token = story
    _save(client, token, version="0", text=TYPED)

    refused = client.post(url, {"_draft": token, "version": "0", "text": ""})
    assert refused.status_code == 200 and "Write the child" in refused.content.decode()
    assert FormDraft.objects.exists()

    accepted = client.post(url, {"_draft": token, "version": "0", "text": TYPED})
    assert accepted.status_code == 302
    assert StorySoFar.objects.get(person=child).text == TYPED
    assert not FormDraft.objects.exists()
    # The form shown next tells the browser to forget its own copy; once.
    page = client.get(url).content.decode()
    assert _saved_draft(page) is None and "data-draft-accepted" in page
    assert "data-draft-accepted" not in client.get(url).content.decode()


def test_a_refusal_shown_after_a_redirect_keeps_the_draft(client, rf, story):
    """Some forms answer a refusal by sending the worker back with an error message."""
    worker, _, _, token = story
    _save(client, token, version="0", text=TYPED)

    def sent_through(view):
        request = rf.post("/form/", {"_draft": token})
        request.user, request.session = worker, client.session
        request._messages = FallbackStorage(request)
        drafts.FormDraftMiddleware(view)(request)

    def refusing(request):
        messages.error(request, "Choose whether you agree with the decision.")
        return HttpResponseRedirect("/somewhere/")

    sent_through(refusing)
    assert FormDraft.objects.exists()
    sent_through(lambda request: HttpResponseRedirect("/somewhere/"))
    assert not FormDraft.objects.exists()


def test_a_draft_left_for_over_a_month_is_deleted_not_given_back(client, story):
    _, _, url, token = story
    _save(client, token, version="0", text=TYPED)
    FormDraft.objects.update(saved_at=timezone.now() - drafts.KEEP_FOR - timedelta(minutes=1))

    assert _saved_draft(client.get(url).content.decode()) is None
    assert not FormDraft.objects.exists()


def test_saving_any_draft_deletes_the_authors_drafts_left_for_over_a_month(client, story):
    worker, _, _, token = story
    FormDraft.objects.create(
        user=worker,
        key="/early-help/episodes/x/close/#CloseForm",
        fields=[["summary", "Old"]],
        saved_at=timezone.now() - drafts.KEEP_FOR - timedelta(days=1),
    )
    _save(client, token, version="0", text=TYPED)
    assert list(FormDraft.objects.values_list("key", flat=True)) == [
        drafts.key_from_token(worker, token)
    ]


def test_forms_of_a_few_choices_keep_no_draft(client, sign_in):
    """Allocation is a choice of worker: nothing typed to lose, so no draft token."""
    manager = sign_in(Role.TEAM_MANAGER)
    child, _ = referred_child(None, now=timezone.now(), team=manager.team)
    page = client.get(reverse("socialcare:allocate", args=[child.pk])).content.decode()
    assert 'name="_draft"' not in page


def test_answers_too_long_to_keep_are_refused_with_the_reason(client, story):
    _, _, _, token = story
    response = _save(client, token, text="x" * (drafts.MAX_CHARACTERS + 1))
    assert response.status_code == 400
    assert "too long to keep as a draft" in response.json()["message"]
    assert not FormDraft.objects.exists()


def test_signing_out_clears_what_the_browser_kept(client, story):
    response = client.post(reverse("access:sign-out"))
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"storage"'


def test_discarding_a_draft_deletes_it(client, story):
    _, _, url, token = story
    _save(client, token, version="0", text=TYPED)
    assert _save(client, token, discard="1").json() == {"discarded": True}
    assert not FormDraft.objects.exists()
    assert _saved_draft(client.get(url).content.decode()) is None
