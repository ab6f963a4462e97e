"""Family hub sessions: the timetable week by week, a session (its bookings and places left),
arranging one session or a weekly series, changing and cancelling a session, and booking places
for a registered family. For family hub practitioners and team managers only.

A search for a family is sent by POST, so a name typed never lands in a URL."""

from datetime import date, timedelta

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from onestory.access.decorators import access_rule
from onestory.core.clock import now, today_in_london
from onestory.core.errors import DomainError, StaleEdit
from onestory.core.idempotency import new_form_token

from . import rules_sites, selectors_sites
from .actions import bookings as booking_actions
from .actions import sessions as session_actions
from .forms_sites import (
    BookingForm,
    BookingSearchForm,
    SessionCancelForm,
    SessionCreateForm,
    SessionEditForm,
)
from .views_sites import RULE, _stale, chosen


def _week_of(value, today: date) -> date:
    try:
        return rules_sites.week_of(date.fromisoformat(value))
    except (TypeError, ValueError):
        return rules_sites.week_of(today)


@access_rule(RULE)
def session_list(request):
    """The timetable: a week's sessions day by day, for every site or one, every activity or
    one, cancelled ones marked."""
    user = request.user
    week = _week_of(request.GET.get("week"), today_in_london(now()))
    site = chosen(selectors_sites.sites_for(user), request.GET.get("site"))
    activity = chosen(selectors_sites.activities_for(user), request.GET.get("activity"))
    filters = {k: v.pk for k, v in (("site", site), ("activity", activity)) if v is not None}

    def link(monday: date) -> str:
        query = "&".join([f"week={monday.isoformat()}", *(f"{k}={v}" for k, v in filters.items())])
        return f"{reverse('familyhubs:sessions')}?{query}"

    return render(
        request,
        "familyhubs/sites/session_list.html",
        {
            "week": week,
            "week_ends": week + timedelta(days=6),
            "days": selectors_sites.timetable(user, week, site=site, activity=activity),
            "sites": selectors_sites.sites_for(user),
            "activities": selectors_sites.activities_for(user),
            "site": site,
            "activity": activity,
            "previous_week": link(week - timedelta(weeks=1)),
            "next_week": link(week + timedelta(weeks=1)),
            "this_week": link(rules_sites.week_of(today_in_london(now()))),
        },
    )


def _session_page(request, session, *, at, status=200, **extra):
    bookings = selectors_sites.bookings_of(request.user, session, now=at, request=request)
    return render(
        request,
        "familyhubs/sites/session.html",
        {
            "session": session,
            "bookings": bookings,
            "live_bookings": [b for b in bookings if b.cancelled_at is None],
            "bookable": session.cancelled_at is None and session.ends_at > at,
            "held": session.ends_at <= at,
            "staff": session.staff.order_by("first_name", "last_name"),
            "partners": session.partners.order_by("name"),
            "ages": rules_sites.age_range_label(
                session.activity.youngest_months, session.activity.oldest_months
            ),
            "next_sessions": (
                selectors_sites.next_sessions_with_places(session, now=at)
                if session.left == 0 or session.cancelled_at is not None
                else []
            ),
            **extra,
        },
        status=status,
    )


@access_rule(RULE)
def session_detail(request, pk):
    """A session: when and where, who runs it, places left, everyone booked (cancelled bookings
    shown as such) and a link to its register."""
    at = now()
    session = selectors_sites.session_by_id(request.user, pk)
    return _session_page(request, session, at=at)


def _session_choices(user) -> dict:
    return {
        "sites": selectors_sites.sites_for(user, active_only=True),
        "staff": selectors_sites.hub_staff(),
        "agencies": selectors_sites.partner_agencies(),
    }


