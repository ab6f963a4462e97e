"""Merging two records of one person, and undoing it."""

from datetime import UTC, date, datetime

import pytest

from onestory.access.models import AccessGrant, Allocation, AuditEvent, Consent, RecordRestriction
from onestory.access.tests.factories import (
    AccessGrantFactory,
    AllocationFactory,
    ConsentFactory,
    RecordRestrictionFactory,
)
from onestory.core.errors import DomainError
from onestory.people import merging
from onestory.people.models import (
    Address,
    ChronologyEntry,
    DuplicateCandidate,
    HouseholdMember,
    Person,
    PersonMerge,
    PersonName,
    Relationship,
)
from onestory.people.tests.factories import (
    AddressFactory,
    HouseholdMemberFactory,
    PersonFactory,
    RelationshipFactory,
)
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
LATER = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
REASON = "Same NHS number and date of birth; the school confirmed the change of name."


@pytest.fixture
def resolver():
    return worker_with_role(Role.FRONT_DOOR)


@pytest.fixture
def pair():
    kept = PersonFactory(given_name="Robert", family_name="Smyth", date_of_birth=date(2016, 5, 9))
    merged = PersonFactory(given_name="Bob", family_name="Smith", date_of_birth=date(2016, 5, 9))
    return kept, merged


def _rows_of(person):
    return {
        "names": set(PersonName.objects.filter(person=person).values_list("pk", flat=True)),
        "addresses": set(Address.objects.filter(person=person).values_list("pk", flat=True)),
        "chronology": set(
            ChronologyEntry.objects.filter(person=person).values_list("pk", flat=True)
        ),
        "allocations": set(Allocation.objects.filter(person=person).values_list("pk", flat=True)),
        "consents": set(Consent.objects.filter(person=person).values_list("pk", flat=True)),
        "grants": set(AccessGrant.objects.filter(person=person).values_list("pk", flat=True)),
        "relationships_from": set(person.relationships_from.values_list("pk", flat=True)),
        "relationships_to": set(person.relationships_to.values_list("pk", flat=True)),
    }


def _give_history(person):
    AddressFactory(person=person, postcode="LU4 0AB")
    ChronologyEntry.objects.create(
        person=person, occurred_at=NOW, category="contact", summary="Contact from school"
    )
    AllocationFactory(person=person)
    ConsentFactory(person=person)
    AccessGrantFactory(person=person)
    RelationshipFactory(to_person=person)
    RelationshipFactory(from_person=person, kind="sibling")


def test_a_merge_moves_everything_about_the_merged_person_to_the_kept_record(pair, resolver):
    kept, merged = pair
    _give_history(merged)
    kept_before, merged_before = _rows_of(kept), _rows_of(merged)

    merge = merging.person_merge(
        kept_id=kept.pk, merged_id=merged.pk, reason=REASON, acting_user=resolver, now=NOW
    )

    kept_after = _rows_of(kept)
    for kind, rows in merged_before.items():
        assert rows <= kept_after[kind], kind
        assert kept_before[kind] <= kept_after[kind], kind
    moved = {(m["model"], m["pk"], m["field"]) for m in merge.moved}
    assert ("access.consent", str(next(iter(merged_before["consents"]))), "person") in moved
    assert (
        "people.relationship",
        str(next(iter(merged_before["relationships_to"]))),
        "to_person",
    ) in moved
    assert len(merge.moved) == sum(len(rows) for rows in merged_before.values())
    merged.refresh_from_db()
    assert merged.merged_into == kept


def test_a_merge_is_written_in_both_chronologies_and_audited_on_both_records(pair, resolver):
    kept, merged = pair
    merge = merging.person_merge(
        kept_id=kept.pk, merged_id=merged.pk, reason=REASON, acting_user=resolver, now=NOW
    )
    for person in (kept, merged):
        entry = ChronologyEntry.objects.get(person=person, source_id=str(merge.pk))
        assert REASON in entry.summary
        event = AuditEvent.objects.get(person_id=person.pk, action="merge")
        assert event.actor == resolver
        assert event.reason == REASON


