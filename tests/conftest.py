"""Shared fixtures: an app on a fresh database per test, a client, and a SQL statement counter.

The suite runs on SQLite by default; with ``TEST_DATABASE_URL`` pointing at a
PostgreSQL server it runs there, in databases it creates and drops itself.
"""

import asyncio
import copy
import hashlib
import os
import tempfile
import uuid
from contextlib import contextmanager

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from sqlalchemy import create_engine, event, text

os.environ["COALITION_INSTANCE_PATH"] = tempfile.mkdtemp(prefix="coalition-test-instance-")

from app import create_app  # noqa: E402  (the instance path must be set first)
from app.core import logs  # noqa: E402
from app.extensions import db  # noqa: E402
from tests.databases import is_postgresql, scratch_database  # noqa: E402
from tests.s3 import s3_bucket, s3_endpoint, s3_store, store  # noqa: E402, F401  (fixtures)

SERVER_URL = os.environ.get("TEST_DATABASE_URL") or None


# Test modules whose tests share servers started once per module or per session.
SHARED_SERVERS = ("tests/e2e/", "tests/reliability/", "tests/cluster/")


@pytest.hookimpl(tryfirst=True, optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """pytest-xdist's load balancing, test by test, except that tests sharing a server go to one worker together,
    so each server starts once per run: the end-to-end tests' live app and browser (one unit), and each reliability
    or cluster module's seeded database and servers (a unit per module). The largest units start first.

    (``--dist loadgroup`` with ``xdist_group`` marks would say the same, but pytest-xdist 3.8 cannot rename the
    tests of pytest 9, so its groups are ignored.)"""
    from xdist.scheduler import LoadScopeScheduling

    class SharedServerScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            if path.startswith(SHARED_SERVERS[0]):
                return SHARED_SERVERS[0]
            return path if path.startswith(SHARED_SERVERS[1:]) else nodeid

    return SharedServerScheduling(config, log)


def on_postgresql() -> bool:
    return is_postgresql(SERVER_URL)


def new_database(directory):
    """A URL to an empty database (on the suite's server) that exists for the duration of the block."""
    return scratch_database(SERVER_URL, directory)


def app_config(database_url: str, **overrides) -> dict:
    config = {
        "TESTING": True,
        "COALITION_ENV": "development",
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "SERVER_NAME": None,
        "PUBLIC_URL": "https://coalition.test",
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST_KIB": 1024,
        "RATELIMIT_STORAGE_URI": "memory://",
        "SIGN_IN_RATE_LIMIT": "1000 per minute",
        "SIGN_IN_ACCOUNT_RATE_LIMIT": "1000 per minute",
        "SECOND_FACTOR_ACCOUNT_RATE_LIMIT": "1000 per minute",
        "LETTER_PDF_PRERENDER_SECONDS": 0,  # tests run the queued jobs at once (jobs.run_queued)
    }
    config.update(overrides)
    return config


def upgrade_to_head(app) -> None:
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """One migrated database for the session; each test empties it afterwards."""
    with new_database(tmp_path_factory.mktemp("db")) as url:
        upgrade_to_head(create_app(app_config(url)))
        yield url


@pytest.fixture(scope="session")
def cleaner_engine(database_url):
    engine = create_engine(database_url)
    yield engine
    engine.dispose()


# The job queue's tables on PostgreSQL (app/core/jobs.py), outside the models.
PROCRASTINATE_TABLES = ("procrastinate_events", "procrastinate_periodic_defers", "procrastinate_jobs")


def empty_all_tables(engine) -> None:
    tables = db.metadata.sorted_tables
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            names = ", ".join([*(f'"{table.name}"' for table in tables), *PROCRASTINATE_TABLES])
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(tables):
                connection.execute(table.delete())


class IsolatedClient(FlaskClient):
    """Runs each request in its own app context, as production does, so nothing in ``g`` or the
    database session leaks between requests or into the test. The test's own session is committed
    around each request: the request sees what the test wrote, and the test then reads fresh data."""

    def open(self, *args, **kwargs):
        in_test_context = has_app_context()
        if in_test_context:
            db.session.commit()
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        if in_test_context:
            db.session.commit()
        return response


def build_app(database_url: str, **overrides):
    application = create_app(app_config(database_url, **overrides))
    application.test_client_class = IsolatedClient
    return application


def outline(application) -> tuple:
    """What a test must not change on an app that later tests share: routes, hooks and template helpers."""
    return (
        sorted(f"{rule.endpoint} {rule.rule}" for rule in application.url_map.iter_rules()),
        sorted(application.view_functions),
        [(key, len(funcs)) for key, funcs in sorted(application.before_request_funcs.items(), key=str)],
        [(key, len(funcs)) for key, funcs in sorted(application.after_request_funcs.items(), key=str)],
        sorted(application.jinja_env.globals),
        sorted(application.jinja_env.filters),
    )


class SharedApp:
    """The app of the tests that configure nothing at build time, built once per worker: building one (routes,
    templates, compiled SQL) costs more than most tests (docs/testing.md). After each test it is put back as
    built: its configuration, the page cache, the rate limits and anything the test added to ``app.extensions``
    (such as the remembered data versions). A test that adds routes or hooks to it fails: it asks for its own
    app with ``@pytest.mark.fresh_app`` or ``make_app()``.

    The rate limiter is one object per process whose storage the last app built chose: after a test builds an app
    on Redis, it is pointed back at the shared app's memory, or every later test would count (and reset) its
    limits in a Redis that other workers' tests use at that moment."""

    def __init__(self, database_url: str):
        from app.extensions import limiter

        self.app = build_app(database_url)
        self.config = copy.deepcopy(dict(self.app.config))
        self.extensions = set(self.app.extensions)
        self.outline = outline(self.app)
        self.limiter_state = dict(vars(limiter))

    def restore(self) -> None:
        from app.extensions import cache, limiter

        application = self.app
        application.config.clear()
        application.config.update(copy.deepcopy(self.config))
        for key in set(application.extensions) - self.extensions:
            del application.extensions[key]
        queue = application.extensions["jobs"]
        if queue.memory:
            queue.procrastinate.connector.reset()  # on PostgreSQL, emptying the tables empties the queue
        vars(limiter).update(self.limiter_state)
        with application.app_context():
            cache.clear()
            limiter.reset()
            db.session.remove()
        assert outline(application) == self.outline, (
            "this test changed the shared app's routes or hooks: mark it @pytest.mark.fresh_app"
        )


@pytest.fixture(scope="session")
def shared_app(database_url):
    shared = SharedApp(database_url)
    yield shared
    with shared.app.app_context():
        db.engine.dispose()


@pytest.fixture
def make_app(database_url, cleaner_engine):
    """Build apps of this test's own on the worker's database with extra configuration; the database is emptied
    after the test."""
    apps = []

    def build(**overrides):
        application = build_app(database_url, **overrides)
        apps.append(application)
        return application

    yield build
    for application in apps:
        with application.app_context():
            db.session.remove()
            db.engine.dispose()
    empty_all_tables(cleaner_engine)


@pytest.fixture(autouse=True)
def text_logs_after_the_test():
    """Logging is the process's, and the last app built set its format: a test that built an app logging JSON
    (a production one) would leave JSON lines and INFO records to the tests after it."""
    yield
    logs.configure("text")


@pytest.fixture(autouse=True)
def no_event_loop_left_by_the_browser(request):
    """Playwright's sync API (tests/e2e) runs its event loop in a greenlet of the main thread, which leaves that loop
    set as the thread's running loop for the rest of the worker's session; synchronous code that runs a coroutine
    to its end (procrastinate's ``defer``, through asgiref) then refuses to run ("You cannot use AsyncToSync in
    the same thread as an async event loop"). A test that does not drive the browser runs without it."""
    loop = asyncio._get_running_loop()
    if loop is None or "browser" in request.fixturenames:
        yield
        return
    asyncio._set_running_loop(None)
    try:
        yield
    finally:
        asyncio._set_running_loop(loop)


@pytest.fixture
def app(request, make_app, shared_app):
    """The app, in an app context: the worker's shared app, or one of this test's own if it is marked
    ``fresh_app``. Either way the database is empty when the test starts."""
    fresh = request.node.get_closest_marker("fresh_app") is not None
    application = make_app() if fresh else shared_app.app
    with application.app_context():
        yield application
        db.session.remove()
    if not fresh:
        shared_app.restore()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def cli(app):
    """``cli("users", "create", ..., input=...)``: run a command as ``flask --app wsgi`` would."""
    runner = app.test_cli_runner()

    def invoke(*args, input=None):
        result = runner.invoke(args=list(args), input=input)
        db.session.expire_all()
        return result

    return invoke


@pytest.fixture
def count_queries(app):
    """``with count_queries() as statements:`` collects the SQL statements run inside the block."""

    @contextmanager
    def counting():
        statements: list[str] = []

        def record(_conn, _cursor, statement, *_args):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            event.remove(db.engine, "before_cursor_execute", record)

    return counting


@pytest.fixture
def translate():
    """``translate("fr", "Home")``: the shipped translation, which must differ from the English.

    With ``html=True`` it is escaped as templates escape it.
    """
    from babel.support import Translations
    from markupsafe import escape

    from app.config import PROJECT_ROOT

    def lookup(locale: str, message: str, html: bool = False, **variables) -> str:
        translated = Translations.load(str(PROJECT_ROOT / "translations"), [locale]).gettext(message)
        assert translated != message, f"{message!r} is not translated into {locale}"
        translated = translated % variables if variables else translated
        return str(escape(translated)) if html else translated

    return lookup


@pytest.fixture
def platform_factory(app):
    from app.platforms.models import Platform

    def create(**fields):
        defaults = {"name": "Platform", "slug": f"platform-{uuid.uuid4().hex[:8]}"}
        platform = Platform(**(defaults | fields))
        db.session.add(platform)
        db.session.commit()
        return platform

    return create


@pytest.fixture
def platform(platform_factory):
    """Facebook (Meta Platforms), the platform incidents and letters are about unless a test says otherwise."""
    return platform_factory(name="Facebook", slug="facebook", company="Meta Platforms")


@pytest.fixture
def organization_factory(app):
    from app.core.geo import region_for
    from app.organizations.models import Organization

    def create(**fields):
        country = fields.pop("country", "KE")
        number = uuid.uuid4().hex[:8]
        defaults = {
            "name": f"Organization {number}",
            "slug": f"org-{number}",
            "country": country,
            "region": region_for(country),
        }
        organization = Organization(**(defaults | fields))
        db.session.add(organization)
        db.session.commit()
        return organization

    return create


PASSWORD = "correct horse battery staple"


@pytest.fixture
def person_factory(app, organization_factory):
    """Create a person: ``person_factory(role="signatory", organization=org, steering=True, two_factor=True)``."""
    import pyotp

    from app.accounts.models import OrgRole, User
    from app.accounts.passwords import hash_password
    from app.core.db import utcnow

    password_hash = hash_password(PASSWORD)

    def create(role="member", organization=None, steering=False, admin=False, two_factor=None, **fields):
        organization = organization or organization_factory()
        number = uuid.uuid4().hex[:8]
        defaults = {"email": f"person-{number}@example.org", "name": f"Person {number}", "password_hash": password_hash}
        user = User(
            **(defaults | fields),
            organization_id=organization.id,
            org_role=OrgRole(role),
            is_steering=steering,
            is_admin=admin,
        )
        if two_factor if two_factor is not None else (steering or admin):
            user.totp_secret, user.totp_enabled_at = pyotp.random_base32(), utcnow()
        db.session.add(user)
        db.session.commit()
        return user

    return create


@pytest.fixture
def sign_in_as(app):
    """Give ``client`` a live session for ``user``, as a successful sign-in would (through their second factor,
    if they have one)."""
    from app.accounts.models import UserSession
    from app.core.tokens import new_token

    def sign_in(client, user):
        token, token_hash = new_token()
        db.session.add(UserSession(user_id=user.id, token_hash=token_hash, two_factor_verified=user.has_two_factor))
        db.session.commit()
        with client.session_transaction() as session:
            session["_user_id"] = token
            session["_fresh"] = True
        return client

    return sign_in


@pytest.fixture
def personas(app, organization_factory, person_factory):
    """One person per role: members, signatory and org admin of organization A, a member of B, steering, admin."""
    org_a = organization_factory(name="Organization A", slug="org-a", country="NG")
    org_b = organization_factory(name="Organization B", slug="org-b", country="BR")
    steering_org = organization_factory(name="Steering Org", slug="steering-org", country="IN", is_steering=True)
    people = {
        "member_a": person_factory("member", org_a, email="member.a@example.org"),
        "signatory_a": person_factory("signatory", org_a, email="signatory.a@example.org"),
        "org_admin_a": person_factory("org_admin", org_a, email="orgadmin.a@example.org"),
        "member_b": person_factory("member", org_b, email="member.b@example.org"),
        "steering": person_factory("signatory", steering_org, steering=True, email="steering@example.org"),
        "admin": person_factory("org_admin", steering_org, admin=True, email="admin@example.org"),
        "deactivated": person_factory("member", org_a, email="gone@example.org", is_deactivated=True),
    }
    people["org_a"], people["org_b"] = org_a, org_b
    return people


@pytest.fixture
def login(app, personas, sign_in_as):
    """``login("steering")``: a test client signed in as that persona (``login(None)``: anonymous)."""

    def client_for(persona):
        client = app.test_client()
        return sign_in_as(client, personas[persona]) if persona else client

    return client_for


@pytest.fixture
def bearer(personas):
    """``bearer("member_a")``: headers carrying a new read-write (or ``scope``) API token of that persona."""
    from app.accounts.api_tokens import create_api_token
    from app.accounts.models import TokenScope

    def headers(persona, scope=TokenScope.WRITE):
        _, secret = create_api_token(personas[persona], "tests", scope)
        db.session.commit()
        return {"Authorization": f"Bearer {secret}"}

    return headers


@pytest.fixture
def evidence_dir(app, tmp_path):
    """Stored files (evidence, attachments) go to a folder of this test; returns it."""
    directory = tmp_path / "evidence"
    app.config["EVIDENCE_DIR"] = str(directory)
    return directory


@pytest.fixture
def outbox(app):
    """The emails queued so far, oldest first."""
    from sqlalchemy import select

    from app.outbox.models import OutboxMessage

    return lambda: list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


@pytest.fixture
def incident_factory(app, platform):
    """File an incident through the service: ``incident_factory(author, status="published", visibility="public")``."""
    from datetime import date

    from app.core.db import utcnow
    from app.incidents import services
    from app.incidents.vocab import Severity, Status, Visibility

    def create(author, status="draft", visibility="coalition", **fields):
        data = services.IncidentData(
            **(
                {
                    "title": "Dehumanising post about refugees",
                    "platform_id": platform.id,
                    "categories": ["hate_speech"],
                    "language": "en",
                    "country": "NG",
                    "first_seen_on": date(2026, 3, 1),
                    "severity": Severity.SERIOUS,
                    "visibility": Visibility(visibility),
                }
                | fields
            )
        )
        incident = services.create_incident(author, data)
        incident.status = Status(status)
        if status == "published":
            incident.published_at = utcnow()
        db.session.commit()
        return incident

    return create


@pytest.fixture
def shared_incident(personas, incident_factory):
    """Organization A's verified incident, shared with the coalition."""
    return incident_factory(personas["member_a"], status="verified", visibility="coalition")


@pytest.fixture
def pdf_renders(monkeypatch, evidence_dir):
    """PDF rendering replaced by a quick stand-in whose bytes follow the HTML; returns the HTML of each render.
    A render inside a request fails the test: only the ``pdfs.render`` job renders."""
    from flask import has_request_context

    from app.core import pdf

    pages = []

    def render(html: str) -> bytes:
        assert not has_request_context(), "a PDF was rendered inside a request"
        pages.append(html)
        return b"%PDF-1.7 " + hashlib.sha256(html.encode()).hexdigest().encode()

    monkeypatch.setattr(pdf, "render_pdf", render)
    monkeypatch.setattr(pdf, "renderer_problem", lambda: None)  # the stand-in needs no Pango
    return pages


@pytest.fixture
def without_pango(monkeypatch, evidence_dir):
    """This process cannot load WeasyPrint, as on a server without Pango: importing it raises the OSError of its
    failed dlopen (``pdf.renderer_problem`` asks afresh, then forgets the answer)."""
    import importlib.abc
    import sys

    from app.core import pdf

    class NoPango(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path, target=None):
            if name == "weasyprint":
                raise OSError("cannot load library 'libpango-1.0-0': No such file or directory")

    monkeypatch.delitem(sys.modules, "weasyprint", raising=False)
    monkeypatch.setattr(sys, "meta_path", [NoPango(), *sys.meta_path])
    pdf.renderer_problem.cache_clear()
    yield
    pdf.renderer_problem.cache_clear()


@pytest.fixture
def smtp_server():
    """``smtp_server(port)`` starts an SMTP server on 127.0.0.1 and returns its inbox; stopped after the test."""
    from aiosmtpd.controller import Controller

    from tests.helpers import Inbox

    controllers = []

    def start(port: int) -> Inbox:
        inbox = Inbox()
        controller = Controller(inbox, hostname="127.0.0.1", port=port)
        controller.start()
        controllers.append(controller)
        return inbox

    yield start
    for controller in controllers:
        controller.stop()


@pytest.fixture
def redis_server(tmp_path):
    """A Redis server of this test's own on a free port (``.url``), which the test may stop (``.stop()``): the
    shared one on 6379 is never stopped. Skipped without redis-server, unless REDIS_REQUIRED=1 (as .ci/run sets)."""
    from tests.helpers import RedisServer

    server = RedisServer.start(tmp_path)
    yield server
    server.stop()


@pytest.fixture
def get_pdf(app):
    """``get_pdf(client, url, **options)``: a PDF as a reader gets it once rendered: asked for (202, its job
    queued), the queued jobs run, asked for again."""
    from app.core import jobs

    def get(client, url, **options):
        response = client.get(url, **options)
        if response.status_code == 202:
            jobs.run_queued()
            response = client.get(url, **options)
        return response

    return get
