"""The migrations build the schema the models describe, and undo it, on each database."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from app import create_app
from app.core.db import include_in_autogenerate
from app.extensions import db
from tests.conftest import app_config, new_database


def failed_emails_become_pending_on_downgrade() -> None:
    """Before the outbox's failed status (b029be81f242) a failed email is one still to send; the old status set
    returns. Checked on the way down to base, which is cheaper than a database of its own."""
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO outbox_messages (created_at, recipient, locale, template, subject, body, status, "
                "attempts, next_attempt_at) VALUES (CURRENT_TIMESTAMP, 'a@example.org', 'en', 'invitation', 'S', "
                "'B', 'failed', 1, CURRENT_TIMESTAMP)"
            )
        )
    downgrade(revision="f1c8e2a7b5d3")
    with db.engine.begin() as connection:
        assert connection.execute(text("SELECT status FROM outbox_messages")).scalars().all() == ["pending"]
    with pytest.raises(IntegrityError), db.engine.begin() as connection:
        connection.execute(text("UPDATE outbox_messages SET status = 'failed'"))


def test_upgrade_to_head_matches_models_and_downgrade_to_base_empties(tmp_path):
    with new_database(tmp_path) as url:
        app = create_app(app_config(url))
        with app.app_context():
            upgrade()
            with db.engine.connect() as connection:
                context = MigrationContext.configure(
                    connection, opts={"compare_type": True, "include_object": include_in_autogenerate}
                )
                assert compare_metadata(context, db.metadata) == []
                assert set(db.metadata.tables) <= set(inspect(connection).get_table_names())
            failed_emails_become_pending_on_downgrade()
            downgrade(revision="base")
            with db.engine.connect() as connection:
                assert set(inspect(connection).get_table_names()) <= {"alembic_version"}
            db.engine.dispose()


def test_migration_files_carry_a_date_and_a_message():
    from app.config import PROJECT_ROOT

    for path in (PROJECT_ROOT / "migrations" / "versions").glob("*.py"):
        year, month, day, _revision, slug = path.stem.split("_", 4)
        assert len(year) == 4 and len(month) == 2 and len(day) == 2 and slug
