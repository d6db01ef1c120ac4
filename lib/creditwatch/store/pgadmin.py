"""Creating and dropping throw-away PostgreSQL databases (tests, benchmarks, fault drills).

Works through an admin URL (libpq form, ``postgresql://user@host:port/db``); never touches a
database it did not name itself.
"""

from __future__ import annotations

import os
import uuid

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url


def libpq_url(url: str) -> str:
    """``url`` without a SQLAlchemy driver suffix (``postgresql+psycopg://`` → ``postgresql://``)."""
    parsed = make_url(url)
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


def store_url(admin_url: str, database: str) -> str:
    """The SQLAlchemy URL of ``database`` on the admin URL's server."""
    parsed = make_url(admin_url).set(drivername="postgresql+psycopg", database=database)
    return parsed.render_as_string(hide_password=False)


def connect(admin_url: str, *, timeout: int = 3) -> psycopg.Connection:
    """An autocommit admin connection (CREATE/DROP DATABASE cannot run in a transaction)."""
    return psycopg.connect(libpq_url(admin_url), autocommit=True, connect_timeout=timeout)


def unique_name(prefix: str = "creditwatch_test") -> str:
    return f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:8]}"


def create_database(admin_url: str, name: str, *, template: str | None = None) -> str:
    """Create database ``name`` (optionally copied from ``template``); returns its store URL."""
    query = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if template is not None:
        query = sql.SQL("{} TEMPLATE {}").format(query, sql.Identifier(template))
    with connect(admin_url) as conn:
        conn.execute(query)
    return store_url(admin_url, name)


def terminate_backends(admin_url: str, name: str) -> int:
    """Close every session connected to database ``name``; returns how many there were."""
    with connect(admin_url) as conn:
        rows = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        ).fetchall()
    return len(rows)


def set_allow_connections(admin_url: str, name: str, allow: bool) -> None:
    """Open or close database ``name`` to new connections (closing also ends current ones)."""
    with connect(admin_url) as conn:
        conn.execute(
            sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS {}").format(
                sql.Identifier(name), sql.SQL("true" if allow else "false")
            )
        )
    if not allow:
        terminate_backends(admin_url, name)


def drop_database(admin_url: str, name: str) -> None:
    """Drop database ``name`` if it exists, ending its sessions first."""
    terminate_backends(admin_url, name)
    with connect(admin_url) as conn:
        drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
        conn.execute(drop.format(sql.Identifier(name)))
