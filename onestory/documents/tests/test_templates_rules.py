"""The pure rules of templates and disclosure (no database)."""

from onestory.documents import rules
from onestory.documents.rules import RecipientKind as K
from onestory.documents.rules import Source

KNOWN = {"child.name", "recipient.name", "today"}


def test_a_template_naming_only_catalogue_fields_has_no_problems():
    body = "Dear {{ recipient.name }},\n\nAbout {{child.name}} on {{ today }}."
    assert rules.template_problems(body, KNOWN) == []
    assert rules.placeholders(body) == ["recipient.name", "child.name", "today"]


def test_an_unknown_field_is_named_in_the_problem():
    [problem] = rules.template_problems("Hello {{ child.nickname }} {{ child.name }}", KNOWN)
    assert "{{ child.nickname }}" in problem
    assert "child.name }}," not in problem


def test_tags_filters_and_comments_are_refused():
    for body in ("{% if x %}y{% endif %}", "{{ child.name|upper }}", "{# note #}", "{{ }}"):
        assert rules.template_problems(body, KNOWN), body


def test_only_council_staff_receive_withheld_addresses_and_police_information():
    for source in (Source.WITHHELD_ADDRESS, Source.POLICE_INFORMATION, Source.ADOPTERS_IDENTITY):
        allowed = {kind for kind in K if rules.may_receive(kind, {source})}
        assert allowed == {K.COUNCIL_STAFF}


def test_the_family_never_learns_who_referred():
    for kind in (K.PARENT, K.PARENT_ALLEGED_HARM, K.CHILD):
        assert not rules.may_receive(kind, {Source.REFERRER_IDENTITY})
    assert rules.may_receive(K.REFERRER, {Source.REFERRER_IDENTITY})


def test_a_parent_alleged_to_have_harmed_never_learns_where_the_person_harmed_lives():
    assert not rules.may_receive(K.PARENT_ALLEGED_HARM, {Source.ADDRESS_OF_PERSON_HARMED})
    assert rules.may_receive(K.PARENT, {Source.ADDRESS_OF_PERSON_HARMED})


def test_a_value_from_several_sources_needs_every_one_allowed():
    both = {Source.REFERRER_IDENTITY, Source.POLICE_INFORMATION}
    assert not rules.may_receive(K.PROFESSIONAL, both)
    assert rules.may_receive(K.COUNCIL_STAFF, both)


def test_everyone_outside_the_council_needs_approval():
    assert [kind for kind in K if not rules.needs_approval(kind)] == [K.COUNCIL_STAFF]
