"""Letter and report templates, letters produced for each recipient, approval, release,
withdrawal and recall."""

from django.urls import path

from . import views_letters as views

urlpatterns = [
    path("letters/templates/", views.template_list, name="template-list"),
    path("letters/templates/new/", views.template_create, name="template-create"),
    path("letters/templates/<uuid:template_id>/", views.template_edit, name="template-edit"),
    path("letters/approvals/", views.approvals, name="letter-approvals"),
    path("letters/person/<uuid:person_id>/", views.person_letters, name="person-letters"),
    path("letters/person/<uuid:person_id>/new/", views.letter_produce, name="letter-produce"),
    path("letters/<uuid:letter_id>/", views.letter, name="letter"),
    path("letters/<uuid:letter_id>/document/", views.letter_document, name="letter-document"),
    path("letters/<uuid:letter_id>/pdf/", views.letter_download, name="letter-pdf"),
    path("letters/<uuid:letter_id>/approve/", views.letter_approve, name="letter-approve"),
    path("letters/<uuid:letter_id>/release/", views.letter_release, name="letter-release"),
    path("letters/<uuid:letter_id>/withdraw/", views.letter_withdraw, name="letter-withdraw"),
    path("letters/<uuid:letter_id>/recall/", views.letter_recall, name="letter-recall"),
]
