"""Pages for care leavers (their adviser, pathway plans and reviews, birthday contacts) and
homeless 16-17 year olds. Thin views: open the child through access_person_by_id (404 for anyone
who may not), fetch the child's own rows, bind the form, call the action, show its refusal beside
the fields, redirect with a message.
"""

from onestory.access.decorators import access_rule
from onestory.core.clock import now, today_in_london
from onestory.core.idempotency import new_form_token

from . import forms_care as forms
from . import selectors_care as selectors
from .actions import homeless, leaving_care
from .models import CareLeaver
from .views_common import CARE_FORM, ROLES, bound_form, day_text, form_page, open_child

# --- Care leavers ----------------------------------------------------------------------------


@access_rule("person", roles=ROLES)
def care_leaver(request, person_id):
    at = now()
    person = open_child(request, person_id, at=at, page="care leaver")
    row = CareLeaver.objects.filter(person=person).first()
    initial = (
        {
            "version": row.version,
            "personal_adviser": row.personal_adviser_id,
            "support_to_25": row.support_to_25,
        }
        if row
        else {"version": None}
    )
    form = bound_form(request, forms.CareLeaverForm, initial)

    def save(data):
        leaving_care.care_leaver_record(
            person_id=person.pk,
            version=data.get("version"),
            personal_adviser_id=data["personal_adviser"].pk,
            support_to_25=data["support_to_25"],
            acting_user=request.user,
            now=at,
            request=request,
        )

    return form_page(
        request,
        person,
        form,
        template=CARE_FORM,
        save=save,
        success="Care leaver details saved.",
        title="Care leaver",
        intro="The leaving-care category is worked out from the "
        "periods of care: weeks looked after since 14, and when care ended.",
    )


@access_rule("person", roles=ROLES)
def pathway_plan_start(request, person_id):
    at = now()
    person = open_child(request, person_id, at=at, page="start pathway plan")
    form = bound_form(
        request,
        forms.PathwayPlanForm,
        {"form_token": new_form_token(), "starts_on": today_in_london(at)},
    )

    def save(data):
        leaving_care.pathway_plan_start(
            person_id=person.pk,
            starts_on=data["starts_on"],
            summary=data["summary"],
            form_token=data["form_token"],
            acting_user=request.user,
            now=at,
            request=request,
        )

    return form_page(
        request,
        person,
        form,
        template=CARE_FORM,
        save=save,
        success="Pathway plan started.",
        title="Start a pathway plan",
    )


@access_rule("person", roles=ROLES)
def pathway_plan_edit(request, person_id, plan_id):
    at = now()
    person = open_child(request, person_id, at=at, page="update pathway plan")
    plan = selectors.plan_of(person, plan_id)
    form = bound_form(
        request,
        forms.PathwayPlanEditForm,
        {"version": plan.version, "summary": plan.summary, "ends_on": plan.ends_on},
    )

    def save(data):
        leaving_care.pathway_plan_edit(
            person_id=person.pk,
            plan_id=plan.pk,
            version=data["version"],
            summary=data["summary"],
            ends_on=data.get("ends_on"),
            acting_user=request.user,
            now=at,
            request=request,
        )

    return form_page(
        request,
        person,
        form,
        template=CARE_FORM,
        save=save,
        rows=[("Started", day_text(plan.starts_on))],
        success="Pathway plan saved.",
        title="Update the pathway plan",
    )


@access_rule("person", roles=ROLES)
def pathway_review_add(request, person_id, plan_id):
    at = now()
    person = open_child(request, person_id, at=at, page="review pathway plan")
    plan = selectors.plan_of(person, plan_id)
    form = bound_form(request, forms.PathwayReviewForm, {"form_token": new_form_token()})

    def save(data):
        leaving_care.pathway_review_record(
            person_id=person.pk,
            plan_id=plan.pk,
            held_on=data["held_on"],
            summary=data["summary"],
            form_token=data["form_token"],
            acting_user=request.user,
            now=at,
            request=request,
        )

    return form_page(
        request,
        person,
        form,
        template=CARE_FORM,
        save=save,
        rows=[
            ("Started", day_text(plan.starts_on)),
            ("Review due by", day_text(plan.next_review_on)),
        ],
        success="Pathway plan review recorded.",
        title="Record a pathway plan review",
    )


@access_rule("person", roles=ROLES)
def contact_add(request, person_id):
    at = now()
    person = open_child(request, person_id, at=at, page="care leaver contact")
    row = CareLeaver.objects.filter(person=person).first()
    ages = leaving_care.birthday_ages(row) if row else ()
    form = bound_form(request, forms.ContactForm, {"form_token": new_form_token()}, ages=ages)

    def save(data):
        leaving_care.contact_record(
            person_id=person.pk,
            birthday_age=data["birthday_age"],
            contact_on=data["contact_on"],
            in_touch=data["in_touch"],
            activity=data["activity"],
            accommodation=data["accommodation"],
            accommodation_suitable=forms.yes_no(data["accommodation_suitable"]),
            form_token=data["form_token"],
            acting_user=request.user,
            now=at,
            request=request,
        )

    return form_page(
        request,
        person,
        form,
        template=CARE_FORM,
        save=save,
        success="Birthday contact recorded.",
        title="Record a birthday contact",
        intro="A contact counts for a birthday from 3 months before it to 1 month after.",
    )


# --- Homeless 16 and 17 year olds ------------------------------------------------------------


def _homeless_call(data):
    return {
        "joint_assessment_on": data.get("joint_assessment_on"),
        "young_persons_wishes": data["young_persons_wishes"],
        "advised_of_care_entitlements": data["advised_of_care_entitlements"],
        "decision": data.get("decision", ""),
        "reason": data["reason"],
        "decided_on": data.get("decided_on"),
    }


@access_rule("person", roles=ROLES)
def homeless_add(request, person_id):
    at = now()
    person = open_child(request, person_id, at=at, page="homeless assessment")
    form = bound_form(request, forms.HomelessForm, {"form_token": new_form_token()})

    def save(data):
        homeless.homeless_assessment_record(
            person_id=person.pk,
            presented_on=data["presented_on"],
            housing_officer=data["housing_officer"],
            form_token=data["form_token"],
            acting_user=request.user,
            now=at,
            request=request,
            **_homeless_call(data),
        )

    return form_page(
        request,
        person,
        form,
        template=CARE_FORM,
        save=save,
        success="Homeless assessment recorded.",
        title="Homeless 16 or 17 year old: joint assessment",
    )


@access_rule("person", roles=ROLES)
def homeless_decide(request, person_id, assessment_id):
    at = now()
    person = open_child(request, person_id, at=at, page="homeless decision")
    row = selectors.homeless_of(person, assessment_id)
    initial = {
        key: getattr(row, key)
        for key in (
            "version",
            "joint_assessment_on",
            "young_persons_wishes",
            "advised_of_care_entitlements",
            "reason",
            "decided_on",
        )
    }
    form = bound_form(request, forms.HomelessForm, initial, deciding=True)

    def save(data):
        homeless.homeless_decide(
            person_id=person.pk,
            assessment_id=row.pk,
            version=data["version"],
            acting_user=request.user,
            now=at,
            request=request,
            **_homeless_call(data),
        )

    return form_page(
        request,
        person,
        form,
        template=CARE_FORM,
        save=save,
        rows=[("Presented", day_text(row.presented_on)), ("Housing officer", row.housing_officer)],
        success="Decision recorded.",
        title="Record the decision",
    )
