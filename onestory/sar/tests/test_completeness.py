"""A subject access bundle reads every model that holds data about a person, or names it as left
out with a reason: a model added later that points at a person fails here until it is one or the
other."""

import pytest
from django.apps import apps
from django.utils import timezone

from onestory.people.models import Person
from onestory.people.tests.factories import PersonFactory
from onestory.sar import bundle

pytestmark = pytest.mark.django_db

# Django's own and sign-in apps hold workers' accounts, never people's records.
ACCOUNT_APPS = {"auth", "contenttypes", "sessions", "admin", "axes", "workforce"}


def _relations(model):
    return [
        f
        for f in model._meta.get_fields()
        if f.concrete and f.is_relation and f.related_model is not None
    ]


def _soft_pointer(model) -> bool:
    """A plain column holding a person's id (for example the audit log's person_id)."""
    return any(
        not f.is_relation and (f.name == "person_id" or f.name.endswith("_person_id"))
        for f in model._meta.concrete_fields
    )


def person_models(models, reference) -> set[str]:
    """Labels of the models whose rows are about a person: those pointing at people.Person
    (foreign key, one-to-one, many-to-many, or a plain person_id column), the parent rows they
    hang from (an episode, a contact, a meeting), and every row hanging from those in turn (a
    plan's reviews, a discussion's participants). Shared reference rows are not looked below."""
    models = [m for m in models if m._meta.app_label not in ACCOUNT_APPS]
    direct = {
        m
        for m in models
        if m is not Person
        and (any(f.related_model is Person for f in _relations(m)) or _soft_pointer(m))
    }
    parents = {
        f.related_model
        for m in direct
        for f in _relations(m)
        if f.related_model is not Person and f.related_model in models
    }
    reached = direct | parents
    expand = {m for m in reached if m._meta.label not in reference} | {Person}
    grew = True
    while grew:
        grew = False
        for m in models:
            if m in reached or m is Person:
                continue
            if any(f.related_model in expand and not f.many_to_many for f in _relations(m)):
                reached.add(m)
                if m._meta.label not in reference:
                    expand.add(m)
                grew = True
    return {m._meta.label for m in reached}


def uncovered(found: set[str], read, excluded, reference) -> list[str]:
    return sorted(found - set(read) - set(excluded) - set(reference))


@pytest.fixture(scope="module")
def found():
    return person_models(apps.get_models(), bundle.REFERENCE)


@pytest.fixture
def read():
    built = bundle.build(PersonFactory(), "subject", today=timezone.localdate())
    return built.read


def test_every_model_about_a_person_is_read_or_left_out_with_a_reason(found, read):
    missing = uncovered(found, read, bundle.EXCLUDED, bundle.REFERENCE)
    assert missing == [], (
        f"{missing}: read them in sar.bundle.build() or add them to sar.bundle.EXCLUDED with why"
    )


def test_a_new_model_pointing_at_a_person_would_be_reported(found, read):
    # As if the bundle had never read meeting invitees or Supporting Families claims.
    dropped = {"earlyhelp.MeetingInvitee", "earlyhelp.SupportingFamiliesClaim"}
    assert uncovered(found, set(read) - dropped, bundle.EXCLUDED, bundle.REFERENCE) == sorted(
        dropped
    )


def test_the_walk_reaches_rows_that_hang_from_a_parent(found):
    # Through a plan, a care period, an episode, a discussion; and the audit log's plain column.
    for label in ("socialcare.ChildInNeedReview", "socialcare.LegalStatus",
                  "earlyhelp.SupportingFamiliesClaim", "socialcare.StrategyParticipant",
                  "earlyhelp.MeetingInvitee", "access.AuditEvent"):  # fmt: skip
        assert label in found, label


def test_the_left_out_lists_are_current_and_give_reasons(found, read):
    for label, reason in {**bundle.EXCLUDED, **bundle.REFERENCE}.items():
        assert apps.get_model(label), label
        assert len(reason) > 15, label
    assert set(bundle.EXCLUDED) <= found, set(bundle.EXCLUDED) - found
    assert not set(bundle.EXCLUDED) & set(read), set(bundle.EXCLUDED) & set(read)
