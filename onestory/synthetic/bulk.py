"""Fast inserts of many generated rows: `executemany` of one INSERT per table, or COPY.

`bulk_create` spends most of its time compiling SQL value by value (about 70% of a scale-1 run
on SQLite was spent there). The generator's rows are plain, trusted values, so they are
converted here once per field type and handed to the driver in large batches. Values are
converted as Django would for each field (UUIDs as hex on SQLite, dates through the backend's
adapters, JSON through the field), a column at a time; `created_at`/`updated_at` get the time
of the run. On SQLite the tables' secondary indexes can be dropped while generating and built
once at the end (`indexes_built_afterwards`), which is faster than keeping them up to date.
"""

from contextlib import contextmanager
from datetime import UTC
from itertools import repeat
from operator import attrgetter

from django.db import connection
from django.db import models as m
from django.utils import timezone

from onestory.people.models import (
    Address,
    ChronologyEntry,
    Household,
    HouseholdMember,
    Person,
    PersonName,
    Relationship,
)

from .models import PlantedDuplicate


def _identity(value):
    return value


class _Constant:
    """A column with the same value in every row (`created_at` and `updated_at`)."""

    def __init__(self, value):
        self.value = value


class FastInserter:
    def __init__(self, *, batch_size: int = 2000):
        self.batch_size = batch_size
        self.now = timezone.now()
        self._plans = {}

    def _converter(self, field):
        ops = connection.ops
        if isinstance(field, m.DateTimeField) and (field.auto_now or field.auto_now_add):
            return _Constant(ops.adapt_datetimefield_value(self.now))
        target = field.target_field if field.is_relation else field
        if isinstance(target, m.UUIDField):
            if connection.features.has_native_uuid_field:
                return _identity
            if field.primary_key:
                return attrgetter("hex")  # never None, and read in C
            return lambda value: value.hex if value is not None else None
        if isinstance(field, m.DateTimeField):
            return self._datetime_converter()
        if isinstance(field, m.DateField):
            return ops.adapt_datefield_value
        if isinstance(target, m.CharField | m.TextField | m.BooleanField | m.IntegerField):
            return _identity
        if isinstance(field, m.JSONField):
            return self._json_converter(field)
        return lambda value: field.get_db_prep_save(value, connection)

    @staticmethod
    def _json_converter(field):
        """JSON through the field; an empty list or object (the usual default) converted once."""
        empty = {}

        def to_json(value):
            if type(value) in (list, dict) and not value:
                kind = type(value)
                if kind not in empty:
                    empty[kind] = field.get_db_prep_save(kind(), connection)
                return empty[kind]
            return field.get_db_prep_save(value, connection)

        return to_json

    @staticmethod
    def _datetime_converter():
        adapt = connection.ops.adapt_datetimefield_value
        if connection.vendor != "sqlite" or connection.timezone is not UTC:
            return adapt

        def to_sqlite(value):
            # What Django's SQLite adapter gives for a UTC datetime, without its checks.
            if value is not None and value.tzinfo is UTC:
                return str(value.replace(tzinfo=None))
            return adapt(value)

        return to_sqlite

    def _plan(self, model):
        if model not in self._plans:
            fields = [
                f
                for f in model._meta.concrete_fields
                if not isinstance(f, m.AutoField | m.BigAutoField | m.SmallAutoField)
            ]
            columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
            placeholders = ", ".join(["%s"] * len(fields))
            table = connection.ops.quote_name(model._meta.db_table)
            sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
            steps = []
            for f in fields:
                # A callable default would be called once here, so keys never take one.
                default = None if f.primary_key else f.get_default()
                steps.append((f.attname, self._converter(f), default))
            copy_sql = f"COPY {table} ({columns}) FROM STDIN"
            self._plans[model] = (sql, copy_sql, steps)
        return self._plans[model]

    @contextmanager
    def indexes_built_afterwards(self, models):
        """On SQLite, drop these tables' secondary indexes now and build them again at the end.

        SQLite keeps an index up to date row by row, at random places for random UUIDs; building
        it once over the finished table is a sort, several times faster. Only inside a
        transaction, which rolls the drops back if anything fails, and nothing else sees the
        tables without their indexes. Primary keys and `unique=True` columns keep theirs.
        """
        if connection.vendor != "sqlite" or not connection.in_atomic_block:
            yield
            return
        indexes = []
        with connection.cursor() as cursor:
            for model in models:
                cursor.execute(
                    "SELECT name, sql FROM sqlite_master "
                    "WHERE type = 'index' AND sql IS NOT NULL AND tbl_name = %s ORDER BY name",
                    [model._meta.db_table],
                )
                indexes += cursor.fetchall()
            for name, _ in indexes:
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        yield
        with connection.cursor() as cursor:
            for _, sql in indexes:
                cursor.execute(sql)

    def insert(self, model, rows: list[dict]) -> int:
        """Insert rows given as {attname: value} (a model instance's __dict__ will do)."""
        if not rows:
            return 0
        sql, copy_sql, steps = self._plan(model)
        # Column by column: one loop per column is much faster than one call per value.
        columns = []
        for attname, convert, default in steps:
            if isinstance(convert, _Constant):
                columns.append(repeat(convert.value, len(rows)))
                continue
            values = [row.get(attname, default) for row in rows]
            columns.append(values if convert is _identity else list(map(convert, values)))
        prepared = list(zip(*columns, strict=True))
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # COPY is several times faster than INSERT on PostgreSQL for this many rows.
                with cursor.cursor.copy(copy_sql) as copy:
                    for row in prepared:
                        copy.write_row(row)
            else:
                for start in range(0, len(prepared), self.batch_size):
                    cursor.executemany(sql, prepared[start : start + self.batch_size])
        return len(prepared)


class Buffers:
    """Rows waiting to be written, flushed in batches so that memory stays flat.

    Rows are dicts of {attname: value}; model instances are accepted and read through __dict__.
    """

    ORDER = (
        Person,
        PersonName,
        Address,
        Household,
        HouseholdMember,
        Relationship,
        PlantedDuplicate,
        ChronologyEntry,
    )

    def __init__(self, inserter: FastInserter, flush_every: int = 5000):
        self.inserter = inserter
        self.flush_every = flush_every
        self.rows = {model: [] for model in self.ORDER}
        self.counts = dict.fromkeys(self.ORDER, 0)

    def add(self, obj) -> None:
        self.rows[type(obj)].append(obj.__dict__)

    def add_row(self, model, **values) -> None:
        self.rows[model].append(values)

    def maybe_flush(self) -> None:
        if len(self.rows[Person]) >= self.flush_every:
            self.flush()

    def flush(self) -> None:
        for model in self.ORDER:
            rows = self.rows[model]
            if rows:
                self.counts[model] += self.inserter.insert(model, rows)
                self.rows[model] = []
