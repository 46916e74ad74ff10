"""An embedded PostgreSQL for machines without a database server.

Without DATABASE_URL the settings call `database_url()`, which starts (or joins) a
PostgreSQL server whose data lives under var/pgdata, using the `pgserver` package.
pgserver keeps a cross-process lock and a list of the processes using the server, so
`make run` in one terminal and `make test` in another share one server safely; the
server stops when the last of them exits.
"""

import logging
import warnings
from pathlib import Path

log = logging.getLogger(__name__)

_server = None


def database_url(var_dir: Path, database: str = "postgres") -> str:
    global _server
    if _server is None:
        try:
            with warnings.catch_warnings():
                # platformdirs warns when XDG_RUNTIME_DIR is unset and falls back to /tmp: fine here.
                warnings.simplefilter("ignore")
                import pgserver
        except ImportError as error:  # pragma: no cover - depends on the machine
            raise RuntimeError(
                "DATABASE_URL is not set and the embedded PostgreSQL package 'pgserver' "
                "is not installed. Run 'make run' or 'make test' (they install it), "
                "or set DATABASE_URL to a PostgreSQL server."
            ) from error
        pgdata = var_dir / "pgdata"
        pgdata.mkdir(parents=True, exist_ok=True)
        _server = pgserver.get_server(pgdata, cleanup_mode="stop")
        log.info("embedded PostgreSQL running from %s", pgdata)
    return _server.get_uri(database)
