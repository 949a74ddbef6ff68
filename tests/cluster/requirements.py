"""What the cluster test needs beyond Python: PostgreSQL, Redis and Debian's nginx.

It runs once, in the first pass of ``make test`` (the SQLite one: the cluster has its own PostgreSQL database on
``CLUSTER_DATABASE_URL``'s server whichever database the rest of the suite uses). Without a service it is skipped,
saying which; with ``CLUSTER_REQUIRED=1`` (as .ci/run sets) it fails instead.
"""

import os
import socket

import psycopg
from sqlalchemy import make_url

from tests.reliability.server import NGINX

DATABASE_SERVER = os.environ.get("CLUSTER_DATABASE_URL") or "postgresql://postgres@127.0.0.1:5432/postgres"
REDIS_SERVER = ("127.0.0.1", 6379)


def _postgresql_answers() -> bool:
    url = make_url(DATABASE_SERVER)
    try:
        psycopg.connect(
            host=url.host,
            port=url.port or 5432,
            user=url.username,
            password=url.password,
            dbname="postgres",
            connect_timeout=3,
        ).close()
    except psycopg.Error:
        return False
    return True


def _redis_answers() -> bool:
    try:
        with socket.create_connection(REDIS_SERVER, timeout=3) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def missing() -> list[str]:
    """What is missing, in words; empty when the cluster can run."""
    absent = []
    if not NGINX:
        absent.append("nginx (apt-get install nginx)")
    if not _postgresql_answers():
        absent.append(f"PostgreSQL at {make_url(DATABASE_SERVER).render_as_string()} (CLUSTER_DATABASE_URL)")
    if not _redis_answers():
        absent.append("Redis at 127.0.0.1:6379")
    return absent
