"""Assessments, children in need, visits, child protection and closing a child in need episode
(in the "socialcare" namespace, mounted at /social-care/)."""

from django.urls import path

from . import views_need, views_protection

CHILD = "children/<uuid:person_id>/"

urlpatterns: list = [
    path(f"{CHILD}protection/", views_protection.protection, name="protection"),
    path(
        f"{CHILD}referrals/<uuid:referral_id>/assessment/start/",
        views_need.assessment_start,
        name="assessment-start",
    ),
    path(f"{CHILD}assessments/<uuid:assessment_id>/", views_need.assessment, name="assessment"),
    path(
        f"{CHILD}assessments/<uuid:assessment_id>/authorise/",
        views_need.assessment_authorise,
        name="assessment-authorise",
    ),
    path(f"{CHILD}visits/add/", views_need.visit_add, name="visit-add"),
    path(
        f"{CHILD}referrals/<uuid:referral_id>/child-in-need-plan/start/",
        views_need.cin_plan_start,
        name="cin-plan-start",
    ),
    path(f"{CHILD}child-in-need-plans/<uuid:plan_id>/", views_need.cin_plan, name="cin-plan"),
    path(
        f"{CHILD}child-in-need-plans/<uuid:plan_id>/reviews/add/",
        views_need.cin_review_add,
        name="cin-review-add",
    ),
    path(
        f"{CHILD}child-in-need-plans/<uuid:plan_id>/end/",
        views_need.cin_plan_end,
        name="cin-plan-end",
    ),
    path(
        f"{CHILD}referrals/<uuid:referral_id>/strategy-discussions/add/",
        views_protection.strategy_add,
        name="strategy-add",
    ),
    path(
        f"{CHILD}referrals/<uuid:referral_id>/strategy-discussions/from-front-door/",
        views_protection.strategy_from_front_door,
        name="strategy-from-front-door",
    ),
    path(
        f"{CHILD}strategy-discussions/<uuid:discussion_id>/",
        views_protection.strategy,
        name="strategy",
    ),
    path(
        f"{CHILD}strategy-discussions/<uuid:discussion_id>/section-47/start/",
        views_protection.section47_start,
        name="section47-start",
    ),
    path(
        f"{CHILD}section-47/<uuid:enquiry_id>/complete/",
        views_protection.section47_complete,
        name="section47-complete",
    ),
    path(
        f"{CHILD}section-47/<uuid:enquiry_id>/conference/",
        views_protection.conference_initial,
        name="conference-initial",
    ),
    path(
        f"{CHILD}child-protection-plans/<uuid:plan_id>/", views_protection.cp_plan, name="cp-plan"
    ),
    path(
        f"{CHILD}child-protection-plans/<uuid:plan_id>/review/",
        views_protection.cp_review,
        name="cp-review",
    ),
    path(
        f"{CHILD}child-protection-plans/<uuid:plan_id>/end/",
        views_protection.cp_plan_end,
        name="cp-plan-end",
    ),
    path(
        f"{CHILD}referrals/<uuid:referral_id>/close/",
        views_need.referral_close,
        name="referral-close",
    ),
]
