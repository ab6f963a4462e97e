"""Where a request came from, as the audit trail and the sign-in lockout see it."""

import pytest
from django.test import RequestFactory, override_settings
from django.utils import timezone

from onestory.access import audit
from onestory.access.audit import client_ip


def request_from(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@override_settings(ONESTORY_PROXY_COUNT=0)
def test_without_a_proxy_the_connections_address_is_used_and_forwarding_is_ignored():
    assert client_ip(request_from("192.0.2.10", "203.0.113.5")) == "192.0.2.10"


@override_settings(ONESTORY_PROXY_COUNT=1)
def test_behind_one_proxy_the_address_it_saw_is_used_not_what_the_client_wrote():
    request = request_from("10.0.0.2", "198.51.100.66, 203.0.113.5")
    assert client_ip(request) == "203.0.113.5"


@override_settings(ONESTORY_PROXY_COUNT=2)
@pytest.mark.parametrize("forwarded", ["203.0.113.5", "", "not-an-address, 10.0.0.9"])
def test_a_missing_or_malformed_forwarded_address_falls_back_safely(forwarded):
    assert client_ip(request_from("10.0.0.2", forwarded)) == "10.0.0.2"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("action", "words"),
    [("release", "Released"), ("recall", "Recalled"), ("download", "Downloaded")],
)
def test_the_access_log_names_every_action_in_words(action, words):
    event = audit.record(actor=None, action=action, at=timezone.now())
    assert event.get_action_display() == words


@pytest.mark.django_db
def test_an_action_the_access_log_cannot_name_is_refused():
    with pytest.raises(ValueError, match="peeked"):
        audit.record(actor=None, action="peeked", at=timezone.now())
