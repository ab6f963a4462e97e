"""Front-door test data: made through the front door's own actions, as a user would."""

from datetime import date

from onestory.core.idempotency import new_form_token
from onestory.frontdoor import actions

WORRY = "Came to school hungry three days running and has a bruise on the arm."


def submit(referrer, *, now, people=None, immediate_danger=False, **changes):
    """A request for support from `referrer`, naming a child and a parent unless told otherwise."""
    values = {
        "channel": "online",
        "referrer_name": referrer.get_full_name() or "A referrer",
        "referrer_contact": "01632 960123",
        "what_happened": WORRY,
        "consent": "given",
        "immediate_danger": immediate_danger,
        "people": people
        or [
            {
                "role": "child",
                "given_name": "Amara",
                "family_name": "Okafor",
                "date_of_birth": date(2016, 5, 4),
                "postcode": "LU4 9AB",
            },
            {
                "role": "parent",
                "given_name": "Grace",
                "family_name": "Okafor",
                "relationship_to_child": "Mother",
            },
        ],
        "acting_user": referrer,
        "now": now,
        "form_token": new_form_token(),
    }
    values.update(changes)
    return actions.contact_submit(**values)
