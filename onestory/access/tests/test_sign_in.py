"""Signing in and out: lockout, second factor, idle time-out and safe redirects."""

import datetime
import time

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import override_settings
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from onestory.access.models import AuditEvent
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import PASSWORD, worker_with_role

pytestmark = pytest.mark.django_db


def sign_in_with(client, username, password, **extra):
    return client.post("/sign-in/", {"username": username, "password": password, **extra})


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_a_worker_signs_in_with_their_password_and_lands_on_their_home_page(client):
    worker = worker_with_role(Role.SOCIAL_WORKER)

    response = sign_in_with(client, worker.username, PASSWORD)

    assert response.status_code == 302 and response.url == "/"
    assert "Your work" in client.get("/").content.decode()
    assert AuditEvent.objects.filter(action="sign_in", actor=worker).exists()


def test_a_wrong_password_is_refused_with_a_message_and_the_username_kept(client):
    worker = worker_with_role(Role.SOCIAL_WORKER)

    response = sign_in_with(client, worker.username, "not-the-password")

    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body and "username or password is not right" in body
    assert f'value="{worker.username}"' in body
    assert "_auth_user_id" not in client.session


def test_empty_fields_each_get_an_error(client):
    body = sign_in_with(client, "", "").content.decode()
    assert "Enter your username" in body and "Enter your password" in body


def test_the_sixth_attempt_is_refused_even_with_the_right_password(client):
    worker = worker_with_role(Role.SOCIAL_WORKER)
    statuses = [
        sign_in_with(client, worker.username, "wrong-password").status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    # The fifth failure is the one that locks the username.
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]

    response = sign_in_with(client, worker.username, PASSWORD)

    body = response.content.decode()
    assert response.status_code == 429
    assert "You cannot sign in at the moment" in body
    assert "locked for 15 minutes" in body
    assert "_auth_user_id" not in client.session


def test_the_lockout_page_is_a_gov_uk_page(client):
    worker = worker_with_role(Role.SOCIAL_WORKER)
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        response = sign_in_with(client, worker.username, "wrong-password")

    body = response.content.decode()
    assert 'class="govuk-template"' in body
    assert '<h1 class="govuk-heading-l">You cannot sign in at the moment</h1>' in body
    assert 'href="/sign-in/"' in body


def test_a_lockout_for_one_username_does_not_lock_out_another_from_elsewhere(client):
    locked = worker_with_role(Role.SOCIAL_WORKER)
    other = worker_with_role(Role.EARLY_HELP)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in_with(client, locked.username, "wrong-password")

    response = client.post(
        "/sign-in/", {"username": other.username, "password": PASSWORD}, REMOTE_ADDR="10.1.2.3"
    )

    assert response.status_code == 302


def test_sign_out_needs_a_post_and_ends_the_session(client, sign_in):
    sign_in(Role.SOCIAL_WORKER)

    assert client.get("/sign-out/").status_code == 405
    assert client.get("/").status_code == 200

    response = client.post("/sign-out/")

    assert response.status_code == 302 and response.url == "/sign-in/"
    assert client.get("/").status_code == 302


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/steal",
        "//evil.example/steal",
        "http://testserver.evil.example/",
        "javascript:alert(1)",
        "/\\evil.example",
    ],
)
def test_sign_in_never_redirects_off_the_site(client, target):
    worker = worker_with_role(Role.SOCIAL_WORKER)

    response = sign_in_with(client, worker.username, PASSWORD, next=target)

    assert response.status_code == 302 and response.url == "/"


def test_sign_in_returns_to_the_page_asked_for(client):
    worker = worker_with_role(Role.SOCIAL_WORKER)
    asked = client.get("/known-to-us/")
    assert asked.status_code == 302 and asked.url == "/sign-in/?next=%2Fknown-to-us%2F"

    response = client.post(
        asked.url, {"username": worker.username, "password": PASSWORD, "next": "/known-to-us/"}
    )

    assert response.url == "/known-to-us/"


def test_an_idle_session_has_expired_and_sends_the_worker_to_sign_in(client, sign_in):
    sign_in(Role.SOCIAL_WORKER)
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )

    response = client.get("/")

    assert response.status_code == 302 and response.url.startswith("/sign-in/")


def test_every_request_moves_the_idle_time_out_forward(client, sign_in):
    sign_in(Role.SOCIAL_WORKER)
    key = client.session.session_key
    soon = timezone.now() + datetime.timedelta(minutes=1)
    Session.objects.filter(session_key=key).update(expire_date=soon)

    client.get("/")

    expiry = Session.objects.get(session_key=key).expire_date
    assert expiry > timezone.now() + datetime.timedelta(minutes=29)
    assert settings.SESSION_COOKIE_AGE == 30 * 60


def _signed_in_hours_ago(client, hours: float) -> None:
    session = client.session
    session["onestory_signed_in_at"] = time.time() - hours * 3600
    session.save()