def test_undo_moves_exactly_the_moved_rows_back(pair, resolver):
    kept, merged = pair
    _give_history(merged)
    AddressFactory(person=kept, postcode="LU1 3QQ")
    kept_before, merged_before = _rows_of(kept), _rows_of(merged)
    merge = merging.person_merge(
        kept_id=kept.pk, merged_id=merged.pk, reason=REASON, acting_user=resolver, now=NOW
    )
    added_since = ChronologyEntry.objects.create(
        person=kept, occurred_at=LATER, category="contact", summary="Contact from the police"
    )

    merging.person_unmerge(
        merge_id=merge.pk,
        reason="These are twins, not one person.",
        acting_user=resolver,
        now=LATER,
    )

    kept_after, merged_after = _rows_of(kept), _rows_of(merged)
    merge_entries = set(
        ChronologyEntry.objects.filter(source_type="people.personmerge").values_list(
            "pk", flat=True
        )
    )
    for kind in kept_before:
        if kind == "chronology":
            assert merged_after[kind] - merge_entries == merged_before[kind]
            assert kept_after[kind] - merge_entries == kept_before[kind] | {added_since.pk}
        else:
            assert merged_after[kind] == merged_before[kind], kind
            assert kept_after[kind] == kept_before[kind], kind
    merged.refresh_from_db()
    merge.refresh_from_db()
    assert merged.merged_into is None
    assert merge.undone_by == resolver and merge.undone_at == LATER
    assert AuditEvent.objects.filter(action="unmerge", person_id=merged.pk).exists()
    assert AuditEvent.objects.filter(action="unmerge", person_id=kept.pk).exists()


def test_merging_an_already_merged_record_is_refused(pair, resolver):
    kept, merged = pair
    other = PersonFactory()
    merging.person_merge(
        kept_id=kept.pk, merged_id=merged.pk, reason=REASON, acting_user=resolver, now=NOW
    )
    with pytest.raises(DomainError, match="already been merged"):
        merging.person_merge(
            kept_id=other.pk, merged_id=merged.pk, reason=REASON, acting_user=resolver, now=NOW
        )
    with pytest.raises(DomainError, match="already been merged"):
        merging.person_merge(
            kept_id=merged.pk, merged_id=other.pk, reason=REASON, acting_user=resolver, now=NOW
        )
    assert PersonMerge.objects.count() == 1


def test_undoing_twice_is_refused(pair, resolver):
    kept, merged = pair
    merge = merging.person_merge(
        kept_id=kept.pk, merged_id=merged.pk, reason=REASON, acting_user=resolver, now=NOW
    )
    merging.person_unmerge(
        merge_id=merge.pk, reason="Twins, not one person.", acting_user=resolver, now=LATER
    )
    with pytest.raises(DomainError, match="already been undone"):
        merging.person_unmerge(
            merge_id=merge.pk, reason="Twins, not one person.", acting_user=resolver, now=LATER
        )


def test_a_record_cannot_be_merged_into_itself(pair, resolver):
    kept, _ = pair
    with pytest.raises(DomainError, match="two different records"):
        merging.person_merge(
            kept_id=kept.pk, merged_id=kept.pk, reason=REASON, acting_user=resolver, now=NOW
        )


def test_a_merge_needs_a_reason(pair, resolver):
    kept, merged = pair
    with pytest.raises(DomainError) as refusal:
        merging.person_merge(
            kept_id=kept.pk, merged_id=merged.pk, reason="same", acting_user=resolver, now=NOW
        )
    assert refusal.value.field == "reason"
    assert Person.objects.get(pk=merged.pk).merged_into is None


def test_only_front_door_and_managers_may_merge(pair):
    kept, merged = pair
    with pytest.raises(DomainError, match="front door practitioners and team managers"):
        merging.person_merge(
            kept_id=kept.pk,
            merged_id=merged.pk,
            reason=REASON,
            acting_user=worker_with_role(Role.SOCIAL_WORKER),
            now=NOW,
        )


def test_a_restriction_on_the_merged_record_follows_it_to_the_kept_record(pair):
    kept, merged = pair
    screener = worker_with_role(Role.FRONT_DOOR)
    RecordRestrictionFactory(person=merged)
    AccessGrantFactory(person=merged, worker=screener, kind=AccessGrant.Kind.RESTRICTED)
    merging.person_merge(
        kept_id=kept.pk, merged_id=merged.pk, reason=REASON, acting_user=screener, now=NOW
    )
    assert RecordRestriction.objects.filter(person=kept).exists()


def test_a_restricted_record_cannot_be_merged_by_someone_not_named_on_it(pair, resolver):
    kept, merged = pair
    RecordRestrictionFactory(person=merged)
    with pytest.raises(DomainError, match="cannot be found"):
        merging.person_merge(
            kept_id=kept.pk, merged_id=merged.pk, reason=REASON, acting_user=resolver, now=NOW
        )


