"""Care leavers: their category and personal adviser, pathway plans and reviews, and what was
known of them around each birthday from 17 to 21 (to 25 when they asked for support).

Every change is one transaction with its audit row and a line in the young person's chronology.
"""

from datetime import date, datetime

from django.db import transaction

from onestory.core.clock import today_in_london
from onestory.core.errors import DetailsRefused, DomainError, full_clean_or_refuse
from onestory.core.idempotency import once_per_form
from onestory.core.rules import add_months, day_words
from onestory.people.models import Person
from onestory.workforce.models import Worker

from .. import reference, rules
from ..models import CareLeaver, CareLeaverContact, CarePeriod, PathwayPlan, PathwayPlanReview
from .common import (
    WORKING_ROLES,
    audit_change,
    bump,
    chronology,
    locked,
    refuse_future,
    require_working_role,
)

NOT_A_CARE_LEAVER = "Record the young person as a care leaver first."
NO_BIRTH_DATE = "Record the young person's date of birth first."


def nth(number: int) -> str:
    """21 -> '21st'."""
    suffix = (
        "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    )
    return f"{number}{suffix}"


def weeks_in_care_since_14(born: date, periods, today: date) -> int:
    """Whole weeks looked after since the 14th birthday, over every period of care."""
    fourteenth = add_months(born, 14 * 12)
    days = 0
    for period in periods:
        start = max(period.starts_on, fourteenth)
        end = min(period.ends_on or today, today)
        if end > start:
            days += (end - start).days
    return days // 7


def category_for(person: Person, today: date) -> str | None:
    """The leaving-care category the young person's care history gives today."""
    periods = list(CarePeriod.objects.filter(person=person))
    in_care_now = any(p.ends_on is None for p in periods)
    ended = [p.ends_on for p in periods if p.ends_on is not None]
    return rules.leaving_care_category(
        born=person.date_of_birth,
        today=today,
        in_care_now=in_care_now,
        weeks_in_care_since_14=weeks_in_care_since_14(person.date_of_birth, periods, today),
        left_care_on=None if in_care_now or not ended else max(ended),
    )


def care_leaver_record(
    *,
    person_id,
    version: int | None,
    personal_adviser_id,
    support_to_25: bool,
    acting_user,
    now: datetime,
    request=None,
) -> CareLeaver:
    """Record (or update) a care leaver: the category is worked out from the care history;
    the personal adviser is a social worker or manager."""
    require_working_role(acting_user)
    today = today_in_london(now)
    adviser = Worker.objects.filter(pk=personal_adviser_id, is_active=True).first()
    if adviser is None or adviser.role not in WORKING_ROLES:
        raise DetailsRefused({"personal_adviser": "Choose the personal adviser."})
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person_id)
        if person.date_of_birth is None:
            raise DomainError(NO_BIRTH_DATE)
        category = category_for(person, today)
        if category is None:
            raise DomainError(
                "This young person is not owed leaving-care support: a care leaver was looked "
                f"after for at least {rules.ELIGIBLE_WEEKS_SINCE_14} weeks since they were 14 "
                "(or left care at 16 or 17), and is 16 to 25. Check the periods of care."
            )
        existing = CareLeaver.objects.filter(person=person).first()
        row = (
            locked(CareLeaver, existing.pk, version=version, what="care leaver record")
            if existing
            else CareLeaver(person=person)
        )
        row.category = category
        row.personal_adviser = adviser
        row.support_to_25 = support_to_25
        full_clean_or_refuse(row)
        if existing:
            bump(row, "category", "personal_adviser", "support_to_25")
        else:
            row.save()
        audit_change(
            row,
            "create",
            person_id=person.pk,
            acting_user=acting_user,
            now=now,
            request=request,
            detail={"fields": ["category", "personal_adviser", "support_to_25"]},
        )
        chronology(
            [person.pk],
            f"Care leaver: {reference.LEAVING_CARE_CATEGORIES[category]}. Personal adviser "
            f"{adviser.get_full_name() or adviser.username}"
            + (", support to 25 agreed." if support_to_25 else "."),
            acting_user=acting_user,
            now=now,
            obj=row,
        )
    return row


def _care_leaver(person_id) -> CareLeaver:
    row = CareLeaver.objects.filter(person_id=person_id).first()
    if row is None:
        raise DomainError(NOT_A_CARE_LEAVER)
    return row


