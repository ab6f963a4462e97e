"""What `onestory synth` makes, checked on a tiny town (scale 0.01)."""

from collections import defaultdict
from datetime import date

import pytest
from django.db.models import F, Q

from onestory.access.models import AccessGrant, Allocation, Consent, RecordRestriction
from onestory.people.models import (
    Address,
    HouseholdMember,
    Person,
    PersonName,
    Postcode,
    Relationship,
    Ward,
)
from onestory.people.rules import (
    DISABILITY,
    ETHNICITY,
    age_in_years,
    name_key,
    normalise_nhs_number,
    normalise_upn,
)
from onestory.synthetic.casework import (
    CHILD_IN_NEED_PURPOSES,
    CHILDREN_IN_NEED_AT_SCALE_1,
    CONSENT_PURPOSES,
    PURPOSE_EARLY_HELP,
)
from onestory.synthetic.drafts import REFERENCE_DATE
from onestory.synthetic.families import UPN_YOUNG_ADULTS_UP_TO
from onestory.synthetic.models import PlantedDuplicate, SyntheticRun
from onestory.synthetic.reference import luton_postcodes
from onestory.workforce.models import Agency, Team, Worker

from .conftest import TINY

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tiny_town")]


def _children():
    cutoff = date(REFERENCE_DATE.year - 18, REFERENCE_DATE.month, REFERENCE_DATE.day)
    planted = PlantedDuplicate.objects.values("duplicate_id")
    return Person.objects.filter(
        Q(date_of_birth__gt=cutoff) | Q(date_of_birth__isnull=True)
    ).exclude(pk__in=planted)


def test_wards_are_luton_s_nineteen_with_five_target_wards_and_dated_boundaries():
    wards = Ward.objects.all()
    assert wards.count() == 19
    assert set(wards.filter(is_target=True).values_list("name", flat=True)) == {
        "Leagrave",
        "Lewsey",
        "Northwell",
        "Farley",
        "South",
    }
    assert set(wards.values_list("valid_to", flat=True)) == {date(2023, 5, 3)}
    assert sum(wards.values_list("child_population", flat=True)) == round(60_000 * TINY)


def test_every_luton_postcode_is_loaded_with_a_grid_reference_ward_and_synthetic_lsoa():
    assert Postcode.objects.count() == len(luton_postcodes()) > 5000
    assert not Postcode.objects.filter(Q(ward__isnull=True) | Q(lsoa="")).exists()
    assert not Postcode.objects.exclude(lsoa__endswith="(synth)").exists()
    luton = Postcode.objects.filter(
        easting__range=(500_000, 516_000), northing__range=(216_000, 230_000)
    )
    assert luton.count() == Postcode.objects.count()


def test_load_reference_can_run_again_without_duplicating_anything():
    from onestory.synthetic.reference import load_reference

    before = Postcode.objects.count()
    result = load_reference(children=600)
    assert result["postcodes_added"] == 0 and result["postcodes"] == before


def test_the_town_has_about_the_scale_s_children_and_records_the_run():
    run = SyntheticRun.objects.get()
    assert run.seed == 7 and run.scale == TINY
    assert abs(run.counts["children"] - 600) <= 10
    assert run.counts["people"] == Person.objects.count()
    assert run.counts["planted_duplicates"] == PlantedDuplicate.objects.count()


def test_every_nhs_number_is_valid_and_most_people_have_one():
    numbers = list(Person.objects.exclude(nhs_number="").values_list("nhs_number", flat=True))
    assert all(normalise_nhs_number(n) == n for n in numbers)
    share = len(numbers) / Person.objects.count()
    assert 0.9 < share < 0.995


def test_every_upn_is_valid_issued_in_luton_and_held_by_someone_who_started_school():
    # Planted duplicates are left out: some carry a date of birth keyed with day and month swapped.
    planted = PlantedDuplicate.objects.values("duplicate_id")
    pupils = (
        Person.objects.exclude(upn="").exclude(pk__in=planted).values_list("upn", "date_of_birth")
    )
    assert pupils
    for value, born in pupils:
        assert normalise_upn(value) == value and value[1:4] == "821"
        # A UPN is for life: school-age children and the young adults who went to school here.
        assert 5 <= age_in_years(born, REFERENCE_DATE) <= UPN_YOUNG_ADULTS_UP_TO


