"""The outbox's fixtures: the app sending over SMTP (to tests/conftest.py's ``smtp_server``)."""

import pytest

from tests.reliability.server import free_port


@pytest.fixture
def smtp_app(app):
    """The app, sending over SMTP to 127.0.0.1 on a port free when the test starts (nothing listens yet).

    The outbox reads its mail settings at delivery time, so setting them on the running app is enough.
    """
    app.config.update(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=free_port(),
        MAIL_USE_TLS=False,
        MAIL_TIMEOUT=5,
        MAIL_FROM="Coalition <no-reply@coalition.test>",
    )
    return app
