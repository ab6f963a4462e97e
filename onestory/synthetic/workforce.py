"""The council's teams and the partner agencies' practitioners, for the synthetic local authority.

Agencies and teams are found or made by name, and synthetic workers by username (all start
"syn-"), so running the generator again updates the workforce instead of duplicating it. Workers
made here cannot sign in: only the demo sign-ins (`onestory demo_users`) have passwords.
"""

import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password

from onestory.workforce.models import Agency, Team, Worker
from onestory.workforce.rules import Role

from .communities import COMMUNITIES, WORKFORCE_MIX, NameBank
from .names import feminine_polish
from .reference import agency_specs

COUNCIL_NAME = "Luton Borough Council"
SYNTHETIC_USERNAME_PREFIX = "syn-"
# Social workers engaged through an agency: England's agency worker rate was about 18% (DfE
# Children's social work workforce 2023); a little under it here. Never a team manager.
AGENCY_SHARE = 0.17


@dataclass(frozen=True)
class TeamSpec:
    key: str
    name: str
    kind: str
    role: Role
    practitioners: int  # at scale 1
    titles: tuple[str, ...]
    manager_title: str
    manager_role: Role = Role.TEAM_MANAGER
    area: str | None = None


# Practitioners at scale 1, hand-set to give about 250 workers with the partner agencies.
COUNCIL_TEAMS = (
    TeamSpec(
        "mash",
        "Front Door (MASH)",
        Team.Kind.FRONT_DOOR,
        Role.FRONT_DOOR,
        14,
        ("MASH social worker", "Screening officer", "Senior practitioner"),
        "MASH team manager",
    ),
    TeamSpec(
        "eh-north",
        "Early Help North",
        Team.Kind.EARLY_HELP,
        Role.EARLY_HELP,
        14,
        ("Family support worker", "Early help practitioner", "Senior family support worker"),
        "Early help team manager",
        area="North",
    ),
    TeamSpec(
        "eh-south",
        "Early Help South",
        Team.Kind.EARLY_HELP,
        Role.EARLY_HELP,
        14,
        ("Family support worker", "Early help practitioner", "Senior family support worker"),
        "Early help team manager",
        area="South",
    ),
    TeamSpec(
        "hub-north",
        "Family Hub North",
        Team.Kind.FAMILY_HUB,
        Role.EARLY_HELP,
        8,
        ("Family hub practitioner", "Family support worker"),
        "Family hub manager",
        area="North",
    ),
    TeamSpec(
        "hub-south",
        "Family Hub South",
        Team.Kind.FAMILY_HUB,
        Role.EARLY_HELP,
        8,
        ("Family hub practitioner", "Family support worker"),
        "Family hub manager",
        area="South",
    ),
    *(
        TeamSpec(
            f"sw-{area.lower()}",
            f"Social Work {area}",
            Team.Kind.SOCIAL_WORK,
            Role.SOCIAL_WORKER,
            12,
            (
                "Social worker",
                "Senior social worker",
                "Advanced practitioner",
                "Newly qualified social worker",
            ),
            "Social work team manager",
            area=area,
        )
        for area in ("North", "South", "East", "West")
    ),
    TeamSpec(
        "cla",
        "Children in Care",
        Team.Kind.CHILDREN_IN_CARE,
        Role.SOCIAL_WORKER,
        14,
        ("Social worker", "Senior social worker"),
        "Children in care team manager",
    ),
    TeamSpec(
        "leaving-care",
        "Leaving Care",
        Team.Kind.LEAVING_CARE,
        Role.SOCIAL_WORKER,
        10,
        ("Personal adviser", "Senior personal adviser"),
        "Leaving care team manager",
    ),
    TeamSpec(
        "performance",
        "Performance and Insight",
        Team.Kind.PERFORMANCE,
        Role.ANALYST,
        5,
        ("Performance analyst", "Data analyst", "Information officer"),
        "Head of performance and insight",
        manager_role=Role.ANALYST,
    ),
    TeamSpec(
        "systems",
        "Systems and Information Governance",
        Team.Kind.SYSTEMS,
        Role.ADMIN,
        2,
        ("Systems administrator",),
        "Systems manager",
        manager_role=Role.ADMIN,
    ),
)

# Family hub practitioners (Role.FAMILY_HUB) at scale 1 in each family hub team, beside the
# team's early help workers: they run the hubs' sessions and registers and own the service
# directory's entries (hand-set: about 170 sessions a week, eight or so each with partners').
FAMILY_HUB_WORKERS = 10
FAMILY_HUB_TITLES = ("Family hub practitioner", "Family hub assistant", "Family hub practitioner")

