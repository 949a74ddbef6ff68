"""What the deployment tests share."""

import runpy

from tests.reliability.server import GUNICORN_CONFIG


def gunicorn_settings(monkeypatch, **environment: str) -> dict:
    """The settings gunicorn.conf.py makes in ``environment`` (PORT, WEB_CONCURRENCY unset unless given)."""
    for name in ("PORT", "WEB_CONCURRENCY"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(GUNICORN_CONFIG))
