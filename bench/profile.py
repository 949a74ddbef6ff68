"""`make profile ENDPOINT=/path`: serve the benchmark's data set as `make bench` does, drive one endpoint with wrk
and sample the gunicorn workers with py-spy meanwhile; writes a flame graph to bench/profiles/.

Settings (environment): ENDPOINT (the path, required), AS ("member" signs in as the benchmark's member; else
anonymous), FIRST (1: a fresh address per request, so no drawn page is reused), BENCH_INCIDENTS (100000),
BENCH_DATABASES (its first one: sqlite), BENCH_DATABASE_URL, BENCH_DURATION (10), BENCH_PORT (8765).
"""

import os
import re
import subprocess
import tempfile
from pathlib import Path

from bench import wrk
from bench.client import Client
from bench.dataset import PASSWORD
from bench.run import BROWSER, MEMBER, PORT
from bench.server import ROOT, VENV_BIN, gunicorn, prepare

PROFILES = ROOT / "bench" / "profiles"


def main() -> None:
    path = os.environ.get("ENDPOINT") or "/"
    kind = (os.environ.get("BENCH_DATABASES") or "sqlite").split()[0]
    incidents = int(os.environ.get("BENCH_INCIDENTS") or 100_000)
    duration = int(os.environ.get("BENCH_DURATION") or 10)
    server_url = os.environ.get("BENCH_DATABASE_URL") or "postgresql://postgres@127.0.0.1:5432/postgres"
    first = os.environ.get("FIRST") == "1"
    workdir = Path(tempfile.mkdtemp(prefix="coalition-profile-"))
    env = prepare(kind, incidents, server_url, workdir)
    PROFILES.mkdir(exist_ok=True)
    name = "-".join(filter(None, [re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home", kind]))
    output = PROFILES / f"{name}{'-first' if first else ''}.svg"
    with gunicorn(env, PORT, workdir / "gunicorn.log") as base_url:
        headers = dict(BROWSER)
        if os.environ.get("AS") == "member":
            headers["Cookie"] = Client(base_url).sign_in(MEMBER, PASSWORD).cookie_header
        plan = wrk.Plan(reads=[("GET", path, headers, None)], unique=first)
        wrk.run(base_url, plan, 2, 4)  # templates compiled and caches filled before sampling
        master = subprocess.run(
            ["pgrep", "-o", "-f", f"127.0.0.1:{PORT}"], capture_output=True, text=True, check=True
        ).stdout.split()[0]
        sampler = subprocess.Popen(
            [VENV_BIN / "py-spy", "record", "--pid", master, "--subprocesses", "--nonblocking", "--rate", "250",
             "--duration", str(duration), "--output", str(output)],
        )  # fmt: skip
        result = wrk.run(base_url, plan, duration, 8)
        sampler.wait(timeout=duration + 60)
    print(f"{path}: {result['rps']} req/s, p95 {result['p95_ms']} ms; flame graph in {output.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
