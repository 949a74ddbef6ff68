"""``make fuzz``: Schemathesis against ``/api/v1/openapi.json``, anonymously and with API tokens.

Each run uses a fresh database with the demo data: SQLite always, and PostgreSQL too when
``TEST_DATABASE_URL`` names a server (in a scratch database created and dropped here). The app is served
on a free loopback port; every operation is fuzzed once per caller, with a fixed seed and a bounded number
of examples. Exits non-zero on any 5xx, undocumented status code, header or content type, or response that
breaks the documented schema.
"""

import json
import logging
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from sqlalchemy import make_url, select
from werkzeug.serving import make_server

from app import create_app
from app.accounts.api_tokens import create_api_token
from app.accounts.auth import find_user_by_email
from app.accounts.models import TokenScope
from app.extensions import db
from app.incidents.models import Evidence, Incident, PlatformReport
from app.letters.models import Letter
from app.meetings.models import Meeting
from app.platforms.models import Platform
from app.tracker.models import Commitment
from tests.databases import scratch_database

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
CHECKS = (
    "not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,"
    "response_schema_conformance"
)
SEED = os.environ.get("FUZZ_SEED", "20261129")
MAX_EXAMPLES = os.environ.get("FUZZ_MAX_EXAMPLES", "25")
# Read-write tokens, so the writing operations are exercised past the permission check.
CALLERS = {"anonymous": None, "member": "member@coalition.example", "steering": "steering@coalition.example"}
# Values that exist in the demo data, used most of the time for these parameters so that requests get past
# "not found" into the code behind it; the rest of the time Schemathesis makes values up.
KNOWN_VALUES = {
    "body.platform": Platform.slug,
    "path.reference": Incident.reference,
    "path.evidence_id": Evidence.id,
    "path.report_id": PlatformReport.id,
    "path.slug": Letter.slug,
    "path.commitment_id": Commitment.id,
    "path.meeting_id": Meeting.id,
}


def demo_app(database_url: str, directory: str):
    """The app on ``database_url``, migrated, with the demo data; returns it and a token per caller."""
    from flask_migrate import upgrade

    os.environ["COALITION_INSTANCE_PATH"] = directory  # not the checkout's instance: its config, demo credentials
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": "fuzz",
            "COALITION_ENV": "development",
            "EVIDENCE_DIR": f"{directory}/evidence",
            "PUBLIC_URL": "http://127.0.0.1",
            # Letters' PDFs rendered while the fuzzed server lives, not 15 s on, once its database is gone.
            "LETTER_PDF_PRERENDER_SECONDS": 0,
        }
    )
    with app.app_context():
        upgrade()
        result = app.test_cli_runner().invoke(args=["demo", "load"])
        if result.exit_code:
            raise SystemExit(f"demo load failed: {result.output}")
        tokens = {}
        for caller, email in CALLERS.items():
            tokens[caller] = email and create_api_token(find_user_by_email(email), "fuzz", TokenScope.WRITE)[1]
        db.session.commit()
        write_config(f"{directory}/schemathesis.toml")
    return app, tokens


def write_config(path: str) -> None:
    """A Schemathesis configuration binding ``KNOWN_VALUES`` to dictionaries of the values in the database."""
    lines, known = [], []
    for key, column in KNOWN_VALUES.items():
        values = list(db.session.scalars(select(column).order_by(column)))
        if values:  # the demo data may have none (evidence files): Schemathesis then makes every value up
            lines += [f'[dictionaries."{key}"]', f"values = {json.dumps(values)}"]
            known.append(key)
    lines.append("[parameters]")
    lines += [f'"{key}" = {{ dictionary = "{key}", probability = 0.7 }}' for key in known]
    Path(path).write_text("\n".join(lines) + "\n")


def fuzz(base_url: str, config: str, caller: str, token: str | None) -> bool:
    print(f"\n== {caller} ==", flush=True)
    command = [
        str(SCHEMATHESIS),
        "--config-file",
        config,
        "run",
        f"{base_url}/api/v1/openapi.json",
        "--checks",
        CHECKS,
        "--seed",
        SEED,
        "--max-examples",
        MAX_EXAMPLES,
        "--generation-database",
        "none",
        "--workers",
        "1",
        "--no-color",
    ]
    if token:
        command += ["--header", f"Authorization: Bearer {token}"]
    return subprocess.run(command, check=False).returncode == 0


def fuzz_database(server_url: str | None) -> list[bool]:
    label = make_url(server_url).get_backend_name() if server_url else "sqlite"
    print(f"\n#### Fuzzing the API on {label}", flush=True)
    with (
        tempfile.TemporaryDirectory(prefix="coalition-fuzz-") as directory,
        scratch_database(server_url, directory) as database_url,
    ):
        app, tokens = demo_app(database_url, directory)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            results = [
                fuzz(f"http://127.0.0.1:{server.server_port}", f"{directory}/schemathesis.toml", caller, token)
                for caller, token in tokens.items()
            ]
        finally:
            server.shutdown()
            with app.app_context():
                db.engine.dispose()  # PostgreSQL refuses to drop a database still in use
    return results


def main() -> int:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request; app errors still show
    server_url = os.environ.get("TEST_DATABASE_URL") or None
    results = fuzz_database(None) + (fuzz_database(server_url) if server_url else [])
    print(f"\nfuzz: {sum(results)} passed, {results.count(False)} failed")  # one run per database and caller
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
