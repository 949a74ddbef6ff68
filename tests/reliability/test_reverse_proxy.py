"""Behind a real reverse proxy (Debian's nginx, configured as docs/operations.md says): sign-in limits and the audit
trail see each client's address, not the proxy's; without TRUSTED_PROXIES, a client's own X-Forwarded-For is ignored.

Clients connect from different loopback addresses (Linux routes all of 127.0.0.0/8 to the loopback interface), in
different /24 networks since the audit trail keeps only an address's /24.
Without nginx the tests are skipped, saying so; with PROXY_REQUIRED=1 (as .ci/run sets) they fail instead.
"""

import http.client
import os
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from app.core.audit import AuditEntry
from tests.reliability.seed import query
from tests.reliability.server import NGINX, Nginx, Server, assert_log_clean

if not NGINX:
    if os.environ.get("PROXY_REQUIRED") == "1":
        raise RuntimeError("PROXY_REQUIRED=1 but nginx was not found (apt-get install nginx)")
    pytest.skip("nginx not installed: reverse-proxy tests skipped (apt-get install nginx)", allow_module_level=True)

FAILURES_ALLOWED = 3
LIMITS = {"SIGN_IN_RATE_LIMIT": f"{FAILURES_ALLOWED} per hour", "SIGN_IN_ACCOUNT_RATE_LIMIT": "1000 per hour"}


@pytest.fixture(scope="module")
def proxied(coalition, tmp_path_factory):
    """One gunicorn worker (its own rate-limit counters) with TRUSTED_PROXIES=1, reached only through nginx."""
    with Server(
        tmp_path_factory.mktemp("proxied-server"), coalition.database_url, workers=1, TRUSTED_PROXIES=1, **LIMITS
    ) as server:
        with Nginx(tmp_path_factory.mktemp("nginx"), server.port) as nginx:
            yield nginx
        assert_log_clean(server)


@pytest.fixture(scope="module")
def direct(coalition, tmp_path_factory):
    """One gunicorn worker with the default TRUSTED_PROXIES=0, reached directly."""
    with Server(tmp_path_factory.mktemp("direct-server"), coalition.database_url, workers=1, **LIMITS) as server:
        yield server
        assert_log_clean(server)


def failed_sign_in(port: int, client_address: str, email: str, forwarded_for: str | None = None) -> int:
    """POST a wrong password to /sign-in from ``client_address``; returns the status (200: the form again)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(client_address, 0))
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if forwarded_for:
        headers["X-Forwarded-For"] = forwarded_for
    try:
        connection.request("POST", "/sign-in", urlencode({"email": email, "password": "not the password"}), headers)
        return connection.getresponse().status
    finally:
        connection.close()


def recorded_prefixes(coalition, email_domain: str) -> list[str]:
    """The address prefixes the audit trail recorded for failed sign-ins with an email at ``email_domain``."""
    rows = query(
        coalition,
        select(AuditEntry.ip_prefix, AuditEntry.details)
        .where(AuditEntry.action == "sign_in_failed")
        .order_by(AuditEntry.id),
    )
    return [prefix for prefix, details in rows if details.get("email_domain") == email_domain]


def test_behind_nginx_one_client_locked_out_of_sign_in_does_not_lock_out_another(proxied):
    for _attempt in range(FAILURES_ALLOWED):
        assert failed_sign_in(proxied.port, "127.0.2.1", "someone@guessing.example") == 200
    assert failed_sign_in(proxied.port, "127.0.2.1", "someone@guessing.example") == 429
    # nginx adds the address it sees to whatever the client claims: the app trusts only that last entry.
    assert failed_sign_in(proxied.port, "127.0.2.1", "someone@guessing.example", forwarded_for="127.0.3.1") == 429
    assert failed_sign_in(proxied.port, "127.0.3.1", "member@coalition.example") == 200


def test_behind_nginx_the_audit_trail_records_the_clients_address(proxied, coalition):
    assert (
        failed_sign_in(proxied.port, "127.0.5.1", "someone@audited-through-proxy.example", forwarded_for="203.0.113.9")
        == 200
    )
    assert recorded_prefixes(coalition, "audited-through-proxy.example") == ["127.0.5.0/24"]


def test_without_trusted_proxies_a_forged_forwarded_for_header_is_ignored(direct, coalition):
    for attempt in range(FAILURES_ALLOWED):
        assert (
            failed_sign_in(direct.port, "127.0.6.1", "someone@forging.example", forwarded_for=f"198.51.100.{attempt}")
            == 200
        )
    assert failed_sign_in(direct.port, "127.0.6.1", "someone@forging.example", forwarded_for="198.51.100.99") == 429
    assert recorded_prefixes(coalition, "forging.example") == ["127.0.6.0/24"] * FAILURES_ALLOWED
