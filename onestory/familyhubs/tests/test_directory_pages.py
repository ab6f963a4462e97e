"""The service directory's pages: searching it, a service's page, entering and editing a service
(with the optimistic lock), and "Checked today"."""

import uuid
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from onestory.access.models import AuditEvent
from onestory.core.idempotency import new_form_token
from onestory.familyhubs import selectors_directory
from onestory.familyhubs.models import Service
from onestory.familyhubs.tests.factories import ServiceFactory
from onestory.people.models import Postcode, Ward
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

pytestmark = pytest.mark.django_db

SEARCH = reverse("familyhubs:directory")


def _names(response) -> list[str]:
    return [found.service.name for found in response.context["page"].object_list]


def test_every_case_role_reads_the_directory_and_others_do_not(client, sign_in):
    ServiceFactory(name="Toy library")
    for role in (Role.FRONT_DOOR, Role.PARTNER, Role.SOCIAL_WORKER, Role.FAMILY_HUB):
        sign_in(role)
        assert "Toy library" in client.get(SEARCH).content.decode()
    sign_in(Role.ANALYST)
    assert client.get(SEARCH).status_code == 404


def test_search_finds_services_by_words_category_and_childs_age(client, sign_in):
    sign_in(Role.EARLY_HELP)
    ServiceFactory(
        name="Baby massage", categories=["Early years"], youngest_years=0, oldest_years=0
    )
    ServiceFactory(
        name="Youth club",
        categories=["Youth"],
        youngest_years=11,
        oldest_years=18,
        description="Games and trips for teenagers",
    )
    ServiceFactory(name="Debt advice", categories=["Money advice"])  # any age
    ServiceFactory(name="Closed group", categories=["Youth"], active=False)

    assert _names(client.get(SEARCH, {"q": "teenagers"})) == ["Youth club"]
    assert _names(client.get(SEARCH, {"category": "Youth"})) == ["Youth club"]
    assert _names(client.get(SEARCH, {"age": "14"})) == ["Debt advice", "Youth club"]
    assert _names(client.get(SEARCH, {"age": "0", "q": "massage"})) == ["Baby massage"]
    assert _names(client.get(SEARCH)) == ["Baby massage", "Debt advice", "Youth club"]


def test_search_by_ward_and_near_a_postcode_nearest_first(client, sign_in):
    sign_in(Role.FAMILY_HUB)
    north = Ward.objects.create(code="E05999001", name="North", valid_from=date(2020, 1, 1))
    south = Ward.objects.create(code="E05999002", name="South", valid_from=date(2020, 1, 1))
    Postcode.objects.create(
        postcode="LU1 1AA", easting=509000, northing=221000, ward=north, lsoa="x"
    )
    Postcode.objects.create(
        postcode="LU1 1AB", easting=509500, northing=221000, ward=north, lsoa="x"
    )
    Postcode.objects.create(
        postcode="LU2 2AA", easting=510000, northing=221000, ward=south, lsoa="y"
    )
    Postcode.objects.create(
        postcode="LU9 9ZZ", easting=530000, northing=221000, ward=south, lsoa="y"
    )
    ServiceFactory(name="Far", postcode="LU9 9ZZ", ward=south)
    ServiceFactory(name="Next door", postcode="LU1 1AB", ward=north)
    ServiceFactory(name="A kilometre", postcode="LU2 2AA", ward=south)
    ServiceFactory(name="Online", postcode="")

    assert _names(client.get(SEARCH, {"ward": north.code})) == ["Next door"]
    assert _names(client.get(SEARCH, {"near": "lu11aa"})) == ["Next door", "A kilometre"]
    page = client.get(SEARCH, {"near": "LU7 7XX"}).content.decode()
    assert "not one of the area's postcodes" in page


