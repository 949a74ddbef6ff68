"""The compose stack (compose.yaml), its nginx configuration and the settings file it reads (.env.example).

Read as data (PyYAML, text): no Docker daemon runs here. docs/deployment.md says what else was checked and how.
"""

import re

import pytest
import yaml
from flask import Flask

from app.config import ENVIRONMENT_VARIABLES, PROJECT_ROOT, DefaultConfig, load_config
from tests.deployment.helpers import gunicorn_settings

COMPOSE = yaml.safe_load((PROJECT_ROOT / "compose.yaml").read_text())
SERVICES = COMPOSE["services"]
NGINX_CONF = (PROJECT_ROOT / "docker" / "nginx.conf").read_text()
ENV_EXAMPLE = (PROJECT_ROOT / ".env.example").read_text()
DEPLOYMENT_DOC = (PROJECT_ROOT / "docs" / "deployment.md").read_text()
APP_SERVICES = ("web", "worker", "migrate")
# boto3 reads these for the S3 file store (docs/operations.md#file-storage); the app has no setting of its own.
BOTO3_VARIABLES = {"AWS_ENDPOINT_URL", "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}
# What production cannot go without (the rest have working defaults).
REQUIRED = {
    "SECRET_KEY",
    "STORAGE_KEY",
    "PUBLIC_URL",
    "TRUSTED_HOSTS",
    "TRUSTED_PROXIES",
    "POSTGRES_PASSWORD",
    "REDIS_URL",
    "STORAGE_URL",
    *BOTO3_VARIABLES,
    "MINIO_ROOT_USER",
    "MINIO_ROOT_PASSWORD",
    "MAIL_SERVER",
    "MAIL_FROM",
}


def env_example() -> dict[str, str]:
    """The variables .env.example sets (``NAME=value``) or shows as optional (``# NAME=value``)."""
    return dict(re.findall(r"^(?:# )?([A-Z][A-Z0-9_]*)=(.*)$", ENV_EXAMPLE, re.MULTILINE))


def interpolate(text: str, variables: dict[str, str]) -> str:
    """compose's ``${NAME}``, ``${NAME:-default}`` and ``${NAME:?error}`` with ``variables`` (.env)."""

    def value(match: re.Match) -> str:
        name, operator, fallback = match.groups()
        if variables.get(name):
            return variables[name]
        assert operator != ":?", f"compose refuses to start without {name}"
        return fallback or ""

    return re.sub(r"\$\{([A-Z_][A-Z0-9_]*)(?:(:-|:\?)([^}]*))?\}", value, text)


def test_the_stack_has_its_services_and_two_web_replicas():
    assert set(SERVICES) == {"web", "worker", "migrate", "postgres", "redis", "minio", "minio-setup", "nginx"}
    assert SERVICES["web"]["deploy"]["replicas"] == 2
    assert SERVICES["postgres"]["image"].startswith("postgres:16")
    assert SERVICES["redis"]["image"].startswith("redis:7")


def test_the_app_services_run_the_image_commands_with_the_settings_file():
    for name in APP_SERVICES:
        service = SERVICES[name]
        assert (service["build"], service["image"], service["env_file"]) == (".", "coalition:latest", ".env")
        assert service["command"] == name
        assert service["volumes"] == ["instance:/srv/coalition/instance"]
    assert SERVICES["migrate"]["restart"] == "no"


def test_nothing_starts_before_the_database_is_migrated_and_the_bucket_exists():
    def waits_for(service: str) -> dict[str, str]:
        return {name: rule["condition"] for name, rule in SERVICES[service].get("depends_on", {}).items()}

    ready = "service_healthy"
    done = "service_completed_successfully"
    assert waits_for("migrate") == {"postgres": ready}
    assert waits_for("minio-setup") == {"minio": ready}
    for service in ("web", "worker"):
        assert waits_for(service) == {"migrate": done, "redis": ready, "minio-setup": done}
    assert waits_for("nginx") == {"web": ready}
    assert SERVICES["nginx"]["depends_on"]["web"]["restart"] is True


def test_servers_report_their_health_and_one_shot_services_do_not():
    assert "pg_isready" in " ".join(SERVICES["postgres"]["healthcheck"]["test"])
    assert SERVICES["redis"]["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]
    assert SERVICES["minio"]["healthcheck"]["test"] == ["CMD", "mc", "ready", "local"]
    assert "healthcheck" not in SERVICES["web"]  # the image's HEALTHCHECK, /healthz
    for service in ("worker", "migrate"):
        assert SERVICES[service]["healthcheck"] == {"disable": True}  # they run no web server to ask


def test_web_replicas_get_longer_to_stop_than_gunicorn_gives_its_requests(monkeypatch):
    grace_seconds = int(SERVICES["web"]["stop_grace_period"].removesuffix("s"))
    assert grace_seconds > gunicorn_settings(monkeypatch)["graceful_timeout"]


def test_nginx_balances_over_the_web_service_and_passes_the_client_on():
    assert re.search(r"upstream web \{\s+(#.*\n\s+)*server web:8000\b", NGINX_CONF)
    assert "proxy_pass http://web;" in NGINX_CONF
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in NGINX_CONF
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in NGINX_CONF
    assert "proxy_set_header Host $host;" in NGINX_CONF
    mounts = SERVICES["nginx"]["volumes"]
    assert "./docker/nginx.conf:/etc/nginx/nginx.conf:ro" in mounts


def test_nginx_accepts_the_largest_request_and_waits_longer_than_gunicorn(monkeypatch):
    body_limit = re.search(r"client_max_body_size (\d+)m;", NGINX_CONF).group(1)
    assert int(body_limit) * 1024 * 1024 == DefaultConfig.MAX_CONTENT_LENGTH
    read_timeout = re.search(r"proxy_read_timeout (\d+)s;", NGINX_CONF).group(1)
    assert int(read_timeout) > gunicorn_settings(monkeypatch)["timeout"]


def test_nginx_logs_no_client_address_path_or_query():
    log_format = re.search(r"log_format coalition ([^;]+);", NGINX_CONF).group(1)
    for secret_bearing in ("$remote_addr", "$request ", "$request_uri", "$uri", "$args", "$query_string", "$http_"):
        assert secret_bearing not in log_format
    assert "access_log /dev/stdout coalition;" in NGINX_CONF


def test_every_variable_of_the_settings_file_is_a_real_setting_or_a_documented_one_of_the_stack():
    for name in env_example():
        if name in ENVIRONMENT_VARIABLES or name in BOTO3_VARIABLES:
            continue
        assert f"| `{name}` |" in DEPLOYMENT_DOC, f"{name} is neither an app setting nor described in deployment.md"
    assert set(env_example()) >= REQUIRED


def test_every_variable_compose_reads_is_in_the_settings_file():
    used = set(re.findall(r"\$\{([A-Z_][A-Z0-9_]*)", (PROJECT_ROOT / "compose.yaml").read_text()))
    assert used <= set(env_example())


@pytest.fixture
def stack_settings(monkeypatch) -> dict[str, str]:
    """What the web service's environment holds: .env.example's settings and compose's own, nothing else the app
    reads."""
    variables = env_example()
    for name in ENVIRONMENT_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    environment = variables | {
        name: interpolate(value, variables) for name, value in SERVICES["web"]["environment"].items()
    }
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("COALITION_ENV", "production")  # the image's ENV
    return environment


def test_the_settings_file_makes_a_production_configuration_on_the_stacks_services(stack_settings, tmp_path):
    app = Flask(__name__, instance_path=str(tmp_path))

    load_config(app)  # raises ConfigurationError on what production refuses

    config = app.config
    assert config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://coalition:")
    assert config["SQLALCHEMY_DATABASE_URI"].endswith("@postgres:5432/coalition")
    assert (config["JOB_QUEUE"], config["CACHE_TYPE"]) == ("postgresql", "RedisCache")
    assert config["RATELIMIT_STORAGE_URI"] == "redis://redis:6379/0"
    assert config["STORAGE_URL"] == "s3://coalition/files"
    assert config["TRUSTED_PROXIES"] == 1
    assert stack_settings["AWS_ENDPOINT_URL"] == "http://minio:9000"