@require_http_methods(["GET", "POST"])
@access_rule(RULE)
def session_create(request):
    """Arrange a session, or a weekly series of them (bank holidays skipped)."""
    user = request.user
    activities = selectors_sites.activities_for(user, active_only=True)
    choices = _session_choices(user)
    if request.method != "POST":
        initial = {"form_token": new_form_token(), "weeks": 1, "skip_bank_holidays": True}
        for name, queryset in (("activity", activities), ("site", choices["sites"])):
            if found := chosen(queryset, request.GET.get(name)):
                initial[name] = found.pk
        form = SessionCreateForm(initial=initial, activities=activities, **choices)
        return render(request, "familyhubs/sites/session_form.html", {"form": form})
    form = SessionCreateForm(request.POST, activities=activities, **choices)
    if form.is_valid():
        data = form.cleaned_data
        try:
            made = session_actions.session_create(
                activity=data["activity"],
                site=data["site"],
                day=data["day"],
                starts=data["starts"],
                ends=data["ends"],
                capacity=data["capacity"],
                weeks=data["weeks"],
                skip_bank_holidays=data["skip_bank_holidays"],
                staff=data["staff"],
                partners=data["partners"],
                form_token=data["form_token"],
                acting_user=user,
                now=now(),
                request=request,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            first = made.sessions[0]
            if made.repeated:
                messages.success(request, "These sessions were already arranged.")
            elif len(made.sessions) == 1:
                messages.success(request, "Session arranged.")
            else:
                text = f"{len(made.sessions)} weekly sessions arranged, the first shown here."
                if made.skipped:
                    days = ", ".join(f"{d:%-d %B %Y}" for d in made.skipped)
                    plural = "s" if len(made.skipped) > 1 else ""
                    text += f" No session on the bank holiday{plural}: {days}."
                messages.success(request, text)
            return redirect("familyhubs:session", pk=first.pk)
    return render(request, "familyhubs/sites/session_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@access_rule(RULE)
def session_edit(request, pk):
    """Change a session's site, time, places, staff and partners. A save on top of someone
    else's keeps what was typed."""
    user = request.user
    session = selectors_sites.session_by_id(user, pk)
    choices = _session_choices(user)
    # The session's own site stays a choice even if it has since been taken out of use.
    choices["sites"] = selectors_sites.sites_for(user).filter(active=True) | (
        selectors_sites.sites_for(user).filter(pk=session.site_id)
    )
    if session.cancelled_at is not None:
        messages.error(request, session_actions.CANCELLED)
        return redirect("familyhubs:session", pk=session.pk)
    context = {"session": session}
    if request.method != "POST":
        form = SessionEditForm(initial=SessionEditForm.initial_of(session), **choices)
        return render(request, "familyhubs/sites/session_edit.html", context | {"form": form})
    form = SessionEditForm(request.POST, **choices)
    if form.is_valid():
        data = form.cleaned_data
        try:
            session = session_actions.session_update(
                session=session,
                site=data["site"],
                day=data["day"],
                starts=data["starts"],
                ends=data["ends"],
                capacity=data["capacity"],
                staff=data["staff"],
                partners=data["partners"],
                version=data["version"],
                acting_user=user,
                now=now(),
                request=request,
            )
        except StaleEdit as error:
            session = selectors_sites.session_by_id(user, pk)
            form = _stale(form, session.version, lambda d: SessionEditForm(d, **choices))
            form.add_error(None, error.message)
            context = {"session": session}
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Session saved.")
            return redirect("familyhubs:session", pk=session.pk)
    return render(request, "familyhubs/sites/session_edit.html", context | {"form": form})


@require_http_methods(["GET", "POST"])
@access_rule(RULE)
def session_cancel(request, pk):
    """Cancel a session: asks first, saying what happens to its bookings."""
    at = now()
    session = selectors_sites.session_by_id(request.user, pk)
    form = SessionCancelForm(
        request.POST if request.method == "POST" else None,
        initial={"version": session.version},
    )
    if request.method == "POST" and form.is_valid():
        try:
            session, cancelled = session_actions.session_cancel(
                session=session,
                version=form.cleaned_data["version"],
                acting_user=request.user,
                now=at,
                request=request,
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            text = "Session cancelled."
            if cancelled:
                text += (
                    f" Its {cancelled} booking{'s were' if cancelled != 1 else ' was'} cancelled "
                    "with it: tell the families, using the contact details below."
                )
            messages.success(request, text)
        return redirect("familyhubs:session", pk=session.pk)
    if session.cancelled_at is not None or session.ends_at <= at:
        messages.error(
            request,
            session_actions.ALREADY_CANCELLED
            if session.cancelled_at is not None
            else session_actions.ALREADY_HELD,
        )
        return redirect("familyhubs:session", pk=session.pk)
    return render(
        request,
        "familyhubs/sites/session_cancel.html",
        {"session": session, "form": form},
    )


# Bookings ------------------------------------------------------------------------------------


def _family_form(registration, booked_ids, *, index: int, data=None):
    return BookingForm(
        data,
        initial={"form_token": new_form_token()},
        members=registration.members,
        booked_ids=booked_ids,
        auto_id=f"family{index}_%s",
    )


@require_http_methods(["GET", "POST"])
@access_rule(RULE)
def booking_create(request, pk):
    """Book places at a session: find a registered family (by reference or name), tick who is
    coming. A booking past the session's places is refused with the next sessions that have
    room, each a link to book the same family there."""
    user, at = request.user, now()
    session = selectors_sites.session_by_id(user, pk)
    page = {"session": session, "bookable": session.cancelled_at is None and session.ends_at > at}
    booked_ids = selectors_sites.booked_person_ids(session)
    search = BookingSearchForm(request.POST if "q" in request.POST else None)
    families, refused_with = [], []
    if request.method == "POST" and "registration" in request.POST:
        registration = chosen(
            selectors_sites.registrations_to_book(user), request.POST.get("registration")
        )
        if registration is None:
            search.add_error("q", "That family is no longer registered. Search again.")
        else:
            registration = selectors_sites.registration_to_book(
                user, registration.pk, now=at, request=request
            )
            form = BookingForm(
                request.POST,
                members=registration.members,
                booked_ids=booked_ids,
                auto_id="family0_%s",
            )
            if form.is_valid():
                try:
                    made = booking_actions.booking_create(
                        session=session,
                        registration=registration,
                        people=form.chosen_people(),
                        form_token=form.cleaned_data["form_token"],
                        acting_user=user,
                        now=at,
                        request=request,
                    )
                except booking_actions.SessionFull as error:
                    form.add_error("people", error.message)
                    refused_with = error.next_sessions
                except DomainError as error:
                    form.add_domain_error(error)
                else:
                    made_ids = {b.person_id for b in made}
                    chosen_people = form.chosen_people()
                    names = ", ".join(p.shown_name for p in chosen_people if p.pk in made_ids)
                    skipped = len(chosen_people) - len(made)
                    text = f"Booked {len(made)} place{'s' if len(made) != 1 else ''}: {names}."
                    if skipped > 0:
                        text += (
                            f" {skipped} already had a place and "
                            f"{'was' if skipped == 1 else 'were'} left as booked."
                        )
                    messages.success(request, text)
                    return redirect("familyhubs:session", pk=session.pk)
            families = [(registration, form)]
    elif request.method == "POST" and search.is_valid() and search.cleaned_data["q"].strip():
        found = selectors_sites.find_registrations(
            user, search.cleaned_data["q"], now=at, request=request
        )
        families = [(r, _family_form(r, booked_ids, index=i)) for i, r in enumerate(found)]
        page["searched"] = True
    elif request.method == "POST":
        search.add_error("q", "Enter a family hub reference or a name to search for.")
    elif registration := chosen(
        selectors_sites.registrations_to_book(user), request.GET.get("registration")
    ):
        registration = selectors_sites.registration_to_book(
            user, registration.pk, now=at, request=request
        )
        families = [(registration, _family_form(registration, booked_ids, index=0))]
    return render(
        request,
        "familyhubs/sites/booking_form.html",
        page
        | {
            "search": search,
            "families": families,
            "refused_with": refused_with,
            "form": families[0][1] if families else search,
        },
    )


@require_POST
@access_rule(RULE)
def booking_cancel(request, pk):
    """Cancel one person's booking, freeing their place."""
    booking = selectors_sites.booking_by_id(request.user, pk)
    try:
        booking_actions.booking_cancel(
            booking=booking, acting_user=request.user, now=now(), request=request
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Booking cancelled: the place is free again.")
    return redirect("familyhubs:session", pk=booking.session_id)
