"""The record pages: thin views over selectors and actions."""

from django.shortcuts import render

from onestory.access.decorators import access_rule
from onestory.core.clock import now

from . import selectors


@access_rule("person")
def person_detail(request, person_id):
    context = selectors.person_page(request.user, person_id, now=now(), request=request)
    return render(request, "people/person_detail.html", context)


@access_rule("signed_in")
def person_create(request):
    raise NotImplementedError  # built by the people UI work in progress


@access_rule("person")
def person_edit(request, person_id):
    raise NotImplementedError  # built by the people UI work in progress


@access_rule("person")
def person_chronology(request, person_id):
    raise NotImplementedError  # built by the people UI work in progress


@access_rule("household")
def household_detail(request, household_id):
    raise NotImplementedError  # built by the people UI work in progress