def test_rows_their_own_table_will_not_let_move_stay_with_the_merged_record(pair, resolver):
    kept, merged = pair
    home = HouseholdMemberFactory(person=kept).household
    membership = HouseholdMemberFactory(person=merged, household=home)
    between = RelationshipFactory(from_person=merged, to_person=kept, kind="sibling")
    merge = merging.person_merge(
        kept_id=kept.pk, merged_id=merged.pk, reason=REASON, acting_user=resolver, now=NOW
    )
    assert HouseholdMember.objects.get(pk=membership.pk).person_id == merged.pk
    assert Relationship.objects.get(pk=between.pk).from_person_id == merged.pk
    assert str(membership.pk) not in {m["pk"] for m in merge.moved}
    detail = AuditEvent.objects.get(action="merge", person_id=kept.pk).detail
    assert {s["pk"] for s in detail["stayed"]} == {str(membership.pk), str(between.pk)}


def test_a_merge_closes_the_pair_in_the_queue_and_undo_reopens_it(pair, resolver):
    kept, merged = pair
    low, high = sorted([kept.pk, merged.pk])
    candidate = DuplicateCandidate.objects.create(person_a_id=low, person_b_id=high, score=80)
    merge = merging.person_merge(
        kept_id=kept.pk, merged_id=merged.pk, reason=REASON, acting_user=resolver, now=NOW
    )
    candidate.refresh_from_db()
    assert candidate.status == DuplicateCandidate.Status.MERGED
    merging.person_unmerge(
        merge_id=merge.pk, reason="Twins, not one person.", acting_user=resolver, now=LATER
    )
    candidate.refresh_from_db()
    assert candidate.status == DuplicateCandidate.Status.OPEN


def test_every_link_to_a_person_moves_except_history_and_merge_records():
    labels = {(model._meta.label_lower, field) for model, field in merging.person_links()}
    assert ("people.personname", "person") in labels
    assert ("access.allocation", "person") in labels
    assert ("access.recordrestriction", "person") in labels
    assert not any(label.startswith("people.historical") for label, _ in labels)
    assert ("people.person", "merged_into") not in labels
    assert not any(label == "people.personmerge" for label, _ in labels)


def test_the_page_of_a_merged_record_leads_to_the_kept_record_for_someone_who_may_open_it(
    pair, resolver
):
    kept, merged = pair
    allocated = worker_with_role(Role.SOCIAL_WORKER)
    AllocationFactory(person=kept, worker=allocated)
    merging.person_merge(
        kept_id=kept.pk, merged_id=merged.pk, reason=REASON, acting_user=resolver, now=NOW
    )
    assert merging.kept_record_for(allocated, merged.pk, now=NOW) == kept.pk
    assert merging.kept_record_for(worker_with_role(Role.SOCIAL_WORKER), merged.pk, now=NOW) is None
    assert merging.kept_record_for(allocated, kept.pk, now=NOW) is None


def test_a_chain_of_merges_leads_to_the_last_kept_record(pair, resolver):
    kept, merged = pair
    final = PersonFactory()
    allocated = worker_with_role(Role.SOCIAL_WORKER)
    AllocationFactory(person=final, worker=allocated)
    merging.person_merge(
        kept_id=kept.pk, merged_id=merged.pk, reason=REASON, acting_user=resolver, now=NOW
    )
    merging.person_merge(
        kept_id=final.pk, merged_id=kept.pk, reason=REASON, acting_user=resolver, now=NOW
    )
    assert merging.kept_record_for(allocated, merged.pk, now=NOW) == final.pk


def test_the_page_of_a_merged_away_record_sends_the_worker_to_the_kept_record(
    client, sign_in, pair, resolver
):
    kept, merged = pair
    worker = sign_in(Role.SOCIAL_WORKER)
    AllocationFactory(person=kept, worker=worker)
    merging.person_merge(
        kept_id=kept.pk, merged_id=merged.pk, reason=REASON, acting_user=resolver, now=NOW
    )
    response = client.get(f"/people/{merged.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/people/{kept.pk}/"
    assert "Records merged into this one (1)" in client.get(f"/people/{kept.pk}/").content.decode()


def test_a_merged_away_record_stays_hidden_from_a_worker_who_cannot_open_the_kept_one(
    client, sign_in, pair, resolver
):
    kept, merged = pair
    merging.person_merge(
        kept_id=kept.pk, merged_id=merged.pk, reason=REASON, acting_user=resolver, now=NOW
    )
    sign_in(Role.SOCIAL_WORKER)
    assert client.get(f"/people/{merged.pk}/").status_code == 404
