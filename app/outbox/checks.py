"""The outbox's part of ``flask --app wsgi check``: the mail server answers (no email is sent)."""

import smtplib

from flask import Flask

from app.config import MAIL_CONSOLE
from app.core.checks import FAIL, OK, PROBE_TIMEOUT_SECONDS, Result
from app.outbox.services import smtp_connection


def smtp_server(app: Flask) -> Result:
    """Connect to ``MAIL_SERVER``, greet it (EHLO), then STARTTLS and sign in as the settings say."""
    config = app.config
    if config.get("MAIL_SERVER") in {None, "", MAIL_CONSOLE}:
        return Result("SMTP server", OK, "none used (see Mail)")
    where = f"{config['MAIL_SERVER']}:{config['MAIL_PORT']}"
    try:
        with smtp_connection(config, timeout=PROBE_TIMEOUT_SECONDS) as smtp:
            smtp.noop()
    except (OSError, smtplib.SMTPException) as error:
        return Result(
            "SMTP server",
            FAIL,
            f"{where} does not answer or refuses: {type(error).__name__}: {error}",
            "correct MAIL_SERVER, MAIL_PORT, MAIL_USE_TLS or MAIL_USE_SSL, MAIL_USERNAME and MAIL_PASSWORD",
        )
    return Result("SMTP server", OK, f"{where} answers")
