"""The council's templates: refused when saved if they name a field that does not exist, locked
against two people's edits, and loaded once from the defaults."""

from datetime import UTC, datetime

import pytest

from onestory.core.errors import DetailsRefused, DomainError, StaleEdit
from onestory.documents import actions_letters as actions
from onestory.documents.default_templates import DEFAULTS, load_default_templates
from onestory.documents.models import LetterTemplate
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 6, 2, 10, tzinfo=UTC)


def _save(user, body, **changes):
    values = {
        "name": "Reminder", "kind": LetterTemplate.Kind.OTHER, "body": body,
        "recipient_kinds": ["parent"], "acting_user": user, "now": NOW,
    } | changes  # fmt: skip
    return actions.template_create(**values)


def test_a_template_naming_an_unknown_field_is_refused_when_saved_with_the_field_named():
    manager = worker_with_role(Role.TEAM_MANAGER)
    with pytest.raises(DetailsRefused) as refused:
        _save(manager, "Dear {{ recipient.name }}, about {{ child.favourite_colour }}")
    assert "{{ child.favourite_colour }}" in refused.value.problems["body"]
    assert not LetterTemplate.objects.exists()


def test_a_manager_saves_a_template_and_a_stale_edit_is_refused():
    manager = worker_with_role(Role.TEAM_MANAGER)
    template = _save(manager, "Dear {{ recipient.name }}")
    edit = {
        "template_id": template.pk, "name": "Reminder", "kind": "other",
        "recipient_kinds": ["parent"], "active": True, "acting_user": manager, "now": NOW,
    }  # fmt: skip
    actions.template_update(version=template.version, body="Hello {{ recipient.name }}", **edit)
    with pytest.raises(StaleEdit):
        actions.template_update(version=template.version, body="Hi", **edit)
    template.refresh_from_db()
    assert template.body == "Hello {{ recipient.name }}"


def test_only_managers_and_administrators_change_templates():
    with pytest.raises(DomainError):
        _save(worker_with_role(Role.SOCIAL_WORKER), "Dear {{ recipient.name }}")


def test_the_defaults_load_once_and_never_overwrite_the_councils_wording():
    added = load_default_templates(now=NOW)
    assert len(added) == len(DEFAULTS) == 4
    LetterTemplate.objects.filter(kind="outcome_letter").update(body="Our own words")
    assert load_default_templates(now=NOW) == []
    assert LetterTemplate.objects.get(kind="outcome_letter").body == "Our own words"