def test_every_address_is_a_real_luton_postcode_with_its_ward_and_lsoa():
    postcodes = dict(Postcode.objects.values_list("postcode", "ward_id"))
    for postcode, ward, lsoa, town in Address.objects.values_list(
        "postcode", "ward_id", "lsoa", "town"
    ):
        assert postcodes.get(postcode) == ward and ward
        assert lsoa and town == "Luton"


def test_everyone_has_a_legal_name_with_sound_alike_keys():
    names = PersonName.objects.filter(kind="legal")
    assert names.values("person").distinct().count() == Person.objects.count()
    for given, family, given_key, family_key in names.values_list(
        "given_name", "family_name", "given_name_key", "family_name_key"
    ):
        assert given_key == name_key(given) and family_key == name_key(family)


def test_codes_are_the_dfe_s():
    for ethnicity, disabilities in Person.objects.values_list("ethnicity", "disabilities"):
        assert ethnicity in ETHNICITY
        assert all(code in DISABILITY for code in disabilities)
    assert set(Person.objects.values_list("sex", flat=True)) <= {"M", "F", "U"}


def test_the_town_s_mix_is_luton_like_with_more_south_asian_children_than_adults():
    children = _children().exclude(date_of_birth__isnull=True)
    adults = Person.objects.exclude(pk__in=children.values("pk")).exclude(
        pk__in=PlantedDuplicate.objects.values("duplicate_id")
    )

    def share(people, codes):
        return people.filter(ethnicity__in=codes).count() / people.count()

    south_asian = ("APKN", "ABAN", "AIND")
    assert 0.15 < share(adults, ("WBRI",)) < 0.45
    assert share(children, south_asian) > share(adults, south_asian) > 0.2


def test_every_child_has_a_parent_or_carer_and_no_one_is_their_own_relative():
    cared_for = set(
        Relationship.objects.filter(
            kind__in=("parent", "carer", "step_parent", "foster_carer")
        ).values_list("to_person_id", flat=True)
    )
    children = set(_children().values_list("id", flat=True))
    assert children and children <= cared_for
    assert not Relationship.objects.filter(from_person=F("to_person")).exists()


def test_parents_are_old_enough_to_be_parents():
    born = dict(Person.objects.values_list("id", "date_of_birth"))
    for parent, child in Relationship.objects.filter(kind="parent").values_list(
        "from_person", "to_person"
    ):
        if born[child]:
            assert (born[child] - born[parent]).days > 15 * 365


def test_households_hold_families_with_siblings_and_half_siblings():
    sizes = defaultdict(int)
    for household_id in HouseholdMember.objects.values_list("household_id", flat=True):
        sizes[household_id] += 1
    assert max(sizes.values()) >= 5
    kinds = set(Relationship.objects.values_list("kind", flat=True))
    assert {"parent", "sibling", "partner"} <= kinds
    assert kinds & {"half_sibling", "step_parent", "grandparent", "carer"}


def test_some_people_have_preferred_or_previous_names():
    kinds = set(PersonName.objects.values_list("kind", flat=True))
    assert {"legal", "preferred", "previous"} <= kinds


def test_special_cases_exist_unborn_and_unaccompanied_children():
    unborn = Person.objects.filter(date_of_birth__isnull=True)
    assert (
        unborn.exists() and not unborn.exclude(expected_date_of_birth__gt=REFERENCE_DATE).exists()
    )
    uasc = Person.objects.filter(unaccompanied_asylum_seeking=True).exclude(
        pk__in=PlantedDuplicate.objects.values("duplicate_id")
    )
    assert uasc.exists() and not uasc.filter(immigration_status="").exists()


