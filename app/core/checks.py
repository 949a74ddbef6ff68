"""Production requirements, one function each: ``flask --app wsgi check`` runs them all, and production refuses
to start on those of ``AT_STARTUP``.

Each check takes the app and returns a ``Result``: OK, WARN (works, but an operator should know) or FAIL, with
what was found and the fix. The checks here read only the configuration: no network, no database, nothing that
slows ``create_app``. Those of the database, Redis, the file store and the system's libraries are in
``app.core.server_checks`` and run only when asked; a feature adds its own with ``register`` (the outbox's SMTP
check) from its ``init_app``.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask
from werkzeug.sansio.utils import host_is_trusted

from app.config import MAIL_CONSOLE, is_local

OK, WARN, FAIL = "OK", "WARN", "FAIL"
NEW_SECRET_KEY = (
    "export SECRET_KEY=\"$(python3 -c 'import secrets; print(secrets.token_urlsafe(48))')\" (once; keep it)"
)
PROBE_TIMEOUT_SECONDS = 5


@dataclass(frozen=True)
class Result:
    """What one check found: ``status`` is OK, WARN or FAIL; ``fix`` says what to do (empty when OK);
    ``packages`` are the Debian packages that fix it."""

    name: str
    status: str
    detail: str
    fix: str = ""
    packages: tuple[str, ...] = ()

    @property
    def failed(self) -> bool:
        return self.status == FAIL


Check = Callable[[Flask], Result]
CHECKS: dict[str, Check] = {}


def register(name: str, check: Check) -> None:
    """Add ``check`` under ``name`` (what ``flask check --only`` calls it); registering again replaces it."""
    CHECKS[name] = check


def run(app: Flask, names: Iterable[str] | None = None) -> list[Result]:
    """The results of the checks ``names`` (every registered one by default), in the app's context. A check
    that raises is a FAIL naming the error: one broken probe never hides the others."""
    results = []
    with app.app_context():
        for name in names or CHECKS:
            try:
                results.append(CHECKS[name](app))
            except Exception as error:  # noqa: BLE001  (reported, not raised: the operator sees every check)
                results.append(Result(name, FAIL, f"the check itself failed: {type(error).__name__}: {error}"))
    return results


def check(name: str):
    """Register the decorated function as the check ``name``."""

    def declare(function: Check) -> Check:
        register(name, function)
        return function

    return declare


# -- The configuration alone (production refuses to start when one of these fails) --


@check("environment")
def environment(app: Flask) -> Result:
    config = app.config
    if config["COALITION_ENV"] != "production":
        return Result(
            "Environment",
            FAIL,
            f"COALITION_ENV is {config['COALITION_ENV']}: no Secure cookies, no HSTS, secret links in the log.",
            "export COALITION_ENV=production",
        )
    if config["DEBUG"]:
        return Result("Environment", FAIL, "DEBUG must be off in production.", "unset DEBUG")
    return Result("Environment", OK, "production, debug off")


@check("secret-key")
def secret_key(app: Flask) -> Result:
    key = app.config.get("SECRET_KEY")
    if not key:
        return Result("Secret key", FAIL, "SECRET_KEY must be set in production.", NEW_SECRET_KEY)
    generated = Path(app.instance_path) / "secret_key"
    if generated.exists() and generated.read_text().strip() == key:
        return Result(
            "Secret key", FAIL, "SECRET_KEY is the development key generated into instance/secret_key.", NEW_SECRET_KEY
        )
    return Result("Secret key", OK, "set")


@check("trusted-hosts")
def trusted_hosts(app: Flask) -> Result:
    hosts = app.config.get("TRUSTED_HOSTS")
    if not hosts:
        return Result(
            "Trusted hosts",
            FAIL,
            "TRUSTED_HOSTS must be set in production: the host names people use to reach the app, comma-separated; "
            "without it any Host header is accepted.",
            "export TRUSTED_HOSTS=coalition.example.org",
        )
    return Result("Trusted hosts", OK, ", ".join(hosts))


@check("public-url")
def public_url(app: Flask) -> Result:
    """People reach production over HTTPS at a public address: a local PUBLIC_URL puts dead links in every email."""
    config = app.config
    url = urlsplit(config.get("PUBLIC_URL") or "")
    if url.scheme != "https" or not url.hostname or is_local(url.hostname):
        return Result(
            "Public address",
            FAIL,
            "PUBLIC_URL must be the https:// address people use in production, on a host that is not local "
            f"(it is {config.get('PUBLIC_URL') or 'unset'}).",
            "export PUBLIC_URL=https://coalition.example.org",
        )
    if config.get("TRUSTED_HOSTS") and not host_is_trusted(url.hostname, config["TRUSTED_HOSTS"]):
        return Result(
            "Public address",
            FAIL,
            f"TRUSTED_HOSTS must include the host of PUBLIC_URL ({url.hostname}), or links in emails lead to a host "
            "the app refuses.",
            f"add {url.hostname} to TRUSTED_HOSTS",
        )
    return Result("Public address", OK, config["PUBLIC_URL"])


@check("mail")
def mail(app: Flask) -> Result:
    """A mail server, or printing on purpose: unset, password resets and invitations would never reach anyone."""
    server = app.config.get("MAIL_SERVER")
    if not server:
        return Result(
            "Mail",
            FAIL,
            "MAIL_SERVER is not set: emails (password resets, invitations) would only be printed to the workers' "
            "output.",
            "export MAIL_SERVER=smtp.example.org (with MAIL_USERNAME and MAIL_PASSWORD), "
            f"or MAIL_SERVER={MAIL_CONSOLE} to print them on purpose",
        )
    if server == MAIL_CONSOLE:
        return Result("Mail", OK, "printed to the workers' output on purpose, secret links redacted")
    return Result("Mail", OK, f"SMTP through {server}:{app.config['MAIL_PORT']}")


@check("trusted-proxies")
def trusted_proxies(app: Flask) -> Result:
    """The shell cannot see the proxies in front: the count is judged, and the operator told how to verify it."""
    proxies = app.config["TRUSTED_PROXIES"]
    verify = "Not verifiable from the shell: signed in through the proxy, the audit trail should show your address."
    if not proxies:
        return Result(
            "Reverse proxies",
            WARN,
            "TRUSTED_PROXIES is 0: right only if clients reach gunicorn directly. Behind a proxy every client "
            "shares its address (one client's failed sign-ins lock everyone out; the audit trail records the proxy). "
            + verify,
            "behind nginx alone: export TRUSTED_PROXIES=1",
        )
    return Result("Reverse proxies", OK, f"{proxies} in front. {verify}")


AT_STARTUP = ("environment", "secret-key", "trusted-hosts", "public-url", "mail")


def first_line(error: BaseException) -> str:
    """An error's first line, without SQLAlchemy's statement and background link."""
    original = getattr(error, "orig", None) or error
    return (str(original).strip().splitlines() or [type(original).__name__])[0]
