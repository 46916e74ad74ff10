import os

# Tests share two cores with PostgreSQL; a production-tight statement timeout would make them
# flaky. The slow-database test sets its own, shorter timeout on its connection.
os.environ.setdefault("DB_STATEMENT_TIMEOUT_MS", "15000")
