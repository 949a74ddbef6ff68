"""A dedicated, migrated database with a small coalition in it, served by gunicorn with three workers.

Runs on SQLite, or on PostgreSQL when ``TEST_DATABASE_URL`` names a server (a database of its own).
"""

import pytest

from app import create_app
from tests.conftest import app_config, new_database, upgrade_to_head
from tests.reliability.seed import seed
from tests.reliability.server import Server


@pytest.fixture(scope="module")
def coalition(tmp_path_factory):
    with new_database(tmp_path_factory.mktemp("reliability-db")) as url:
        upgrade_to_head(create_app(app_config(url)))
        yield seed(url)


@pytest.fixture(scope="module")
def server(coalition, tmp_path_factory):
    """gunicorn with 3 workers on the seeded database."""
    with Server(tmp_path_factory.mktemp("reliability-server"), coalition.database_url, workers=3) as running:
        yield running
