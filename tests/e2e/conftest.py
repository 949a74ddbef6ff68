"""End-to-end tests in Debian's Chromium, driven by Playwright, against the app served on a free loopback port.

Without Chromium they are skipped, saying so; with E2E_REQUIRED=1 (as .ci/run sets) they fail instead.
"""

import os
import shutil
import threading
import uuid

import pyotp
import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from tests.e2e.drivers import DRIVERS, Pointer
from tests.helpers import Inbox
from tests.reliability.server import free_port

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
PASSWORD = "orchid lantern quietly 7 rivers"
PHONE = {"width": 390, "height": 844}  # the phone the issues measure: nothing may be wider

if os.environ.get("TEST_DATABASE_URL"):
    pytest.skip("end-to-end tests run once, in the SQLite pass of make test", allow_module_level=True)
if not CHROMIUM:
    if os.environ.get("E2E_REQUIRED") == "1":
        raise RuntimeError("E2E_REQUIRED=1 but no Chromium was found (apt-get install chromium)")
    pytest.skip("Chromium not installed: end-to-end tests skipped (apt-get install chromium)", allow_module_level=True)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, with background networking off (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
                "--disable-quic",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    yield context.new_page()
    context.close()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The app on its own migrated SQLite database, with one person per role and known passwords. Its worker
    delivers email to an SMTP server of the test, whose ``inbox`` holds what people receive (the outbox's stored
    text loses its secret links on delivery)."""
    from aiosmtpd.controller import Controller
    from flask_migrate import upgrade

    from app import create_app
    from app.accounts.models import OrgRole
    from app.accounts.services import create_user
    from app.core.db import utcnow
    from app.extensions import db
    from app.organizations.models import Organization

    directory = tmp_path_factory.mktemp("e2e")
    server = make_server("127.0.0.1", 0, None)  # placeholder to reserve a port number
    port = server.server_port
    server.server_close()
    inbox = Inbox()
    mail_server = Controller(inbox, hostname="127.0.0.1", port=free_port())
    mail_server.start()
    app = create_app(
        {
            "SECRET_KEY": "e2e-secret",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{directory}/e2e.db",
            "PUBLIC_URL": f"http://127.0.0.1:{port}",
            "EVIDENCE_DIR": str(directory / "evidence"),
            "ARGON2_TIME_COST": 1,
            "ARGON2_MEMORY_COST_KIB": 1024,
            "SIGN_IN_RATE_LIMIT": "1000 per minute",
            "SIGN_IN_ACCOUNT_RATE_LIMIT": "1000 per minute",
            "SECOND_FACTOR_ACCOUNT_RATE_LIMIT": "1000 per minute",
            "COALITION_ENV": "development",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": mail_server.port,
            "MAIL_USE_TLS": False,
        }
    )
    people = {}
    with app.app_context():
        upgrade()
        app.test_cli_runner().invoke(args=["demo", "load"])  # realistic pages (and screenshots)
        kenya = db.session.scalar(select(Organization).where(Organization.slug == "kosf"))
        india = db.session.scalar(select(Organization).where(Organization.slug == "mumbai-media-monitor"))
        for key, organization, role, steering, admin in [
            ("member", kenya, OrgRole.MEMBER, False, False),
            ("signatory", kenya, OrgRole.SIGNATORY, False, False),
            ("steering", india, OrgRole.SIGNATORY, True, False),
            ("admin", india, OrgRole.ORG_ADMIN, False, True),
        ]:
            person = create_user(
                f"{key}@e2e.example", key.title(), organization, role, steering, admin, password=PASSWORD
            )
            if steering or admin:
                person.totp_secret, person.totp_enabled_at = pyotp.random_base32(), utcnow()
            people[key] = {"email": person.email, "totp": person.totp_secret}
        db.session.commit()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield {"url": f"http://127.0.0.1:{port}", "app": app, "people": people, "inbox": inbox}
    server.shutdown()
    mail_server.stop()


def sign_in(you, live_server, who: str) -> None:
    """Sign in through the real form (and the second factor), in whatever way `you` works the page."""
    person = live_server["people"][who]
    you.goto("/sign-in")
    you.fill("Email address", person["email"])
    you.fill("Password", PASSWORD)
    you.submit("Sign in")
    if person["totp"]:
        _forget_last_code(live_server["app"], person["email"])
        you.fill("Code", pyotp.TOTP(person["totp"]).now())
        you.submit("Continue")


@pytest.fixture(scope="session")
def signed_in_state(browser, live_server):
    """Each persona signs in once per run; later windows start from that saved session (cookies)."""
    states = {}

    def state(who: str) -> dict:
        if who not in states:
            context = browser.new_context()
            sign_in(Pointer(context.new_page(), live_server["url"]), live_server, who)
            states[who] = context.storage_state()
            context.close()
        return states[who]

    return state


@pytest.fixture
def visit(browser, live_server, signed_in_state):
    """Open a new browser window for someone ("member", "steering"…; None: signed out), driven in a mode:
    "pointer", "keyboard" (the keyboard alone) or "no-javascript" (a pointer, with JavaScript off)."""
    contexts = []

    def open_window(who: str | None = None, mode: str = "pointer"):
        context = browser.new_context(
            storage_state=signed_in_state(who) if who else None,
            locale="en-US",
            java_script_enabled=mode != "no-javascript",
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return DRIVERS[mode](context.new_page(), live_server["url"])

    yield open_window
    for context in contexts:
        context.close()


def _forget_last_code(app, email: str) -> None:
    """A TOTP code works once; tests signing in twice within 30 seconds would otherwise be refused."""
    from app.accounts.auth import find_user_by_email
    from app.extensions import db

    with app.app_context():
        find_user_by_email(email).totp_last_counter = None
        db.session.commit()


def unique(text: str) -> str:
    return f"{text} {uuid.uuid4().hex[:6]}"


@pytest.fixture
def window(browser, live_server, signed_in_state):
    """``window(viewport, who)``: a page of its own browser context in a window of that size, signed in as ``who``
    (a persona of ``live_server``; None: signed out)."""
    contexts = []

    def open_window(viewport: dict, who: str | None = "member"):
        state = signed_in_state(who) if who else None
        context = browser.new_context(storage_state=state, viewport=viewport, locale="en-US")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield open_window
    for context in contexts:
        context.close()