def test_a_search_with_a_wrong_age_says_how_to_fix_it_and_keeps_what_was_typed(client, sign_in):
    sign_in(Role.FAMILY_HUB)

    page = client.get(SEARCH, {"age": "four", "q": "play"}).content.decode()

    assert "Enter the child&#x27;s age as a whole number of years, like 4." in page
    assert 'value="play"' in page


def test_services_for_referral_put_signpost_only_ones_last_and_leave_out_ended_ones(sign_in):
    worker = worker_with_role(Role.EARLY_HELP)
    ServiceFactory(name="Parenting course", categories=["Parenting"])
    ServiceFactory(name="Helpline", categories=["Parenting"], accepts_referrals=False)
    ServiceFactory(name="Ended course", categories=["Parenting"], active=False)
    ServiceFactory(name="Food bank", categories=["Food"])

    found = selectors_directory.services_for_referral(worker, category="parenting")

    assert [s.name for s in found] == ["Parenting course", "Helpline"]
    assert [s.name for s in selectors_directory.services_for_referral(worker, query="food")] == [
        "Food bank"
    ]
    analyst = worker_with_role(Role.ANALYST)
    assert selectors_directory.services_for_referral(analyst) == []


def test_a_service_page_says_who_runs_it_who_checked_it_and_that_it_is_stale(client, sign_in):
    sign_in(Role.FRONT_DOOR)
    owner = worker_with_role(Role.FAMILY_HUB, first_name="Ada", last_name="Owner")
    service = ServiceFactory(
        name="Toy library",
        organisation="Synthetic Toy Library",
        phone="01632 960123",
        cost="Free",
        owner=owner,
        last_checked_on=timezone.localdate() - timedelta(days=400),
    )

    page = client.get(reverse("familyhubs:service", args=[service.pk])).content.decode()

    assert "Synthetic Toy Library" in page and "01632 960123" in page
    assert "Needs checking" in page
    assert "Ada Owner" in page
    assert "Checked today" not in page  # front door screeners read, they do not keep it


def test_checked_today_clears_the_stale_badge_and_names_who_checked(client, sign_in):
    checker = sign_in(Role.FAMILY_HUB, first_name="Cam", last_name="Checker")
    service = ServiceFactory(last_checked_on=date(2020, 1, 1), stale_reminded_on=date(2020, 7, 2))

    response = client.post(reverse("familyhubs:service-checked", args=[service.pk]), follow=True)

    service.refresh_from_db()
    assert service.last_checked_on == timezone.localdate()
    assert service.stale_reminded_on is None
    page = response.content.decode()
    assert "Needs checking" not in page and "by Cam Checker" in page
    assert AuditEvent.objects.filter(actor=checker, object_id=str(service.pk)).exists()


def _form(**changes) -> dict:
    data = {
        "name": "Stay and play",
        "organisation": "Meadow Family Hub",
        "description": "Play for under-fives and their carers.",
        "categories": "Early years, Play, early years",
        "youngest_years": "0",
        "oldest_years": "4",
        "cost": "Free",
        "postcode": "lu1 1aa",
        "accepts_referrals": "on",
        "active": "on",
        "form_token": "token-1",
    }
    data.update(changes)
    return data


def test_a_practitioner_adds_a_service_once_however_often_the_form_is_sent(client, sign_in):
    sign_in(Role.FAMILY_HUB)
    data = _form(form_token=new_form_token())

    first = client.post(reverse("familyhubs:service-create"), data)
    second = client.post(reverse("familyhubs:service-create"), data)

    service = Service.objects.get()
    assert first.url == second.url == reverse("familyhubs:service", args=[service.pk])
    assert service.categories == ["Early years", "Play"]
    assert service.postcode == "LU1 1AA"
    assert service.last_checked_on == timezone.localdate()
    assert service.source == Service.Source.LOCAL


