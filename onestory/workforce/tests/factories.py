import factory

from onestory.workforce.models import Agency, Team, Worker
from onestory.workforce.rules import Role

PASSWORD = "a-test-password-1"


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Agency {n}")
    kind = Agency.Kind.COUNCIL


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    agency = factory.SubFactory(
        AgencyFactory, name="Luton Borough Council", kind=Agency.Kind.COUNCIL
    )
    name = factory.Sequence(lambda n: f"Team {n}")
    kind = Team.Kind.SOCIAL_WORK


class WorkerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Worker
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"worker{n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    role = Role.SOCIAL_WORKER
    team = factory.SubFactory(TeamFactory)
    agency = factory.SelfAttribute("team.agency")
    password = factory.django.Password(PASSWORD)


def worker_with_role(role: Role, **kwargs) -> Worker:
    """A worker in a team that fits the role (partners in a school, others in council teams)."""
    kinds = {
        Role.FRONT_DOOR: Team.Kind.FRONT_DOOR,
        Role.EARLY_HELP: Team.Kind.EARLY_HELP,
        Role.FAMILY_HUB: Team.Kind.FAMILY_HUB,
        Role.SOCIAL_WORKER: Team.Kind.SOCIAL_WORK,
        Role.TEAM_MANAGER: Team.Kind.SOCIAL_WORK,
        Role.ANALYST: Team.Kind.PERFORMANCE,
        Role.DATA_PROTECTION_OFFICER: Team.Kind.SYSTEMS,
        Role.ADMIN: Team.Kind.SYSTEMS,
    }
    if role == Role.PARTNER and "team" not in kwargs:
        school = AgencyFactory(
            name=kwargs.pop("agency_name", "Synthetic Primary School"), kind=Agency.Kind.SCHOOL
        )
        kwargs["team"] = TeamFactory(
            agency=school, name=f"Pastoral team {school.name}", kind=Team.Kind.PARTNER
        )
    elif "team" not in kwargs:
        kwargs["team"] = TeamFactory(kind=kinds[role])
    worker = WorkerFactory(role=role, **kwargs)
    if role == Role.TEAM_MANAGER and worker.team.manager_id is None:
        worker.team.manager = worker
        worker.team.save(update_fields=["manager"])
    return worker
