"""Load the bundled data files (inspections/data/*.toml) into the database.

Plain functions, all-or-nothing in one transaction, idempotent by natural key: loading the same
files twice changes no row. A bad value raises BundledDataError naming the file, the entry and
the field. The files are described in docs/data-model.md.

`run.py` holds the loader's state and the write primitives; `catalogue.py`, `reports.py` and
`facts.py` read the three kinds of file.
"""

from contextlib import contextmanager

from django.apps import apps
from django.db import connection, transaction

from inspections.loader.run import DATA_DIR, BundledDataError, Loader
from inspections.loader.values import parse_exact_number, parse_partial_date

__all__ = [
    "DATA_DIR",
    "BundledDataError",
    "Loader",
    "load_bundled_data",
    "parse_exact_number",
    "parse_partial_date",
    "refresh_planner_statistics",
    "search_rebuilt_once",
]


# Any fixed number: loads (a deploy's, a developer's, two web containers starting at once) take
# turns on it, so the second sees what the first wrote.
LOAD_LOCK = 4_216_031


def load_bundled_data(data_dir=DATA_DIR, report=None):
    """Load every bundled file in one transaction, one load at a time. Returns a Counter of rows
    created/updated/unchanged; with `report` (a list), the values kept because an editor or an
    import changed them since the last load, and the conflicts, are appended to it."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            # A load is a command, not a page: the pages' statement timeout does not bound it, and it
            # may wait its turn behind another load.
            cursor.execute("SET LOCAL statement_timeout = 0")
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOAD_LOCK])
        loader = Loader(data_dir)
        with search_rebuilt_once():
            counts = loader.run()
        refresh_planner_statistics()
        if report is not None:
            report.extend(loader.conflicts + loader.kept)
        counts["conflicts"] = len(loader.conflicts)
        counts["kept (changed since the last load)"] = len(loader.kept)
        return counts


@contextmanager
def search_rebuilt_once():
    """Inside: the search entries of the reports each statement touches are rebuilt once, on leaving,
    rather than by every statement (a load writes row by row; migration 0011). Inside a transaction
    only: a failure rolls the waiting rebuild back with everything else."""
    if not connection.in_atomic_block:
        raise RuntimeError("search_rebuilt_once() needs a transaction (transaction.atomic)")
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('inspections.search_deferred', 'on', true)")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SELECT inspections_search_flush()")


def refresh_planner_statistics():
    """ANALYZE the data tables after a bulk write. Until autovacuum gets round to it, the planner
    would otherwise plan for the tables as they were (empty, on a new database) and nest
    sequential scans that are slow once the rows are there. Inside a transaction ANALYZE counts
    the transaction's own new rows."""
    tables = [model._meta.db_table for model in apps.get_app_config("inspections").get_models()]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(table) for table in tables))
