"""The front door's reference data as first loaded: data a council then changes in the service."""

from datetime import date

# The four levels of Luton's Early Help Strategy (DOMAIN.md, "Levels of need").
LEVELS = [
    (1, "Universal", "Needs met by universal services: schools, GPs, health visitors."),
    (2, "Targeted", "Additional needs met by one or two agencies working with the family."),
    (
        3,
        "Complex",
        "Complex or enduring needs, for example substance misuse or domestic abuse at home, met "
        "by agencies working together around the family.",
    ),
    (4, "Statutory", "A child in need, or in need of protection: children's social care."),
]
# A decision to take no further action on a worry is the one most often wrong when it is wrong,
# so by default a manager signs it off. A council choice, changed on the settings page.
SIGN_OFF = {"nfa": True, "early_help": False, "referral": False, "strategy": False}
FROM = date(2000, 1, 1)


def load_defaults(level_model, setting_model) -> None:
    """Add the first levels and sign-off settings where none exist (migrations and test set-up)."""
    for number, name, description in LEVELS:
        if not level_model.objects.filter(level=number).exists():
            level_model.objects.create(
                level=number, valid_from=FROM, name=name, description=description
            )
    for outcome, needed in SIGN_OFF.items():
        if not setting_model.objects.filter(outcome=outcome).exists():
            setting_model.objects.create(outcome=outcome, valid_from=FROM, needs_sign_off=needed)
