"""Making, and deleting, the whole synthetic local authority in one transaction."""

import gc
import time
from datetime import datetime

from django.apps import apps
from django.db import connection, models, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from onestory.access.models import AccessGrant, Allocation, Consent, RecordRestriction
from onestory.documents.default_templates import load_default_templates
from onestory.frontdoor.models import (
    Contact,
    ContactPerson,
    Decision,
    InformationRequest,
    Referral,
    StrategyDiscussion,
)
from onestory.people.models import (
    Address,
    ChronologyEntry,
    DuplicateCandidate,
    Household,
    HouseholdMember,
    Person,
    PersonMerge,
    PersonName,
    Relationship,
)

from . import casework as casework_module
from . import contacts as contacts_module
from . import earlyhelp as earlyhelp_module
from . import familyhubs as familyhubs_module
from . import recording as recording_module
from . import socialcare as socialcare_module
from .bulk import Buffers, FastInserter
from .estimates import write_estimates, write_records_coverage
from .models import PlantedDuplicate, SyntheticRun
from .population import TownGenerator
from .reference import CHILDREN_AT_SCALE_1, child_populations, load_reference
from .safety import mark as mark_safety
from .workforce import build_workforce

BATCH_SIZE = 1000  # rows per INSERT for the smaller tables (Django lowers it for SQLite)
SQLITE_CACHE_KIB = 512 * 1024  # SQLite page cache while generating (this connection only)

# Deleted in this order with plain DELETE statements (fast at any size); children before parents.
GENERATED_TABLES = (
    *recording_module.DELETION_ORDER,
    *familyhubs_module.DELETION_ORDER,
    *socialcare_module.DELETION_ORDER,
    *earlyhelp_module.DELETION_ORDER,
    StrategyDiscussion,
    Referral,
    Decision,
    InformationRequest,
    ContactPerson,
    Contact,
    PlantedDuplicate,
    Consent.agencies.through,
    Consent,
    AccessGrant,
    Allocation,
    RecordRestriction,
    DuplicateCandidate,
    PersonMerge,
    ChronologyEntry,
    Relationship,
    HouseholdMember,
    Household,
    Address,
    PersonName,
    Person,
)


class GeneratedDataInUse(Exception):
    """Something protected from deletion still points at the generated people."""


def _refers_to(model, targets: set) -> bool:
    for f in model._meta.get_fields():
        concrete_key = isinstance(f, models.ForeignKey | models.OneToOneField) and f.concrete
        if (concrete_key or isinstance(f, models.ManyToManyField)) and f.related_model in targets:
            return True
    return False


def delete_generated_data() -> dict[str, int]:
    """Delete every person and everything hanging from people; the workforce is kept.

    Rows of other apps that point at people (referrals, plans, history rows) go first, through
    the ORM so their own cascades run; the audit trail is never deleted (it holds plain ids).
    """
    deleted = {}
    targets = set(GENERATED_TABLES)
    dependants = [
        model
        for model in apps.get_models(include_auto_created=False)
        if model not in targets
        and not model._meta.proxy
        and model._meta.managed
        and _refers_to(model, targets)
    ]
    with transaction.atomic():
        # A dependant another one protects goes on a later pass, once that one has gone.
        for _ in range(len(dependants) + 1):
            waiting = []
            for model in dependants:
                try:
                    with transaction.atomic():
                        count, _ = model._default_manager.all().delete()
                except ProtectedError:
                    waiting.append(model)
                    continue
                if count:
                    deleted[model._meta.label] = count
            if waiting and len(waiting) == len(dependants):
                names = ", ".join(sorted(m._meta.label for m in waiting))
                raise GeneratedDataInUse(
                    f"Records that cannot be deleted point at people: {names}."
                )
            if not waiting:
                break
            dependants = waiting
        # On SQLite a table that no other table points at is emptied faster without its indexes
        # (built again, empty, at the end); one that is pointed at keeps them for the checks.
        leaves = tuple(m for m in GENERATED_TABLES if m not in _referenced_models())
        with FastInserter().indexes_built_afterwards(leaves), connection.cursor() as cursor:
            for model in GENERATED_TABLES:
                table = connection.ops.quote_name(model._meta.db_table)
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - table names from models
                deleted[model._meta.label] = cursor.rowcount
    return deleted


def _referenced_models() -> set:
    referenced = set()
    for model in apps.get_models(include_auto_created=True):
        for f in model._meta.get_fields():
            if isinstance(f, models.ForeignKey | models.OneToOneField) and f.concrete:
                referenced.add(f.related_model)
    return referenced


def synthesise(*, scale: float, seed: int, now: datetime | None = None) -> SyntheticRun:
    """Generate the synthetic local authority at this scale from this seed, and record the run.

    `now` only places the front door's live queue (contacts.FrontDoorHistory.live_queue);
    everything else is reckoned from the reference date.
    """
    # The generator keeps hundreds of thousands of objects alive and makes millions more, with
    # next to no reference cycles: the cyclic garbage collector would walk the live ones again
    # and again (several seconds of a scale-1 run) to free almost nothing. It is off while the
    # authority is made, and runs once at the end.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _synthesise(scale=scale, seed=seed, now=now or timezone.now())
    finally:
        if collecting:
            gc.enable()
            gc.collect()


