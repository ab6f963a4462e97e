"""Children in care, care leavers and homeless 16-17 year olds (in the "socialcare" namespace,
mounted at /social-care/)."""

from django.urls import path

from . import views_care, views_leaving_care

P = "children/<uuid:person_id>/"

urlpatterns = [
    path(P + "care/", views_care.care_page, name="care"),
    path(P + "care/start/", views_care.care_start, name="care-start"),
    path(
        P + "care/<uuid:period_id>/legal-status/",
        views_care.legal_status_change,
        name="care-legal-status",
    ),
    path(P + "care/<uuid:period_id>/placement/", views_care.placement_move, name="placement-move"),
    path(
        P + "care/placements/<uuid:placement_id>/", views_care.placement_edit, name="placement-edit"
    ),
    path(P + "care/<uuid:period_id>/reviews/add/", views_care.review_add, name="care-review-add"),
    path(P + "care/<uuid:period_id>/end/", views_care.care_end, name="care-end"),
    path(P + "care/missing/add/", views_care.missing_add, name="missing-add"),
    path(P + "care/health/add/", views_care.health_check_add, name="health-check-add"),
    path(P + "care/unaccompanied/", views_care.unaccompanied, name="unaccompanied"),
    path(P + "leaving-care/", views_leaving_care.care_leaver, name="care-leaver"),
    path(
        P + "leaving-care/plan/", views_leaving_care.pathway_plan_start, name="pathway-plan-start"
    ),
    path(
        P + "leaving-care/plan/<uuid:plan_id>/",
        views_leaving_care.pathway_plan_edit,
        name="pathway-plan-edit",
    ),
    path(
        P + "leaving-care/plan/<uuid:plan_id>/reviews/add/",
        views_leaving_care.pathway_review_add,
        name="pathway-review-add",
    ),
    path(
        P + "leaving-care/contacts/add/",
        views_leaving_care.contact_add,
        name="care-leaver-contact-add",
    ),
    path(P + "homeless/add/", views_leaving_care.homeless_add, name="homeless-add"),
    path(
        P + "homeless/<uuid:assessment_id>/decide/",
        views_leaving_care.homeless_decide,
        name="homeless-decide",
    ),
]