def test_a_busy_session_ends_ten_hours_after_signing_in(client):
    worker = worker_with_role(Role.SOCIAL_WORKER)
    sign_in_with(client, worker.username, PASSWORD)
    assert isinstance(client.session.get("onestory_signed_in_at"), float)

    _signed_in_hours_ago(client, 9.9)
    assert client.get("/").status_code == 200  # still within the shift

    _signed_in_hours_ago(client, 10)
    response = client.get("/")

    assert response.status_code == 302 and response.url.startswith("/sign-in/")
    assert client.get("/api/people/").status_code == 403
    assert settings.ONESTORY_ABSOLUTE_SESSION_HOURS == 10


def test_signing_in_again_starts_the_ten_hours_afresh(client):
    worker = worker_with_role(Role.SOCIAL_WORKER)
    sign_in_with(client, worker.username, PASSWORD)
    _signed_in_hours_ago(client, 11)
    client.get("/")

    sign_in_with(client, worker.username, PASSWORD)

    assert client.get("/").status_code == 200


# The second factor -------------------------------------------------------------------------


@override_settings(ONESTORY_REQUIRE_SECOND_FACTOR=True)
@pytest.mark.parametrize("role", list(Role), ids=str)
def test_every_role_without_a_second_factor_can_reach_only_the_second_factor_page(client, role):
    worker = worker_with_role(role)
    response = sign_in_with(client, worker.username, PASSWORD)
    assert response.status_code == 302

    for path in ["/", "/known-to-us/", "/api/schema/"]:
        blocked = client.get(path)
        assert blocked.status_code in (302, 403), path
        if blocked.status_code == 302:
            assert blocked.url.startswith("/sign-in/second-factor/")

    page = client.get("/sign-in/second-factor/")
    assert page.status_code == 200
    assert "Set up your authenticator app" in page.content.decode()
    assert "Your role needs a second factor" in page.content.decode()


@override_settings(ONESTORY_REQUIRE_SECOND_FACTOR=True)
def test_an_administrator_who_sets_up_a_second_factor_gets_backup_codes_and_in(client):
    admin = worker_with_role(Role.ADMIN)
    client.force_login(admin)
    client.get("/sign-in/second-factor/")
    assert not TOTPDevice.objects.filter(user=admin).exists()  # opening the page writes nothing
    device = TOTPDevice(key=client.session["onestory_second_factor_key"])

    response = client.post("/sign-in/second-factor/", {"token": code_for(device)})

    assert response.status_code == 200
    assert "Keep your backup codes safe" in response.content.decode()
    assert StaticToken.objects.filter(device__user=admin).count() == 10
    device = TOTPDevice.objects.get(user=admin)
    assert device.confirmed
    assert client.get("/").status_code == 200


def test_a_wrong_code_is_refused_with_an_error(client, sign_in):
    worker = sign_in(Role.SOCIAL_WORKER)
    client.get("/sign-in/second-factor/")

    response = client.post("/sign-in/second-factor/", {"token": "000000"})

    assert "The security code is not right" in response.content.decode()
    assert not TOTPDevice.objects.get(user=worker).confirmed


def test_a_worker_with_a_second_factor_must_enter_a_code_at_sign_in(client):
    worker = worker_with_role(Role.SOCIAL_WORKER)
    device = TOTPDevice.objects.create(user=worker, name="App", confirmed=True)

    response = sign_in_with(client, worker.username, PASSWORD, next="/known-to-us/")

    assert response.url == "/sign-in/second-factor/?next=%2Fknown-to-us%2F"
    assert client.get("/").url.startswith("/sign-in/second-factor/")
    entered = client.post(response.url, {"token": code_for(device), "next": "/known-to-us/"})
    assert entered.status_code == 302 and entered.url == "/known-to-us/"
    assert client.get("/").status_code == 200


def test_a_backup_code_works_once(client):
    worker = worker_with_role(Role.SOCIAL_WORKER)
    TOTPDevice.objects.create(user=worker, name="App", confirmed=True)
    backup = worker.staticdevice_set.create(name="Backup codes", confirmed=True)
    backup.token_set.create(token="abcdefgh")

    sign_in_with(client, worker.username, PASSWORD)
    assert client.post("/sign-in/second-factor/", {"token": "abcdefgh"}).status_code == 302

    client.post("/sign-out/")
    sign_in_with(client, worker.username, PASSWORD)
    again = client.post("/sign-in/second-factor/", {"token": "abcdefgh"})
    assert "The security code is not right" in again.content.decode()


def test_the_home_page_offers_every_worker_a_second_factor(client, sign_in):
    sign_in(Role.PARTNER)
    body = client.get("/").content.decode()
    assert "Set up a second factor" in body and 'href="/sign-in/second-factor/"' in body


def test_the_second_factor_page_sends_anonymous_visitors_to_sign_in(client):
    response = client.get("/sign-in/second-factor/")
    assert response.status_code == 302 and response.url == "/sign-in/"