def _synthesise(*, scale: float, seed: int, now: datetime) -> SyntheticRun:
    started = time.perf_counter()
    children = round(CHILDREN_AT_SCALE_1 * scale)
    if connection.vendor == "sqlite":
        # Random UUID keys touch pages all over each index: a larger page cache (for this
        # connection only) keeps SQLite from spilling to disk on every batch at large scales.
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
    with transaction.atomic():
        reference = load_reference(children=children)
        workforce = build_workforce(seed=seed, scale=scale)
        inserter = FastInserter()
        buffers = Buffers(inserter)
        # On SQLite the generated tables' indexes are built once, at the end (see bulk.py).
        with inserter.indexes_built_afterwards(
            Buffers.ORDER
            + contacts_module.TABLES
            + earlyhelp_module.TABLES
            + socialcare_module.TABLES
            + familyhubs_module.TABLES
            + recording_module.TABLES
            + (Allocation,)
        ):
            town = TownGenerator(seed=seed, scale=scale, buffers=buffers)
            town.generate(child_populations(children))
            work = casework_module.allocate(
                households=town.households, workforce=workforce, seed=seed, scale=scale
            )
            # Before the chronology is finished: a contact can move a record's creation earlier.
            front_door = contacts_module.generate(
                seed=seed,
                scale=scale,
                households=town.households,
                allocations=work.allocations,
                workforce=workforce,
                known_from=town.chronicle.known_from,
                now=now,
            )
            contacts_module.write(front_door, inserter=inserter, buffers=buffers)
            early_help = earlyhelp_module.generate(
                seed=seed,
                scale=scale,
                households=town.households,
                casework=work,
                front_door=front_door,
                workforce=workforce,
                known_from=town.chronicle.known_from,
            )
            earlyhelp_module.write(early_help, inserter=inserter, buffers=buffers)
            # Social care moves the start of some casework allocations (changes of worker), so
            # the casework is written after it.
            social_care = socialcare_module.generate(
                seed=seed,
                scale=scale,
                households=town.households,
                casework=work,
                front_door=front_door,
                workforce=workforce,
                known_from=town.chronicle.known_from,
            )
            socialcare_module.write(social_care, inserter=inserter, buffers=buffers)
            family_hubs = familyhubs_module.generate(
                seed=seed,
                scale=scale,
                households=town.households,
                workforce=workforce,
                known_from=town.chronicle.known_from,
                early_help=early_help,
                front_door=front_door,
            )
            familyhubs_module.write(family_hubs, inserter=inserter, buffers=buffers)
            recording = recording_module.generate(
                seed=seed,
                households=town.households,
                workforce=workforce,
                known_from=town.chronicle.known_from,
                casework=work,
                early_help=early_help,
                social_care=social_care,
                front_door=front_door,
            )
            recording_module.write(recording, inserter=inserter, buffers=buffers)
            casework_module.write(work, batch_size=BATCH_SIZE)
            town.chronicle.finish(
                [*work.allocations, *early_help.allocations, *social_care.allocations]
            )
        contacts_module.match_live_queue(front_door)
        estimates = write_estimates()
        write_records_coverage(contacts_module.HISTORY_START)
        safety_marks = mark_safety(seed=seed)
        load_default_templates(now=now)
        counts = {
            "people": buffers.counts[Person],
            "children": town.stats["children"],
            "adults": town.stats["adults"],
            "unborn": town.stats["unborn"],
            "unaccompanied_asylum_seeking": town.stats["uasc"],
            "formerly_unaccompanied_young_adults": town.stats["former_uasc"],
            "deaths": town.stats["deaths"],
            "planted_duplicates": buffers.counts[PlantedDuplicate],
            "households": buffers.counts[Household],
            "names": buffers.counts[PersonName],
            "addresses": buffers.counts[Address],
            "relationships": buffers.counts[Relationship],
            "chronology_entries": buffers.counts[ChronologyEntry],
            "wards": reference["wards"],
            "population_estimates": estimates,
            "postcodes": reference["postcodes"],
            "agencies": len(workforce.agencies),
            "teams": len(workforce.teams),
            "workers": workforce.workers,
            "allocations": len(work.allocations) + len(social_care.allocations),
            "consents": len(work.consents),
            **work.counts,
            **front_door.counts,
            **early_help.counts,
            **social_care.counts,
            **family_hubs.counts,
            **recording.counts,
            **safety_marks,
        }
        run = SyntheticRun.objects.create(
            seed=seed,
            scale=scale,
            generated_at=timezone.now(),
            seconds=round(time.perf_counter() - started, 2),
            counts=counts,
        )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # The deferred foreign keys are checked now, once, as the commit would; inside
                # an outer transaction (a test's) they would be checked again at every
                # savepoint that sets constraints immediate.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
                # Statistics for the planner now, before autovacuum gets round to it (and
                # inside this transaction, where it never can): without them the first queries
                # over the new rows (the hub's measures) are planned for empty tables.
                cursor.execute("ANALYZE")
        return run
