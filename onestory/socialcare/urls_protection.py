"""Assessments, children in need, visits, child protection and closing a child in need episode
(in the "socialcare" namespace, mounted at /social-care/)."""

from django.urls import path

from . import views_protection as views

CHILD = "children/<uuid:person_id>/"

urlpatterns: list = [
    path(f"{CHILD}protection/", views.protection, name="protection"),
    path(
        f"{CHILD}referrals/<uuid:referral_id>/assessment/start/",
        views.assessment_start,
        name="assessment-start",
    ),
    path(f"{CHILD}assessments/<uuid:assessment_id>/", views.assessment, name="assessment"),
    path(
        f"{CHILD}assessments/<uuid:assessment_id>/authorise/",
        views.assessment_authorise,
        name="assessment-authorise",
    ),
    path(f"{CHILD}visits/add/", views.visit_add, name="visit-add"),
    path(
        f"{CHILD}referrals/<uuid:referral_id>/child-in-need-plan/start/",
        views.cin_plan_start,
        name="cin-plan-start",
    ),
    path(f"{CHILD}child-in-need-plans/<uuid:plan_id>/", views.cin_plan, name="cin-plan"),
    path(
        f"{CHILD}child-in-need-plans/<uuid:plan_id>/reviews/add/",
        views.cin_review_add,
        name="cin-review-add",
    ),
    path(
        f"{CHILD}child-in-need-plans/<uuid:plan_id>/end/", views.cin_plan_end, name="cin-plan-end"
    ),
    path(
        f"{CHILD}referrals/<uuid:referral_id>/strategy-discussions/add/",
        views.strategy_add,
        name="strategy-add",
    ),
    path(
        f"{CHILD}referrals/<uuid:referral_id>/strategy-discussions/from-front-door/",
        views.strategy_from_front_door,
        name="strategy-from-front-door",
    ),
    path(f"{CHILD}strategy-discussions/<uuid:discussion_id>/", views.strategy, name="strategy"),
    path(
        f"{CHILD}strategy-discussions/<uuid:discussion_id>/section-47/start/",
        views.section47_start,
        name="section47-start",
    ),
    path(
        f"{CHILD}section-47/<uuid:enquiry_id>/complete/",
        views.section47_complete,
        name="section47-complete",
    ),
    path(
        f"{CHILD}section-47/<uuid:enquiry_id>/conference/",
        views.conference_initial,
        name="conference-initial",
    ),
    path(f"{CHILD}child-protection-plans/<uuid:plan_id>/", views.cp_plan, name="cp-plan"),
    path(
        f"{CHILD}child-protection-plans/<uuid:plan_id>/review/",
        views.cp_review,
        name="cp-review",
    ),
    path(
        f"{CHILD}child-protection-plans/<uuid:plan_id>/end/", views.cp_plan_end, name="cp-plan-end"
    ),
    path(
        f"{CHILD}referrals/<uuid:referral_id>/close/", views.referral_close, name="referral-close"
    ),
]
