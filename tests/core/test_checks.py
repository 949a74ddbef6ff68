"""``flask --app wsgi check`` against a good configuration (every check OK, exit 0) and bad ones (each FAIL with
its fix, exit 1)."""

import os
import re
import shutil

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo

from app.core import fonts, server_checks
from app.core.checks_cli import check_command
from tests.reliability.server import free_port

PRODUCTION = {
    "COALITION_ENV": "production",
    "SECRET_KEY": "a-production-secret-key-nobody-else-has",
    "PUBLIC_URL": "https://coalition.test",
    "TRUSTED_HOSTS": ["coalition.test"],
    "TRUSTED_PROXIES": 1,
    "MAIL_SERVER": "127.0.0.1",
    "MAIL_USE_TLS": False,
}


def run_check(app_factory, *options):
    """``flask --app wsgi check OPTIONS`` on the app ``app_factory`` builds: (exit code, {check: status}, output)."""
    result = CliRunner().invoke(check_command, list(options), obj=ScriptInfo(create_app=app_factory))
    statuses = dict(
        (name, status) for status, name in re.findall(r"^(OK|WARN|FAIL)\s+(.+?)\s{2,}", result.output, re.M)
    )
    return result.exit_code, statuses, result.output


def test_a_good_configuration_passes_every_check(app, evidence_dir, smtp_server, redis_server):
    app.config.update(PRODUCTION, MAIL_PORT=free_port(), REDIS_URL=redis_server.url)
    smtp_server(app.config["MAIL_PORT"])
    code, statuses, output = run_check(lambda: app)
    assert code == 0, output
    expected = dict.fromkeys(
        ["Environment", "Secret key", "Trusted hosts", "Public address", "Mail", "Reverse proxies", "Database"]
        + ["Job queue", "Redis", "File storage", "PDFs", "Fonts", "Translations", "ffmpeg", "SMTP server"],
        "OK",
    )
    if app.config["JOB_QUEUE"] == "memory":  # SQLite: one process only, which production should know
        expected["Job queue"] = "WARN"
    if shutil.which("ffmpeg") is None:
        expected["ffmpeg"] = "WARN"
    assert statuses == expected, output
    assert "fix:" not in output.replace("fix: use PostgreSQL", "").replace("fix: sudo apt-get install ffmpeg", "")


@pytest.mark.parametrize(
    ("setting", "check", "fix"),
    [
        ({"SECRET_KEY": None}, "Secret key", "export SECRET_KEY=\"$(python3 -c 'import secrets;"),
        ({"PUBLIC_URL": "http://127.0.0.1:5000"}, "Public address", "export PUBLIC_URL=https://"),
        (
            {"MAIL_SERVER": None},
            "Mail",
            "export MAIL_SERVER=smtp.example.org (with MAIL_USERNAME and MAIL_PASSWORD), or MAIL_SERVER=console",
        ),
    ],
)
def test_a_setting_production_refuses_fails_with_its_fix(make_app, setting, check, fix):
    code, statuses, output = run_check(lambda: make_app(**PRODUCTION | setting))
    assert (code, statuses) == (1, {check: "FAIL"}), output
    assert f"fix: {fix}" in output and "The app refuses to start until these are fixed" in output


def test_an_unreachable_database_fails(make_app, tmp_path):
    code, statuses, output = run_check(
        lambda: make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/missing-dir/db.sqlite"), "--only", "database"
    )
    assert (code, statuses) == (1, {"Database": "FAIL"}), output
    assert "unreachable" in output and "fix: start the database, or correct DATABASE_URL" in output


def test_a_database_not_migrated_fails(make_app, tmp_path):
    code, statuses, output = run_check(
        lambda: make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/empty.db"), "--only", "database"
    )
    assert (code, statuses) == (1, {"Database": "FAIL"}), output
    assert "not migrated" in output and "fix: flask --app wsgi db upgrade" in output


def test_redis_down_fails(app):
    app.config["REDIS_URL"] = f"redis://:a-password@127.0.0.1:{free_port()}/0"  # nothing listens there
    code, statuses, output = run_check(lambda: app, "--only", "redis")
    assert (code, statuses) == (1, {"Redis": "FAIL"}), output
    assert "fix: start Redis, or correct REDIS_URL" in output and "a-password" not in output


def test_a_file_store_that_cannot_be_written_fails(app, tmp_path):
    (tmp_path / "a-file").write_text("not a folder")  # as root, a read-only folder would still be writable
    app.config["EVIDENCE_DIR"] = str(tmp_path / "a-file" / "evidence")
    code, statuses, output = run_check(lambda: app, "--only", "storage")
    assert (code, statuses) == (1, {"File storage": "FAIL"}), output
    assert "fix: make EVIDENCE_DIR a folder the app's user may write" in output


def test_the_file_store_check_leaves_nothing_behind_in_either_backend(app, store):
    code, statuses, output = run_check(lambda: app, "--only", "storage")
    assert (code, statuses) == (0, {"File storage": "OK"}), output
    with app.app_context():
        from app.core import storage

        assert list(storage.stored_hashes()) == []


def test_a_mail_server_that_does_not_answer_fails(app):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_USE_TLS=False)
    code, statuses, output = run_check(lambda: app, "--only", "mail,smtp")
    assert (code, statuses) == (1, {"Mail": "OK", "SMTP server": "FAIL"}), output


def test_a_language_without_a_font_fails_naming_the_package(app, monkeypatch):
    real = server_checks.font_installed
    hindi = fonts.LOCALE_FONTS["hi"]
    monkeypatch.setattr(server_checks, "font_installed", lambda font: font != hindi and real(font))
    code, statuses, output = run_check(lambda: app, "--only", "fonts")
    assert (code, statuses) == (1, {"Fonts": "FAIL"}), output
    assert "no font for hi" in output and "sudo apt-get install fonts-noto-core" in output


def test_without_pango_pdfs_fail_naming_the_packages(app, without_pango):
    code, statuses, output = run_check(lambda: app, "--only", "pdf")
    assert (code, statuses) == (1, {"PDFs": "FAIL"}), output
    assert "Debian packages to install: sudo apt-get install libharfbuzz-subset0 libpango-1.0-0" in output


def test_catalogs_not_compiled_or_older_than_their_source_fail(app, tmp_path):
    for locale in ("fr", "es", "ar"):
        (tmp_path / locale / "LC_MESSAGES").mkdir(parents=True)
        (tmp_path / locale / "LC_MESSAGES" / "messages.po").write_text("")
        (tmp_path / locale / "LC_MESSAGES" / "messages.mo").write_bytes(b"")
    os.utime(tmp_path / "es" / "LC_MESSAGES" / "messages.mo", (0, 0))  # older than its source
    (tmp_path / "fr" / "LC_MESSAGES" / "messages.mo").unlink()
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(tmp_path)
    code, statuses, output = run_check(lambda: app, "--only", "catalogs")
    assert (code, statuses) == (1, {"Translations": "FAIL"}), output
    assert "fr, es" in output and "fix: flask --app wsgi translate compile" in output
