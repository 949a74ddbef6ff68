"""The migrations build the schema the models describe, and undo it, on each database."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from app import create_app
from app.core.db import include_in_autogenerate
from app.extensions import db
from tests.conftest import app_config, new_database


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
            downgrade(revision="base")
            with db.engine.connect() as connection:
                assert set(inspect(connection).get_table_names()) <= {"alembic_version"}
            db.engine.dispose()


def test_migration_files_carry_a_date_and_a_message():
    from app.config import PROJECT_ROOT

    for path in (PROJECT_ROOT / "migrations" / "versions").glob("*.py"):
        year, month, day, _revision, slug = path.stem.split("_", 4)
        assert len(year) == 4 and len(month) == 2 and len(day) == 2 and slug
