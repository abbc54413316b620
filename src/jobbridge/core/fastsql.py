"""Plain multi-row INSERTs for the seeker import's hot path.

``bulk_create`` builds and prepares a model instance per row (and a through-model instance per
M2M link); for 100,000 people with their links that overhead costs more than the database.
Here values are adapted once per field type and sent with COPY on PostgreSQL and
``executemany`` on SQLite (which runs it in C). Only for tables whose rows need no signals and no Python-side defaults
beyond what the caller sets.
"""

from django.db import connection, models


def _adapter(field: models.Field):
    ops = connection.ops
    # Values already adapted (a string, e.g. one timestamp for a whole batch) pass through.
    if isinstance(field, models.DateTimeField):
        return lambda v: v if v is None or isinstance(v, str) else ops.adapt_datetimefield_value(v)
    if isinstance(field, models.DateField):
        return lambda v: v if v is None or isinstance(v, str) else ops.adapt_datefield_value(v)
    if isinstance(field, models.BinaryField):
        return lambda v: None if v is None else bytes(v)
    return None


def insert_rows(model: type[models.Model], attnames: list[str], rows: list[tuple]) -> None:
    """INSERT ``rows`` (tuples in ``attnames`` order) into ``model``'s table."""
    if not rows:
        return
    meta = model._meta
    fields = [next(f for f in meta.concrete_fields if f.attname == name) for name in attnames]
    adapters = [(i, a) for i, f in enumerate(fields) if (a := _adapter(f))]
    if adapters:
        converted = []
        for row in rows:
            row = list(row)
            for i, adapt in adapters:
                row[i] = adapt(row[i])
            converted.append(row)
        rows = converted
    qn = connection.ops.quote_name
    columns = ", ".join(qn(f.column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY streams the rows in one round trip; executemany would send a statement a row.
            with cursor.cursor.copy(f"COPY {qn(meta.db_table)} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(
                f"INSERT INTO {qn(meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})",
                rows,
            )


def insert_objects(objs: list[models.Model], attnames: list[str]) -> None:
    if objs:
        insert_rows(type(objs[0]), attnames, [tuple(getattr(o, a) for a in attnames) for o in objs])
