"""A save that succeeded with warnings shows one Success banner and one Important banner that
lists every warning (GOV.UK: no more than one notification banner of a kind on a page)."""

from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.template import Context, Template


def _render(messages) -> str:
    return Template(
        "{% load banners %}{% banners messages as b %}{% for x in b %}"
        "[{{ x.success }}:{{ x.messages|join:'|' }}]{% endfor %}"
    ).render(Context({"messages": messages}))


def test_warnings_after_a_success_share_one_important_banner_after_the_success():
    messages = [
        Message(constants.WARNING, "Rule 218: no URN."),
        Message(constants.SUCCESS, "Placement move recorded."),
        Message(constants.WARNING, "Rule 550: provider."),
    ]

    assert _render(messages) == (
        "[True:Placement move recorded.][False:Rule 218: no URN.|Rule 550: provider.]"
    )


def test_no_messages_no_banner():
    assert _render([]) == ""
