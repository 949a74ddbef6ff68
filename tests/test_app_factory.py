import pytest

from app import create_app
from app.config import ConfigurationError, database_uri


def test_production_refuses_to_start_without_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        create_app({"COALITION_ENV": "production", "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_production_refuses_to_start_with_debug_on():
    with pytest.raises(ConfigurationError, match="DEBUG"):
        create_app({"COALITION_ENV": "production", "SECRET_KEY": "x" * 32, "DEBUG": True,
                    "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_production_marks_session_cookie_secure():
    app = create_app({"COALITION_ENV": "production", "SECRET_KEY": "x" * 32, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_development_secret_key_is_generated_once_and_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("COALITION_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).config["SECRET_KEY"]
    second = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).config["SECRET_KEY"]
    assert first == second and len(first) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_environment_overrides_instance_file_which_overrides_defaults(tmp_path, monkeypatch):
    monkeypatch.setenv("COALITION_INSTANCE_PATH", str(tmp_path))
    (tmp_path / "config.py").write_text('DEFAULT_TIMEZONE = "Asia/Dhaka"\nDEFAULT_LOCALE = "fr"\n')
    monkeypatch.setenv("DEFAULT_LOCALE", "sw")
    app = create_app({"SECRET_KEY": "k", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["DEFAULT_TIMEZONE"] == "Asia/Dhaka"
    assert app.config["DEFAULT_LOCALE"] == "sw"
    assert app.config["MAX_CONTENT_LENGTH"] == 50 * 1024 * 1024


def test_sqlite_file_in_instance_folder_by_default(tmp_path):
    assert database_uri(None, str(tmp_path)) == f"sqlite:///{tmp_path}/coalition.db"


@pytest.mark.parametrize("url", ["postgres://u@h/db", "postgresql://u@h/db"])
def test_postgresql_urls_use_psycopg3(url):
    assert database_uri(url, "/x") == "postgresql+psycopg://u@h/db"


def test_factory_does_not_touch_the_database(tmp_path):
    create_app({"SECRET_KEY": "k", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/never.db"})
    assert not (tmp_path / "never.db").exists()


def test_trusted_proxies_is_a_count_of_proxies():
    with pytest.raises(ConfigurationError, match="TRUSTED_PROXIES"):
        create_app({"SECRET_KEY": "k", "SQLALCHEMY_DATABASE_URI": "sqlite://", "TRUSTED_PROXIES": -1})
