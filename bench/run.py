"""`make bench`: load the data set, serve Coalition with gunicorn (3 workers) on SQLite then PostgreSQL,
drive every endpoint with wrk from loopback, and report throughput, latency, SQL statements, errors,
page weight and the cost against the app's bare hello page, with a pass or fail for each budget.

Settings (environment): BENCH_INCIDENTS (100000), BENCH_SMALL_INCIDENTS (1000; 0 skips the growth
check), BENCH_DURATION (seconds per endpoint, 10), BENCH_CONNECTIONS (8), BENCH_DATABASES
("sqlite postgresql"), BENCH_DATABASE_URL (the PostgreSQL server, postgresql://postgres@127.0.0.1:5432/postgres),
BENCH_ONLY (a regular expression: only the endpoints whose names it finds, between the two hello runs; results
printed, not written to bench/results.*).
"""

import datetime
import json
import os
import platform
import re
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench import pdfs, report, wrk
from bench.client import Client
from bench.dataset import PASSWORD, Shape
from bench.server import PRERENDER_SECONDS, ROOT, WORKERS, gunicorn, prepare

PORT = int(os.environ.get("BENCH_PORT", "8765"))
HELLO_DRIFT = 0.15  # a run whose hello figures at its start and end differ more than this is repeated
ATTEMPTS = 3
# After a read/write mix its last requests finish, and the PDFs its signatures queue are rendered, before the next
# measurement: they would otherwise share the cores with it (the hello at the end, or the next attempt's start).
SETTLE_SECONDS = PRERENDER_SECONDS + 10
PAGE = 2000
MEMBER = "person10-3@bench.example"  # an ordinary member of organization 10
FILTER = "severity=2&severity=3&severity=4&reported=yes"
BROWSER = {"Accept-Encoding": "gzip"}  # as every browser sends it
PDF_WAIT_SECONDS = 120  # a job worker renders a PDF in seconds

# name, path, who (None: anonymous), public page (weighed)
ENDPOINTS = [
    ("tracker overview (cached)", "/tracker/", None, True),
    ("tracker overview (first request)", "/tracker/", None, False),
    ("platform page", "/tracker/platforms/platform-07", None, True),
    ("commitment page", "/tracker/commitments/137", None, True),
    ("public letter (70 signatories)", "/letters/letter-150", None, True),
    ("stored letter PDF (70 signatories)", "/letters/letter-150.pdf", None, False),
    ("incidents, page 1", "/incidents/", MEMBER, False),
    ("incidents, page 2000", "/incidents/?after={member_deep}", MEMBER, False),
    ("incidents filtered, page 1", "/incidents/?" + FILTER, MEMBER, False),
    ("incidents filtered, page 1 (first request)", "/incidents/?" + FILTER, MEMBER, False),
    ("incidents filtered, page 2000", "/incidents/?" + FILTER + "&after={filtered_deep}", MEMBER, False),
    ("public incidents, page 1", "/public/incidents/", None, True),
    ("public incidents, page 2000", "/public/incidents/?after={public_deep}", None, True),
    ("full-text search", "/incidents/?q=genocide", MEMBER, False),
    ("full-text search (first request)", "/incidents/?q=genocide", MEMBER, False),
    ("public insights", "/public/insights/", None, True),
    ("public insights (first request)", "/public/insights/", None, False),
    ("members' insights", "/insights/", MEMBER, False),
    ("members' home", "/", MEMBER, False),
    ("API incidents", "/api/v1/incidents", None, False),
    ("API commitments", "/api/v1/commitments", None, False),
    ("API letters", "/api/v1/letters", None, False),
    ("API meetings", "/api/v1/meetings", MEMBER, False),
    ("API organizations", "/api/v1/organizations", None, False),
    ("API platforms", "/api/v1/platforms", None, False),
]


def bench_app(env: dict):
    """The app on the benchmark's instance and database, in this process (to look things up, or render PDFs)."""
    os.environ["COALITION_INSTANCE_PATH"] = env["COALITION_INSTANCE_PATH"]
    if "DATABASE_URL" in env:
        os.environ["DATABASE_URL"] = env["DATABASE_URL"]
    else:
        os.environ.pop("DATABASE_URL", None)
    from app import create_app

    return create_app()