# Partner agencies' practitioners at scale 1, shared out over the agencies of each kind.
PARTNER_TEAMS = {
    Agency.Kind.SCHOOL: (
        "Safeguarding team",
        60,
        ("Designated safeguarding lead", "Deputy designated safeguarding lead"),
    ),
    Agency.Kind.GP_PRACTICE: ("Safeguarding lead", 12, ("GP safeguarding lead",)),
    Agency.Kind.HEALTH_VISITING: ("Health visiting team", 8, ("Health visitor",)),
    Agency.Kind.SCHOOL_NURSING: ("School nursing team", 4, ("School nurse",)),
    Agency.Kind.HOSPITAL: ("Safeguarding children team", 3, ("Named nurse for safeguarding",)),
    Agency.Kind.POLICE: (
        "Child abuse investigation unit",
        8,
        ("Detective constable", "Police officer"),
    ),
    Agency.Kind.HOUSING: ("Housing options", 4, ("Housing officer",)),
    Agency.Kind.VOLUNTARY: (
        "Family support team",
        4,
        ("Family support worker", "Volunteer coordinator"),
    ),
}


@dataclass
class Workforce:
    council: Agency
    agencies: dict[str, Agency]  # by name
    teams: dict[str, Team]  # council teams by key
    practitioners: dict[str, list[Worker]] = field(default_factory=dict)  # by team key
    managers: dict[str, Worker] = field(default_factory=dict)  # by team key
    dpo: Worker | None = None
    workers: int = 0
    partners: dict[str, list[Worker]] = field(default_factory=dict)  # by agency name
    family_hub: dict[str, list[Worker]] = field(default_factory=dict)  # by team key


def _names(rng: random.Random, bank: NameBank) -> tuple[str, str]:
    community = COMMUNITIES[
        rng.choices(list(WORKFORCE_MIX), weights=list(WORKFORCE_MIX.values()))[0]
    ]
    sex = "F" if rng.random() < 0.8 else "M"  # children's services staff are mostly women
    _, given = bank.given(community.given_names, sex, young=False, rng=rng)
    stem = community.family_names[0][0]
    _, family = bank.family(stem, rng)
    if sex == "F" and community.feminine_family_names:
        family = feminine_polish(family)
    return given, family


def _agency_staff(wanted: list[tuple], seed: int) -> set[str]:
    """The usernames of the social workers (not their managers) engaged through an agency:
    AGENCY_SHARE of them, at least one, chosen with their own random generator."""
    social_workers = sorted(
        username
        for username, _, _, role, _, _ in wanted
        if role == Role.SOCIAL_WORKER and not username.endswith("-manager")
    )
    if not social_workers:
        return set()
    count = max(1, round(AGENCY_SHARE * len(social_workers)))
    return set(random.Random(f"agency-staff-{seed}").sample(social_workers, count))