def test_a_service_form_says_what_is_wrong_and_keeps_what_was_typed(client, sign_in):
    sign_in(Role.EARLY_HELP)

    response = client.post(
        reverse("familyhubs:service-create"),
        _form(
            name="", youngest_years="9", oldest_years="4", postcode="NOWHERE", description="Kept"
        ),
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter the service&#x27;s name" in page
    assert "Kept" in page
    assert not Service.objects.exists()
    response = client.post(
        reverse("familyhubs:service-create"),
        _form(youngest_years="9", oldest_years="4", postcode="NOWHERE"),
    )
    page = response.content.decode()
    assert "The youngest age must not be above the oldest age" in page
    assert "Enter a real postcode, like LU1 2AB" in page


@pytest.mark.parametrize("role", [Role.FRONT_DOOR, Role.PARTNER, Role.SOCIAL_WORKER])
def test_readers_who_do_not_keep_the_directory_cannot_change_it(client, sign_in, role):
    sign_in(role)
    service = ServiceFactory()

    assert client.post(reverse("familyhubs:service-create"), _form()).status_code == 404
    assert client.get(reverse("familyhubs:service-edit", args=[service.pk])).status_code == 404
    assert client.post(reverse("familyhubs:service-checked", args=[service.pk])).status_code == 404
    assert Service.objects.count() == 1


def test_an_edit_saved_by_someone_else_first_is_refused_and_keeps_what_was_typed(client, sign_in):
    sign_in(Role.TEAM_MANAGER)
    service = ServiceFactory(name="Stay and play")
    opened_at = service.version
    Service.objects.filter(pk=service.pk).update(version=opened_at + 1, name="Renamed elsewhere")
    url = reverse("familyhubs:service-edit", args=[service.pk])

    response = client.post(url, _form(name="My new name", version=str(opened_at)))

    page = response.content.decode()
    assert "Someone else changed this service after you opened it" in page
    assert "My new name" in page
    assert Service.objects.get().name == "Renamed elsewhere"
    # Having looked, saving again wins.
    again = client.post(url, _form(name="My new name", version=str(opened_at + 1)))
    assert again.status_code == 302
    assert Service.objects.get().name == "My new name"


def test_saving_an_edit_marks_the_service_checked_and_can_give_it_an_owner(client, sign_in):
    sign_in(Role.FAMILY_HUB)
    owner = worker_with_role(Role.EARLY_HELP)
    service = ServiceFactory(last_checked_on=date(2020, 1, 1), stale_reminded_on=date(2020, 8, 1))

    client.post(
        reverse("familyhubs:service-edit", args=[service.pk]),
        _form(owner=str(owner.pk), version=str(service.version)),
    )

    service.refresh_from_db()
    assert service.owner == owner
    assert service.last_checked_on == timezone.localdate()
    assert service.stale_reminded_on is None


def test_an_owner_must_be_someone_who_keeps_the_directory(client, sign_in):
    sign_in(Role.FAMILY_HUB)
    analyst = worker_with_role(Role.ANALYST)
    service = ServiceFactory()

    response = client.post(
        reverse("familyhubs:service-edit", args=[service.pk]),
        _form(owner=str(analyst.pk), version=str(service.version)),
    )

    assert "Choose an owner who can keep the entry up to date" in response.content.decode()


def test_the_directory_lists_stale_services_with_no_owner_for_those_who_keep_it(client, sign_in):
    ServiceFactory(name="Forgotten group", last_checked_on=date(2020, 1, 1))
    ServiceFactory(
        name="Owned group",
        last_checked_on=date(2020, 1, 1),
        owner=worker_with_role(Role.FAMILY_HUB),
    )
    sign_in(Role.TEAM_MANAGER)

    unowned = client.get(SEARCH).context["unowned"]

    assert [s.name for s in unowned] == ["Forgotten group"]
    sign_in(Role.SOCIAL_WORKER)
    assert client.get(SEARCH).context["unowned"] == []


def test_an_unknown_service_is_not_found(client, sign_in):
    sign_in(Role.FAMILY_HUB)

    assert client.get(reverse("familyhubs:service", args=[uuid.uuid4()])).status_code == 404
