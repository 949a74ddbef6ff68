"""Each feature registers itself from its ``init_app``, and an app built again in the same process (as tests do)
registers nothing twice: no session listener, tracked model or platform section."""

import os
import subprocess
import sys

from app.core import storage, versions
from app.extensions import db
from app.letters.models import Letter
from app.platforms.models import Platform
from app.tracker.views import PLATFORM_SECTIONS

BLUEPRINTS = {
    "health",
    "metrics",
    "api-docs",
    "outbox",
    *("accounts", "accounts_settings", "accounts_people", "accounts_api"),
    *("organizations", "organizations_manage", "organizations_api"),
    "platforms_api",
    *(
        "incidents",
        "incidents_evidence",
        "incidents_imports",
        "incidents_public",
        "incidents_api",
        "incidents_imports_api",
    ),
    *("letters", "letters_manage", "letters_api"),
    *("tracker", "tracker_manage", "tracker_api"),
    *("meetings", "meetings_api"),
    *("insights", "insights_api"),
    "admin",
    "main",
}
COMMANDS = {
    "translate",
    "docs",
    "audit",
    "storage",
    "outbox",
    "users",
    "tokens",
    "organizations",
    "incidents",
    "letters",
    "tracker",
    "meetings",
    "backup",
    "restore",
    "worker",
}
COMMANDS |= {"retention", "demo", "db", "openapi"}


def test_every_feature_registers_its_pages_api_and_commands(app):
    assert set(app.blueprints) == BLUEPRINTS
    assert set(app.cli.commands) == COMMANDS
    assert set(app.cli.commands["users"].commands) == {
        "create",  # added by organizations, above accounts
        *("list", "deactivate", "reactivate", "reset-second-factor", "set-password", "grant"),
    }
    assert set(app.cli.commands["outbox"].commands) == {"send", "list", "retry"}


def test_an_app_built_again_registers_nothing_twice(app, make_app):
    again = make_app()
    session = db.session()
    listeners = {
        "before_flush": [versions._bump_tracked],
        "after_commit": [storage._keep_written_files],
        "after_transaction_end": [
            versions._forget_bumped,
            storage._remove_written_files,
        ],
    }
    for name, expected in listeners.items():
        registered = list(getattr(session.dispatch, name))
        assert [registered.count(listener) for listener in expected] == [1] * len(expected), name
    assert versions._TRACKED[versions.LETTERS].count(Letter) == 1
    assert versions._TRACKED[versions.INCIDENTS].count(Platform) == 1
    assert len(again.extensions[PLATFORM_SECTIONS]) == 1


def test_the_app_builds_whichever_feature_models_were_imported_first(tmp_path):
    """A test module (or a script) may import a higher feature's models before the app exists: its relationships
    to features registered later must still resolve when an earlier feature's set-up runs a query."""
    script = (
        "import app.meetings.models\n"
        "from app import create_app\n"
        f"create_app({{'SECRET_KEY': 'x', 'SQLALCHEMY_DATABASE_URI': 'sqlite:///{tmp_path}/db.sqlite'}})\n"
        "from sqlalchemy.orm import configure_mappers\n"
        "configure_mappers()\n"
    )
    environment = os.environ | {"COALITION_INSTANCE_PATH": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=environment)
    assert result.returncode == 0, result.stderr