@once_per_form(PathwayPlan)
def pathway_plan_start(
    *,
    person_id,
    starts_on: date,
    summary: str,
    acting_user,
    now: datetime,
    request=None,
) -> PathwayPlan:
    """A pathway plan, due for review 6 months after it starts."""
    require_working_role(acting_user)
    problems = refuse_future(starts_on, today_in_london(now), "starts_on", "The plan's start")
    if not summary.strip():
        problems["summary"] = "Write the plan: what the young person wants and the support agreed."
    if problems:
        raise DetailsRefused(problems)
    with transaction.atomic():
        Person.objects.select_for_update().get(pk=person_id)
        _care_leaver(person_id)
        current = PathwayPlan.objects.filter(person_id=person_id, ends_on__isnull=True).first()
        if current is not None:
            raise DomainError("The young person already has a pathway plan: update that one.")
        plan = PathwayPlan(
            person_id=person_id,
            starts_on=starts_on,
            summary=summary,
            next_review_on=rules.pathway_review_due_on(plan_started_on=starts_on, reviews_held=[]),
        )
        full_clean_or_refuse(plan)
        plan.save()
        audit_change(
            plan,
            "create",
            person_id=person_id,
            acting_user=acting_user,
            now=now,
            request=request,
            detail={"fields": ["starts_on", "summary"]},
        )
        chronology([person_id], "Pathway plan started.", acting_user=acting_user, now=now, obj=plan)
    return plan


def pathway_plan_edit(
    *,
    person_id,
    plan_id,
    version: int,
    summary: str,
    ends_on: date | None,
    acting_user,
    now: datetime,
    request=None,
) -> PathwayPlan:
    """Update the plan's words, or end it. A save on top of someone else's is refused."""
    require_working_role(acting_user)
    problems = refuse_future(ends_on, today_in_london(now), "ends_on", "The plan's end")
    if not summary.strip():
        problems["summary"] = "Write the plan: what the young person wants and the support agreed."
    with transaction.atomic():
        plan = locked(PathwayPlan, plan_id, version=version, what="pathway plan")
        if plan.person_id != person_id:
            raise PathwayPlan.DoesNotExist
        problems.update(
            rules.order_problems(
                [
                    (
                        "ends_on",
                        plan.starts_on,
                        ends_on,
                        f"The plan cannot end before it started ({day_words(plan.starts_on)}).",
                    ),
                ]
            )
        )
        if problems:
            raise DetailsRefused(problems)
        changed = [
            k for k, v in (("summary", summary), ("ends_on", ends_on)) if getattr(plan, k) != v
        ]
        plan.summary = summary
        plan.ends_on = ends_on
        full_clean_or_refuse(plan)
        bump(plan, "summary", "ends_on")
        audit_change(
            plan,
            "update",
            person_id=person_id,
            acting_user=acting_user,
            now=now,
            request=request,
            detail={"fields": changed},
        )
        chronology(
            [person_id],
            "Pathway plan ended." if ends_on else "Pathway plan updated.",
            acting_user=acting_user,
            now=now,
            obj=plan,
        )
    return plan


@once_per_form(PathwayPlanReview)
def pathway_review_record(
    *,
    person_id,
    plan_id,
    held_on: date,
    summary: str,
    acting_user,
    now: datetime,
    request=None,
) -> PathwayPlanReview:
    """A review of the pathway plan; the next one is due 6 months later."""
    require_working_role(acting_user)
    problems = refuse_future(held_on, today_in_london(now), "held_on", "The review")
    if not summary.strip():
        problems["summary"] = "Write what the review found and agreed."
    with transaction.atomic():
        plan = locked(PathwayPlan, plan_id, what="pathway plan")
        if plan.person_id != person_id:
            raise PathwayPlan.DoesNotExist
        problems.update(
            rules.order_problems(
                [
                    (
                        "held_on",
                        plan.starts_on,
                        held_on,
                        "The review cannot be before the plan started "
                        f"({day_words(plan.starts_on)}).",
                    ),
                ]
            )
        )
        if problems:
            raise DetailsRefused(problems)
        review = PathwayPlanReview(
            plan=plan, held_on=held_on, summary=summary, recorded_by=acting_user
        )
        full_clean_or_refuse(review)
        review.save()
        plan.next_review_on = rules.pathway_review_due_on(
            plan_started_on=plan.starts_on,
            reviews_held=list(plan.reviews.values_list("held_on", flat=True)),
        )
        bump(plan, "next_review_on")
        audit_change(
            review,
            "create",
            person_id=person_id,
            acting_user=acting_user,
            now=now,
            request=request,
            detail={"fields": ["held_on", "summary"]},
        )
        chronology(
            [person_id],
            f"Pathway plan reviewed; next review due {day_words(plan.next_review_on)}.",
            acting_user=acting_user,
            now=now,
            obj=review,
        )
    return review


