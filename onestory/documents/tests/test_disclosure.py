"""Every template for every kind of recipient: a marker planted in each restricted source
reaches only the recipients the rules allow, and does reach them, so a leak or an over-eager
filter both fail here."""

from datetime import UTC, datetime

import pytest

from onestory.access.tests.factories import AllocationFactory
from onestory.documents import rules
from onestory.documents.default_templates import DEFAULTS
from onestory.documents.fields import FIELDS, Recipient, build_record
from onestory.documents.rendering import render_letter
from onestory.documents.rules import RecipientKind as K
from onestory.documents.selectors_letters import recipients_for
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

from . import factories_letters as f

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 6, 2, 10, tzinfo=UTC)

# Which fields carry each marker, and who may receive it (written out, not read from the rules).
MARKERS = {
    f.REFUGE: ({"other_parent.address"}, {K.COUNCIL_STAFF}),
    f.FOSTER: ({"carer.address"}, {K.COUNCIL_STAFF}),
    f.ADOPTERS_NAME: ({"adopters.name"}, {K.COUNCIL_STAFF}),
    f.ADOPTERS_ADDRESS: ({"adopters.address"}, {K.COUNCIL_STAFF}),
    f.REFERRER_NAME: ({"referrer.name"}, {K.COUNCIL_STAFF, K.REFERRER, K.PROFESSIONAL}),
    f.REFERRER_AGENCY: ({"referrer.agency"}, {K.COUNCIL_STAFF, K.REFERRER, K.PROFESSIONAL}),
    f.POLICE: ({"police.information"}, {K.COUNCIL_STAFF}),
}

# The referrer's own name and agency reach their own copy as its addressee.
OWN_DETAILS = {f.REFERRER_NAME: {"recipient.name"}, f.REFERRER_AGENCY: {"recipient.address"}}

EVERY_FIELD = "\n\n".join("{{ " + name + " }}" for name in FIELDS)
TEMPLATES = [(name, body) for name, _, body, _ in DEFAULTS] + [("Every field", EVERY_FIELD)]


@pytest.fixture
def family():
    return f.marked_family(now=NOW)


def _one_of_each_kind(family) -> dict:
    partner = worker_with_role(Role.PARTNER, first_name="Nia", last_name="School")
    AllocationFactory(person=family.child, worker=partner, team=None)
    record = build_record(
        child=family.child, about=family.conference, today=NOW.date(), worker=family.worker
    )
    found = recipients_for(record, now=NOW)
    by_kind = {}
    for recipient in found:
        # The mother's own copy carries her own refuge address, as it must to reach her.
        if recipient.person is not None and recipient.person.pk == family.mother.pk:
            continue
        by_kind.setdefault(recipient.kind, recipient)
    assert set(by_kind) == set(K), "the record offers a recipient of every kind"
    assert by_kind[K.PARENT_ALLEGED_HARM].person == family.father
    return by_kind


def _render(family, body: str, recipient: Recipient, about) -> str:
    record = build_record(child=family.child, about=about, today=NOW.date(), worker=family.worker)
    return render_letter(title="Letter", body=body, record=record, recipient=recipient)


@pytest.mark.parametrize("template_name,body", TEMPLATES, ids=[t[0] for t in TEMPLATES])
@pytest.mark.parametrize("about_name", ["contact", "conference", "plan", "assessment"])
def test_each_marker_reaches_only_the_recipients_allowed_to_have_it(
    family, template_name, body, about_name
):
    by_kind = _one_of_each_kind(family)
    about = getattr(family, about_name)
    named = set(rules.placeholders(body))
    for kind, recipient in by_kind.items():
        html = _render(family, body, recipient, about)
        for marker, (fields, allowed) in MARKERS.items():
            expected = bool(named & fields) and kind in allowed
            if kind == K.REFERRER and marker in OWN_DETAILS:
                # The referrer's own copy is addressed to them: their name is on every page.
                expected = (
                    expected or bool(named & OWN_DETAILS[marker]) or marker == f.REFERRER_NAME
                )
            assert (marker in html) == expected, (
                f"{marker} {'missing from' if expected else 'leaked into'} the "
                f"{template_name} for {kind}"
            )
        if any(named & fields and kind not in allowed for fields, allowed in MARKERS.values()):
            assert rules.WITHHELD_TEXT in html, "what is kept back is marked, not silently gone"


def test_the_other_parents_ordinary_address_is_kept_from_the_parent_alleged_to_have_harmed_them():
    family = f.marked_family(now=NOW, mother_in_refuge=False)
    record = build_record(
        child=family.child, about=family.conference, today=NOW.date(), worker=family.worker
    )
    copies = {
        r.person.pk: _render(family, "{{ other_parent.address }}", r, family.conference)
        for r in recipients_for(record, now=NOW)
        if r.person is not None
    }
    assert f.HARMED_PARENTS_HOME not in copies[family.father.pk]
    assert rules.WITHHELD_TEXT in copies[family.father.pk]
    assert f.HARMED_PARENTS_HOME in copies[family.grandmother.pk]
    assert f.HARMED_PARENTS_HOME in copies[family.child.pk]


def test_every_page_carries_the_reference_and_the_recipients_name(family):
    from io import BytesIO

    from pypdf import PdfReader

    from onestory.documents.rendering import letter_pdf

    record = build_record(
        child=family.child, about=family.conference, today=NOW.date(), worker=family.worker
    )
    recipient = next(r for r in recipients_for(record, now=NOW) if r.kind == K.PARENT)
    long_body = "\n\n".join(["{{ child.name }} " + "words " * 120] * 12)
    html = render_letter(title="Long letter", body=long_body, record=record, recipient=recipient)
    assert record.reference in html and recipient.name in html
    pages = PdfReader(BytesIO(letter_pdf(html))).pages
    assert len(pages) > 1
    for page in pages:
        text = page.extract_text()
        assert record.reference in text
        assert recipient.name in text