def deep_cursors(app) -> dict:
    """The ``after`` cursor that opens page 2,000 (or the last page) of each list, as the app pages them."""
    from urllib.parse import parse_qsl

    from sqlalchemy import func, select
    from werkzeug.datastructures import MultiDict

    from app.accounts.models import User
    from app.core.permissions import THE_PUBLIC
    from app.extensions import db
    from app.incidents import search
    from app.incidents.models import Incident

    cursors = {}
    with app.app_context():
        member = db.session.scalar(select(User).where(User.email == MEMBER))
        for name, person, query in (
            ("member_deep", member, ""),
            ("filtered_deep", member, FILTER),
            ("public_deep", THE_PUBLIC, ""),
        ):
            conditions = search.conditions(person, search.filters_from_args(MultiDict(parse_qsl(query))))
            total = db.session.scalar(select(func.count()).select_from(Incident).where(*conditions))
            page = max(1, min(PAGE, (total - 1) // search.PAGE_SIZE + 1))
            cursors[name] = (
                db.session.scalar(
                    select(Incident.id)
                    .where(*conditions)
                    .order_by(Incident.id.desc())
                    .offset(search.PAGE_SIZE * (page - 1) - 1)
                    .limit(1)
                )
                if page > 1
                else ""
            )
            cursors[name + "_page"] = page
        db.engine.dispose()
    return cursors


# name: the share of writes
MIXES = {"90/10 read/write mix": 0.1, "60/40 read/write mix": 0.4}


def write_plan(base_url: str, member: Client, write_share: float) -> wrk.Plan:
    """A read/write mix: members reading, and signatories signing, withdrawing and filing incidents."""
    reads = [
        ("GET", path, BROWSER | {"Cookie": member.cookie_header}, None)
        for path in (
            "/tracker/",
            "/tracker/platforms/platform-07",
            "/tracker/commitments/137",
            "/letters/letter-150",
            "/incidents/",
            "/incidents/?" + FILTER,
            "/incidents/?q=genocide",
            "/public/incidents/",
            "/api/v1/incidents",
        )
    ]
    threads: list[list[tuple]] = [[] for _ in range(wrk.THREADS)]
    for index, organization in enumerate(Shape().signing_organizations):
        signer = Client(base_url).sign_in(f"person{organization:02d}-1@bench.example", PASSWORD)
        token = signer.csrf_token("/letters/")
        # The cookie as it stands once the token is drawn: it holds the secret the token was made from.
        headers = {"Cookie": signer.cookie_header, "Content-Type": "application/x-www-form-urlencoded"}
        filing = (
            "POST",
            "/incidents/new",
            headers,
            f"csrf_token={token}&title=Benchmark+incident&platform_id=3&categories=hate_speech&language=en"
            "&country=KE&first_seen_on=2026-11-01&severity=2&visibility=coalition&account_prominence=ordinary"
            "&description=Filed+by+the+benchmark",
        )
        for action in ("sign", "withdraw"):
            for letter in range(1, Shape().open_letters + 1):
                threads[index % wrk.THREADS] += [
                    ("POST", f"/letters/letter-{letter:03d}/{action}", headers, f"csrf_token={token}"),
                    filing,
                ]
    return wrk.Plan(reads=reads, writes=threads, write_share=write_share)


def sign_in_plan(base_url: str) -> wrk.Plan:
    visitor = Client(base_url)
    token = visitor.csrf_token("/sign-in")
    return wrk.Plan(
        reads=[
            (
                "POST",
                "/sign-in",
                {"Cookie": visitor.cookie_header, "Content-Type": "application/x-www-form-urlencoded"},
                f"csrf_token={token}&email=person20-3%40bench.example&password={PASSWORD}",
            )
        ]
    )


def selected(name: str) -> bool:
    """Whether BENCH_ONLY (a regular expression searched in endpoint names) selects the endpoint; all without it."""
    only = os.environ.get("BENCH_ONLY")
    return not only or re.search(only, name) is not None


def measure(base_url: str, cursors: dict, duration: int, connections: int, full: bool) -> dict:
    """One pass over every selected endpoint, between two hello measurements."""
    member = Client(base_url).sign_in(MEMBER, PASSWORD)
    anonymous = Client(base_url)
    plans = {}
    endpoints = [endpoint for endpoint in ENDPOINTS if selected(endpoint[0])]
    for name, path, who, _public in endpoints:
        client = member if who else anonymous
        headers = BROWSER | ({"Cookie": client.cookie_header} if who else {})
        plans[name] = (
            client,
            path.format(**cursors),
            wrk.Plan(reads=[("GET", path.format(**cursors), headers, None)], unique="first request" in name),
        )
    hello = wrk.Plan(reads=[("GET", "/bench/hello", BROWSER, None)])
    results = {"hello (start)": wrk.run(base_url, hello, duration, connections)}
    for name, (client, path, plan) in plans.items():
        warm(client, path)
        results[name] = wrk.run(base_url, plan, duration, connections) | {"path": path}
    if full and selected("sign-in"):
        results["sign-in"] = wrk.run(base_url, sign_in_plan(base_url), duration, connections) | {"path": "/sign-in"}
    for name, write_share in MIXES.items():
        if full and selected(name):
            plan = write_plan(base_url, member, write_share)
            results[name] = wrk.run(base_url, plan, duration, connections) | {"path": "mix"}
            time.sleep(SETTLE_SECONDS)
    results["hello (end)"] = wrk.run(base_url, hello, duration, connections)
    for name, (client, path, plan) in plans.items():
        results[name]["statements"] = statements(client, path, plan.unique)
    for name, _path, _who, public in endpoints:
        if public:
            results[name]["weight_kb"] = round(anonymous.weight(plans[name][1]) / 1024, 1)
    return results


def warm(client: Client, path: str) -> None:
    """Templates compiled and caches filled in every worker: concurrent requests keep all of them busy. A PDF
    being prepared (202) is asked for again until a job worker has stored it: the benchmark serves stored PDFs."""
    deadline = time.monotonic() + PDF_WAIT_SECONDS
    while client.request(path)[0] == 202:
        if time.monotonic() > deadline:
            raise RuntimeError(f"{path} was still being prepared after {PDF_WAIT_SECONDS} s")
        time.sleep(0.5)
    with ThreadPoolExecutor(2 * WORKERS) as pool:
        for _round in range(2):
            list(pool.map(client.request, [path] * 2 * WORKERS))


def statements(client: Client, path: str, unique: bool) -> int | None:
    """SQL statements of one request: a first request for ``unique`` paths, else once every worker is warm."""
    if unique:
        return client.statements(path + ("&" if "?" in path else "?") + f"nocache=probe-{time.monotonic_ns()}")
    counts = [client.statements(path) for _ in range(2 * WORKERS)]
    return min((count for count in counts if count is not None), default=None)


def bench_database(kind: str, incidents: int, settings: dict, workdir: Path, full: bool) -> dict:
    started = time.monotonic()
    env = prepare(kind, incidents, settings["server_url"], workdir)
    loaded = time.monotonic() - started
    app = bench_app(env)
    cursors = deep_cursors(app)
    pdf_renders = pdfs.first_renders(app) if full else None
    log = workdir / f"gunicorn-{kind}-{incidents}.log"
    with gunicorn(env, PORT, log) as base_url:
        first = Client(base_url)
        before = time.monotonic()
        first.request("/tracker/")
        first_request_ms = round((time.monotonic() - before) * 1000, 1)
        for attempt in range(1, ATTEMPTS + 1):
            results = measure(base_url, cursors, settings["duration"], settings["connections"], full)
            start, end = results["hello (start)"]["rps"], results["hello (end)"]["rps"]
            drift = abs(start - end) / max(start, end)
            print(f"  {kind} {incidents}: attempt {attempt}, hello {start:.0f} then {end:.0f} req/s", flush=True)
            if drift <= HELLO_DRIFT:
                break
    server_log = log.read_text()
    return {
        "database": kind,
        "incidents": incidents,
        "load_seconds": round(loaded),
        "attempts": attempt,
        "hello_drift": round(drift, 3),
        "first_request_ms": first_request_ms,
        "deep_pages": cursors,
        "letter_pdf_first_render": pdf_renders,
        "database_locked": server_log.count("database is locked"),
        "worker_crashes": server_log.count("was sent SIG"),
        "endpoints": results,
    }


def machine() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
    }


def main() -> None:
    settings = {
        "incidents": int(os.environ.get("BENCH_INCIDENTS") or 100_000),
        "small_incidents": int(os.environ.get("BENCH_SMALL_INCIDENTS") or 1000),
        "duration": int(os.environ.get("BENCH_DURATION") or 10),
        "connections": int(os.environ.get("BENCH_CONNECTIONS") or 8),
        "databases": (os.environ.get("BENCH_DATABASES") or "sqlite postgresql").split(),
        "server_url": os.environ.get("BENCH_DATABASE_URL") or "postgresql://postgres@127.0.0.1:5432/postgres",
        "workers": WORKERS,
        "wrk_threads": wrk.THREADS,
    }
    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="coalition-bench-"))
    runs = []
    for kind in settings["databases"]:
        print(f"{kind}: {settings['incidents']} incidents", flush=True)
        runs.append(bench_database(kind, settings["incidents"], settings, workdir, full=True))
        if settings["small_incidents"]:
            print(f"{kind}: {settings['small_incidents']} incidents (growth check)", flush=True)
            runs.append(bench_database(kind, settings["small_incidents"], settings, workdir, full=False))
    results = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "settings": settings | {"server_url": "(not recorded)"},
        "rate_limits": "sign-in limits raised to 1000000 per minute in benchmark mode",
        "runs": runs,
        "minutes": round((time.monotonic() - started) / 60, 1),
    }
    if os.environ.get("BENCH_ONLY"):
        print(report.table(results))
        print(f"Logs and databases in {workdir}; a partial run (BENCH_ONLY): bench/results.* left as they are.")
        return
    results["budgets"] = report.budgets(results)
    (ROOT / "bench" / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    markdown = report.markdown(results)
    (ROOT / "bench" / "results.md").write_text(markdown)
    print(markdown)
    print(f"Logs and databases in {workdir}; took {results['minutes']} minutes.")


if __name__ == "__main__":
    main()
