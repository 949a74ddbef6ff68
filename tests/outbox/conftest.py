"""The outbox's fixtures: an SMTP server to deliver to, and the app sending to it."""

from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from tests.reliability.server import free_port


class Inbox:
    """An aiosmtpd handler that keeps every message it accepts."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, _server, _session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.original_content, policy=policy.default)))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server():
    """``smtp_server(port)`` starts an SMTP server on 127.0.0.1 and returns its inbox; stopped after the test."""
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