def build_workforce(*, seed: int, scale: float) -> Workforce:
    """Find or make the agencies and teams, and make or refresh the synthetic workers."""
    rng = random.Random(f"workforce-{seed}")
    bank = NameBank()
    council, _ = Agency.objects.update_or_create(
        name=COUNCIL_NAME, defaults={"kind": Agency.Kind.COUNCIL, "code": "E06000032"}
    )
    agencies = {COUNCIL_NAME: council}
    for spec in agency_specs():
        agency, _ = Agency.objects.update_or_create(
            name=spec["name"], defaults={"kind": spec["kind"], "code": spec["code"]}
        )
        agencies[agency.name] = agency
    teams = {}
    for spec in COUNCIL_TEAMS:
        teams[spec.key], _ = Team.objects.update_or_create(
            agency=council, name=spec.name, defaults={"kind": spec.kind}
        )

    # (username, first, last, role, team, job title) for every synthetic worker, in a fixed order.
    wanted: list[tuple] = []
    for spec in COUNCIL_TEAMS:
        team = teams[spec.key]
        wanted.append(
            (
                f"{SYNTHETIC_USERNAME_PREFIX}{spec.key}-manager",
                *_names(rng, bank),
                spec.manager_role,
                team,
                spec.manager_title,
            )
        )
        for i in range(1, max(1, round(spec.practitioners * scale)) + 1):
            wanted.append(
                (
                    f"{SYNTHETIC_USERNAME_PREFIX}{spec.key}-{i:03d}",
                    *_names(rng, bank),
                    spec.role,
                    team,
                    spec.titles[(i - 1) % len(spec.titles)],
                )
            )
    wanted.append(
        (
            f"{SYNTHETIC_USERNAME_PREFIX}systems-dpo",
            *_names(rng, bank),
            Role.DATA_PROTECTION_OFFICER,
            teams["systems"],
            "Data protection officer",
        )
    )
    for kind, (team_name, count, titles) in PARTNER_TEAMS.items():
        of_kind = [a for a in agencies.values() if a.kind == kind]
        for i in range(max(1, round(count * scale))):
            agency = of_kind[i % len(of_kind)]
            team, _ = Team.objects.get_or_create(
                agency=agency, name=team_name, defaults={"kind": Team.Kind.PARTNER}
            )
            wanted.append(
                (
                    f"{SYNTHETIC_USERNAME_PREFIX}{kind}-{i + 1:03d}",
                    *_names(rng, bank),
                    Role.PARTNER,
                    team,
                    titles[(i // len(of_kind)) % len(titles)],
                )
            )

    # Last, so that everyone above keeps the name the same seed gave them before.
    hub_teams = [spec for spec in COUNCIL_TEAMS if spec.kind == Team.Kind.FAMILY_HUB]
    for spec in hub_teams:
        for i in range(1, max(1, round(FAMILY_HUB_WORKERS * scale)) + 1):
            wanted.append(
                (
                    f"{SYNTHETIC_USERNAME_PREFIX}{spec.key}-fh-{i:03d}",
                    *_names(rng, bank),
                    Role.FAMILY_HUB,
                    teams[spec.key],
                    FAMILY_HUB_TITLES[(i - 1) % len(FAMILY_HUB_TITLES)],
                )
            )

    existing = {
        w.username: w for w in Worker.objects.filter(username__startswith=SYNTHETIC_USERNAME_PREFIX)
    }
    agency_staff = _agency_staff(wanted, seed)
    new, changed = [], []
    for username, first, last, role, team, title in wanted:
        worker = existing.pop(username, None)
        fields = {
            "is_agency_staff": username in agency_staff,
            "first_name": first,
            "last_name": last,
            "role": role.value,
            "team": team,
            "agency": team.agency,
            "job_title": title,
            "is_active": True,
            "is_staff": False,
            "is_superuser": False,
        }
        if worker is None:
            new.append(Worker(username=username, password=make_password(None), **fields))
        else:
            for name, value in fields.items():
                setattr(worker, name, value)
            changed.append(worker)
    Worker.objects.bulk_create(new, batch_size=500)
    Worker.objects.bulk_update(
        changed,
        [
            "is_agency_staff",
            "first_name",
            "last_name",
            "role",
            "team",
            "agency",
            "job_title",
            "is_active",
            "is_staff",
            "is_superuser",
        ],
        batch_size=500,
    )
    # Workers of an earlier, larger run stay (the audit trail may name them) but cannot act.
    Worker.objects.filter(pk__in=[w.pk for w in existing.values()]).update(is_active=False)

    workforce = Workforce(council=council, agencies=agencies, teams=teams, workers=len(wanted))
    by_username = {
        w.username: w for w in Worker.objects.filter(username__in=[w[0] for w in wanted])
    }
    for spec in COUNCIL_TEAMS:
        manager = by_username[f"{SYNTHETIC_USERNAME_PREFIX}{spec.key}-manager"]
        team = teams[spec.key]
        # Keep a demo manager (or anyone else a council put in charge) if there is one.
        if team.manager_id is None or team.manager.username.startswith(SYNTHETIC_USERNAME_PREFIX):
            team.manager = manager
            team.save(update_fields=["manager", "updated_at"])
        workforce.managers[spec.key] = team.manager
        workforce.practitioners[spec.key] = sorted(
            (
                w
                for w in by_username.values()
                if w.team_id == team.id and w.role == spec.role.value and w.pk != manager.pk
            ),
            key=lambda w: w.username,
        )
    for spec in hub_teams:
        workforce.family_hub[spec.key] = sorted(
            (
                w
                for w in by_username.values()
                if w.team_id == teams[spec.key].id and w.role == Role.FAMILY_HUB.value
            ),
            key=lambda w: w.username,
        )
    workforce.dpo = by_username[f"{SYNTHETIC_USERNAME_PREFIX}systems-dpo"]
    names = {a.pk: name for name, a in agencies.items()}
    for username in sorted(by_username):
        worker = by_username[username]
        if worker.role == Role.PARTNER.value:
            workforce.partners.setdefault(names[worker.agency_id], []).append(worker)
    return workforce