def birthday_ages(care_leaver: CareLeaver) -> tuple[int, ...]:
    extended = rules.LEAVING_CARE_EXTENDED_AGES if care_leaver.support_to_25 else ()
    return rules.LEAVING_CARE_AGES + extended


@once_per_form(CareLeaverContact)
def contact_record(
    *,
    person_id,
    birthday_age: int,
    contact_on: date,
    in_touch: str,
    activity: str = "",
    accommodation: str = "",
    accommodation_suitable: bool | None = None,
    acting_user,
    now: datetime,
    request=None,
) -> CareLeaverContact:
    """What was known of the care leaver around a birthday: the contact must fall in that
    birthday's window (3 months before to 1 month after)."""
    require_working_role(acting_user)
    problems = refuse_future(contact_on, today_in_london(now), "contact_on", "The contact")
    if in_touch not in reference.IN_TOUCH:
        problems["in_touch"] = "Choose whether the young person is in touch."
    if activity and activity not in reference.ACTIVITIES:
        problems["activity"] = "Choose what the young person is doing."
    if accommodation and accommodation not in reference.ACCOMMODATION_KINDS:
        problems["accommodation"] = "Choose where the young person lives."
    if in_touch == "YES":
        if not activity:
            problems["activity"] = "Choose what the young person is doing."
        if not accommodation:
            problems["accommodation"] = "Choose where the young person lives."
        if accommodation and accommodation_suitable is None:
            problems["accommodation_suitable"] = "Say whether the accommodation is suitable."
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person_id)
        care_leaver = _care_leaver(person_id)
        ages = birthday_ages(care_leaver)
        if birthday_age not in ages:
            problems["birthday_age"] = (
                f"Choose a birthday from {ages[0]} to {ages[-1]}"
                + ("" if care_leaver.support_to_25 else " (to 25 once support to 25 is agreed)")
                + "."
            )
        elif person.date_of_birth is None:
            raise DomainError(NO_BIRTH_DATE)
        elif contact_on is not None and "contact_on" not in problems:
            opens, closes = rules.in_touch_window(person.date_of_birth, birthday_age)
            if not opens <= contact_on <= closes:
                problems["contact_on"] = (
                    f"A contact for the {nth(birthday_age)} birthday must be between "
                    f"{day_words(opens)} and {day_words(closes)} (3 months before to 1 month "
                    "after the birthday)."
                )
        if (
            "birthday_age" not in problems
            and CareLeaverContact.objects.filter(
                person_id=person_id, birthday_age=birthday_age
            ).exists()
        ):
            problems["birthday_age"] = (
                f"The {nth(birthday_age)} birthday's contact is already recorded."
            )
        if problems:
            raise DetailsRefused(problems)
        row = CareLeaverContact(
            person_id=person_id,
            birthday_age=birthday_age,
            contact_on=contact_on,
            in_touch=in_touch,
            activity=activity,
            accommodation=accommodation,
            accommodation_suitable=accommodation_suitable,
            recorded_by=acting_user,
        )
        full_clean_or_refuse(row)
        row.save()
        audit_change(
            row,
            "create",
            person_id=person_id,
            acting_user=acting_user,
            now=now,
            request=request,
            detail={
                "fields": [
                    "birthday_age",
                    "contact_on",
                    "in_touch",
                    "activity",
                    "accommodation",
                    "accommodation_suitable",
                ]
            },
        )
        chronology(
            [person_id],
            f"{nth(birthday_age)} birthday contact: {reference.IN_TOUCH[in_touch]}.",
            acting_user=acting_user,
            now=now,
            obj=row,
        )
    return row
