"""Children in care, care leavers and homeless 16-17 year olds (in the "socialcare" namespace,
mounted at /social-care/)."""

from django.urls import path

from . import views_care as views

P = "children/<uuid:person_id>/"

urlpatterns = [
    path(P + "care/", views.care_page, name="care"),
    path(P + "care/start/", views.care_start, name="care-start"),
    path(
        P + "care/<uuid:period_id>/legal-status/",
        views.legal_status_change,
        name="care-legal-status",
    ),
    path(P + "care/<uuid:period_id>/placement/", views.placement_move, name="placement-move"),
    path(P + "care/placements/<uuid:placement_id>/", views.placement_edit, name="placement-edit"),
    path(P + "care/<uuid:period_id>/reviews/add/", views.review_add, name="care-review-add"),
    path(P + "care/<uuid:period_id>/end/", views.care_end, name="care-end"),
    path(P + "care/missing/add/", views.missing_add, name="missing-add"),
    path(P + "care/health/add/", views.health_check_add, name="health-check-add"),
    path(P + "care/unaccompanied/", views.unaccompanied, name="unaccompanied"),
    path(P + "leaving-care/", views.care_leaver, name="care-leaver"),
    path(P + "leaving-care/plan/", views.pathway_plan_start, name="pathway-plan-start"),
    path(
        P + "leaving-care/plan/<uuid:plan_id>/", views.pathway_plan_edit, name="pathway-plan-edit"
    ),
    path(
        P + "leaving-care/plan/<uuid:plan_id>/reviews/add/",
        views.pathway_review_add,
        name="pathway-review-add",
    ),
    path(P + "leaving-care/contacts/add/", views.contact_add, name="care-leaver-contact-add"),
    path(P + "homeless/add/", views.homeless_add, name="homeless-add"),
    path(
        P + "homeless/<uuid:assessment_id>/decide/",
        views.homeless_decide,
        name="homeless-decide",
    ),
]
