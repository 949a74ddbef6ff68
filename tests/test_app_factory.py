import pytest

from app import create_app
from app.config import ConfigurationError, database_uri

PRODUCTION = {
    "COALITION_ENV": "production",
    "SECRET_KEY": "x" * 32,
    "SQLALCHEMY_DATABASE_URI": "sqlite://",
    "PUBLIC_URL": "https://coalition.example.org",
    "TRUSTED_HOSTS": ["coalition.example.org"],
    "MAIL_SERVER": "smtp.example.org",
}


def test_production_refuses_to_start_without_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        create_app({"COALITION_ENV": "production", "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_production_refuses_to_start_with_debug_on():
    with pytest.raises(ConfigurationError, match="DEBUG"):
        create_app(
            {
                "COALITION_ENV": "production",
                "SECRET_KEY": "x" * 32,
                "DEBUG": True,
                "SQLALCHEMY_DATABASE_URI": "sqlite://",
            }
        )


def test_production_refuses_to_start_without_a_choice_of_mail_naming_both():
    with pytest.raises(ConfigurationError, match="MAIL_SERVER is not set") as refusal:
        create_app(PRODUCTION | {"MAIL_SERVER": None})
    assert "MAIL_SERVER=smtp.example.org" in str(refusal.value) and "MAIL_SERVER=console" in str(refusal.value)
    assert create_app(PRODUCTION | {"MAIL_SERVER": "console"})  # printing, on purpose


def test_production_names_every_refused_setting_at_once():
    with pytest.raises(ConfigurationError) as refusal:
        create_app({"COALITION_ENV": "production", "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": ""})
    assert [result.name for result in refusal.value.failures] == [
        "Secret key",
        "Trusted hosts",
        "Public address",
        "Mail",
    ]


def test_production_marks_session_cookie_secure():
    app = create_app(PRODUCTION)
    assert app.config["SESSION_COOKIE_SECURE"] is True


@pytest.mark.parametrize("hosts", [None, []])
def test_production_refuses_to_start_without_trusted_hosts(hosts):
    with pytest.raises(ConfigurationError, match="TRUSTED_HOSTS must be set in production"):
        create_app(PRODUCTION | {"TRUSTED_HOSTS": hosts})


@pytest.mark.parametrize(
    "url",
    [
        "http://coalition.example.org",
        "https://127.0.0.1:5000",
        "https://localhost",
        "https://coalition.localhost",
        "https://[::1]:8443",
        "https://0.0.0.0",
        "",
    ],
)
def test_production_refuses_to_start_without_a_public_https_address(url):
    with pytest.raises(ConfigurationError, match="PUBLIC_URL must be the https:// address"):
        create_app(PRODUCTION | {"PUBLIC_URL": url})


def test_production_refuses_a_public_address_on_a_host_it_would_refuse():
    with pytest.raises(ConfigurationError, match=r"TRUSTED_HOSTS must include the host of PUBLIC_URL \(coalition"):
        create_app(PRODUCTION | {"TRUSTED_HOSTS": ["www.coalition.example.org"]})
    assert create_app(PRODUCTION | {"TRUSTED_HOSTS": [".example.org"]})  # a domain and its subdomains


def test_trusted_proxies_is_a_count_of_proxies():
    with pytest.raises(ConfigurationError, match="TRUSTED_PROXIES"):
        create_app({"SECRET_KEY": "k", "SQLALCHEMY_DATABASE_URI": "sqlite://", "TRUSTED_PROXIES": -1})


@pytest.mark.parametrize("url", ["ftp://example.org/files", "s3:///prefix", "/srv/files"])
def test_storage_url_must_name_a_bucket(url):
    with pytest.raises(ConfigurationError, match="STORAGE_URL must be s3://bucket/prefix"):
        create_app({"SECRET_KEY": "k", "SQLALCHEMY_DATABASE_URI": "sqlite://", "STORAGE_URL": url})
    assert create_app({"SECRET_KEY": "k", "SQLALCHEMY_DATABASE_URI": "sqlite://", "STORAGE_URL": "s3://files/x"})


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


def test_a_new_release_reads_none_of_the_previous_releases_cache_entries(tmp_path, monkeypatch):
    """A shared cache (Redis) outlives a deployment: pages drawn by the old templates must not be served."""
    from app import config

    monkeypatch.setattr(config, "PROJECT_ROOT", tmp_path)
    template = tmp_path / "app" / "templates" / "list.html"
    template.parent.mkdir(parents=True)
    (tmp_path / "translations").mkdir()
    template.write_text('<input name="platform" value="2">')
    before = config.code_release()
    template.write_text('<input name="platform" value="facebook">')
    assert config.code_release() != before
    assert create_app({"TESTING": True}).config["CACHE_KEY_PREFIX"].startswith("coalition-")


def test_one_redis_url_shares_the_page_cache_and_the_rate_limits(monkeypatch):
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/3")
    config = create_app({"TESTING": True}).config
    assert (config["CACHE_TYPE"], config["CACHE_REDIS_URL"]) == ("RedisCache", "redis://127.0.0.1:6379/3")
    assert config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/3"


def test_the_specific_cache_and_limit_settings_win_over_redis_url(monkeypatch):
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/3")
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/4")
    monkeypatch.setenv("CACHE_REDIS_URL", "redis://127.0.0.1:6379/5")
    config = create_app({"TESTING": True, "CACHE_TYPE": "RedisCache"}).config
    assert config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/4"
    assert config["CACHE_REDIS_URL"] == "redis://127.0.0.1:6379/5"


def test_the_sender_and_the_api_are_named_after_the_instance_unless_set_on_their_own():
    named = create_app({"TESTING": True, "COALITION_NAME": "Alliance for Safe Platforms"}).config
    assert named["MAIL_FROM"] == "Alliance for Safe Platforms <no-reply@localhost>"
    assert named["API_TITLE"] == "Alliance for Safe Platforms API"
    own = create_app({"TESTING": True, "COALITION_NAME": "Alliance", "MAIL_FROM": "Desk <desk@alliance.example>"})
    assert own.config["MAIL_FROM"] == "Desk <desk@alliance.example>"