def test_planted_duplicates_really_differ_as_their_variations_say():
    planted = list(PlantedDuplicate.objects.all())
    assert planted
    people = Person.objects.in_bulk(
        [p.original_id for p in planted] + [p.duplicate_id for p in planted]
    )
    current = {a.person_id: a for a in Address.objects.filter(valid_to__isnull=True)}
    no_nhs = 0
    for p in planted:
        a, b = people[p.original_id], people[p.duplicate_id]
        assert p.variations and a.pk != b.pk
        assert not Relationship.objects.filter(Q(from_person=b) | Q(to_person=b)).exists()
        if "typo_in_given_name" in p.variations or "nickname" in p.variations:
            assert a.given_name != b.given_name
        if "typo_in_family_name" in p.variations or "new_family_name" in p.variations:
            assert a.family_name != b.family_name
        if "day_month_swapped" in p.variations:
            born = a.date_of_birth
            assert b.date_of_birth == date(born.year, born.day, born.month) != born
        if "missing_nhs_number" in p.variations:
            assert a.nhs_number and not b.nhs_number
            no_nhs += 1
        if "older_address" in p.variations:
            assert (current[a.pk].line_1, current[a.pk].postcode) != (
                current[b.pk].line_1,
                current[b.pk].postcode,
            )
        changed = {
            "given": a.given_name != b.given_name,
            "family": a.family_name != b.family_name,
            "born": a.date_of_birth != b.date_of_birth,
            "nhs": a.nhs_number != b.nhs_number,
        }
        assert any(changed.values()) or {
            "older_address",
            "missing_upn",
            "ethnicity_not_recorded",
        } & set(p.variations)
    assert no_nhs >= len(planted) // 4
    assert 0.008 < len(planted) / Person.objects.count() < 0.025


def test_children_in_need_are_allocated_as_calibrated_to_luton_s_1647():
    in_need = (
        Allocation.objects.filter(purpose__in=CHILD_IN_NEED_PURPOSES, ends_at=None)
        .values("person")
        .distinct()
    )
    expected = CHILDREN_IN_NEED_AT_SCALE_1 * TINY
    assert abs(in_need.count() - expected) <= max(2, expected * 0.1)
    assert not Allocation.objects.filter(
        purpose__in=CHILD_IN_NEED_PURPOSES, worker__isnull=True
    ).exists()
    roles = set(
        Allocation.objects.filter(purpose__in=CHILD_IN_NEED_PURPOSES).values_list(
            "worker__role", flat=True
        )
    )
    assert roles == {"socialworker"}


def test_early_help_children_have_lead_professionals_and_most_have_consent_to_share_with_school():
    early_help = Allocation.objects.filter(purpose=PURPOSE_EARLY_HELP)
    assert abs(early_help.count() - 2000 * TINY) <= 5
    assert set(early_help.values_list("worker__role", flat=True)) == {"earlyhelp"}
    # The casework's consents (early help episodes record their own: test_earlyhelp_synth).
    given = Consent.objects.filter(status=Consent.Status.GIVEN, purposes=CONSENT_PURPOSES)
    assert given.count() >= early_help.count() // 2
    for consent in given.prefetch_related("agencies"):
        assert [a.kind for a in consent.agencies.all()] in (["school"], ["health_visiting"])


def test_restricted_records_name_the_people_who_may_open_them():
    restrictions = RecordRestriction.objects.all()
    assert restrictions.exists()
    for restriction in restrictions:
        assert (
            AccessGrant.objects.filter(
                person=restriction.person, kind=AccessGrant.Kind.RESTRICTED
            ).count()
            >= 1
        )


def test_workforce_has_the_council_s_teams_with_managers_and_no_usable_passwords():
    council = Agency.objects.get(name="Luton Borough Council")
    teams = Team.objects.filter(agency=council)
    assert teams.count() == 13 and not teams.filter(manager__isnull=True).exists()
    assert Agency.objects.filter(kind=Agency.Kind.SCHOOL).count() == 60
    assert Agency.objects.filter(kind=Agency.Kind.GP_PRACTICE).count() == 25
    assert not any(w.has_usable_password() for w in Worker.objects.all())


def test_about_17_in_100_social_workers_are_agency_staff_and_no_manager_is():
    social_workers = Worker.objects.filter(username__startswith="syn-", role="socialworker")
    agency = social_workers.filter(is_agency_staff=True).count()
    assert agency >= 1
    assert abs(agency / social_workers.count() - 0.17) <= 0.5 / social_workers.count() + 0.02
    assert not Worker.objects.filter(is_agency_staff=True).exclude(role="socialworker").exists()
    assert not Team.objects.filter(manager__is_agency_staff=True).exists()


@pytest.mark.parametrize(
    "model",
    [Person, PersonName, Address, Postcode, Ward, Relationship, Allocation, Consent, Agency, Team],
)
def test_every_text_value_fits_its_column_as_postgresql_enforces(model):
    from django.db.models import CharField
    from django.db.models.functions import Length

    for field in model._meta.concrete_fields:
        if isinstance(field, CharField) and field.max_length:
            too_long = model.objects.annotate(n=Length(field.name)).filter(n__gt=field.max_length)
            assert not too_long.exists(), f"{model.__name__}.{field.name}"
