"""PostgreSQL: `pg_dump -Fc` of an exported snapshot (the row counts come from the same
snapshot), `pg_restore` into an empty database."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from psycopg import sql

from .manifest import BackupError

# libpq reads these from the environment: the password never appears in a process list.
_OPTION_VARIABLES = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
}
_TABLES = (
    "SELECT schemaname, tablename FROM pg_tables "
    "WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2"
)


def _client_environment() -> dict[str, str]:
    db = connection.settings_dict
    env = dict(os.environ)
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
    ):
        if db.get(key):
            env[variable] = str(db[key])
    for option, variable in _OPTION_VARIABLES.items():
        if db.get("OPTIONS", {}).get(option):
            env[variable] = str(db["OPTIONS"][option])
    return env


def _run(args: list[str]) -> None:
    try:
        done = subprocess.run(args, env=_client_environment(), capture_output=True, text=True, check=False)
    except OSError as exc:
        raise BackupError(f"cannot run {args[0]}: {exc}") from exc
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        raise BackupError(f"{os.path.basename(args[0])} failed: {lines[-1] if lines else done.returncode}")


def _table_label(schema: str, table: str) -> str:
    return table if schema == "public" else f"{schema}.{table}"


def _table_counts(cursor: Any) -> dict[str, int]:
    cursor.execute(_TABLES)
    counts = {}
    for schema, table in cursor.fetchall():
        cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(schema, table)))
        counts[_table_label(schema, table)] = cursor.fetchone()[0]
    return counts


def postgres_dump(target: Path) -> dict[str, int]:
    """Dump the database as it was at one instant, and count the rows of that same instant.

    A repeatable-read transaction exports its snapshot; pg_dump reads that snapshot while the
    transaction stays open, so the counts and the dump agree even as the site writes.
    """
    raw = connection.get_new_connection(connection.get_connection_params())
    try:
        raw.autocommit = False
        with raw.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = _table_counts(cursor)
            _run(
                [
                    settings.OPERATIONS_PG_DUMP,
                    "--format=custom",
                    f"--snapshot={snapshot}",
                    f"--file={target}",
                    f"--dbname={connection.settings_dict['NAME']}",
                ]
            )
        raw.rollback()
    finally:
        raw.close()
    return counts


def postgres_is_empty() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(_TABLES)
        return not cursor.fetchall()


def postgres_restore(source: Path, *, force: bool) -> dict[str, int]:
    """pg_restore into the configured database, in one transaction; it must exist and hold no
    tables (or `force`: objects of the dump are dropped first)."""
    if not force and not postgres_is_empty():
        name = connection.settings_dict["NAME"]
        raise BackupError(f"database {name} is not empty: restore into a new one, or pass --force")
    connection.close()
    args = [
        settings.OPERATIONS_PG_RESTORE,
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
        f"--dbname={connection.settings_dict['NAME']}",
    ]
    if force:
        args += ["--clean", "--if-exists"]
    _run([*args, str(source)])
    with connection.cursor() as cursor:
        return _table_counts(cursor)
