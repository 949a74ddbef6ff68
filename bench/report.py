"""Budgets (pass or fail) and the Markdown table of a benchmark run."""

import math

PAGES_2000 = (
    ("incidents, page 1", "incidents, page 2000"),
    ("incidents filtered, page 1", "incidents filtered, page 2000"),
    ("public incidents, page 1", "public incidents, page 2000"),
)
MAX_WEIGHT_KB = 100
MAX_GROWTH = 1.3


def hello_rps(run: dict) -> float:
    endpoints = run["endpoints"]
    return (endpoints["hello (start)"]["rps"] + endpoints["hello (end)"]["rps"]) / 2


def cost(run: dict, name: str) -> float:
    """How many hello requests one request of ``name`` costs (throughput against throughput, same run)."""
    rps = run["endpoints"][name]["rps"]
    return hello_rps(run) / rps if rps else math.inf


def _check(kind: str, label: str, value: float | None, limit: float, unit: str, at_least: bool = False) -> dict:
    """A budget's outcome; a value that could not be measured (no request finished) fails."""
    measured = value is not None and math.isfinite(value)
    passed = measured and (value >= limit if at_least else value <= limit)
    sign = "≥" if at_least else "≤"
    return {
        "database": kind,
        "budget": f"{label} {sign} {limit:g}{unit}",
        "value": round(value, 2) if measured else None,
        "passed": passed,
    }


def budgets(results: dict) -> list[dict]:
    checks = []
    large = [run for run in results["runs"] if run["incidents"] == results["settings"]["incidents"]]
    for run in large:
        kind, endpoints = run["database"], run["endpoints"]
        checks += [
            _check(
                kind,
                "cached tracker overview, throughput × hello",
                1 / cost(run, "tracker overview (cached)"),
                0.8,
                "",
                at_least=True,
            ),
            _check(
                kind,
                "tracker overview, first request, cost × hello",
                cost(run, "tracker overview (first request)"),
                15,
                "",
            ),
            _check(
                kind,
                "tracker overview, first request, p95",
                endpoints["tracker overview (first request)"]["p95_ms"],
                50,
                " ms",
            ),
            _check(kind, "filtered incidents list, cost × hello", cost(run, "incidents filtered, page 1"), 6, ""),
            _check(kind, "filtered incidents list, p95", endpoints["incidents filtered, page 1"]["p95_ms"], 25, " ms"),
            _check(kind, "full-text search, p95", endpoints["full-text search"]["p95_ms"], 50, " ms"),
            _check(kind, "public letter, cost × hello", cost(run, "public letter (70 signatories)"), 10, ""),
            _check(kind, "stored letter PDF, cost × hello", cost(run, "stored letter PDF (70 signatories)"), 10, ""),
            _check(kind, "read/write mix, errors", endpoints["90/10 read/write mix"]["errors"], 0, ""),
            _check(kind, "'database is locked' in the server log", run["database_locked"], 0, ""),
            _check(kind, "crashed workers in the server log", run["worker_crashes"], 0, ""),
        ]
        for first, deep in PAGES_2000:
            checks.append(_check(kind, f"{deep} cost ÷ page 1 cost", cost(run, deep) / cost(run, first), 2, "×"))
        for name, values in endpoints.items():
            if "weight_kb" in values:
                checks.append(_check(kind, f"{name}, weight", values["weight_kb"], MAX_WEIGHT_KB, " KB"))
        small = next((other for other in results["runs"] if other["database"] == kind and other is not run), None)
        if small:
            for name in small["endpoints"]:
                if not name.startswith("hello"):
                    checks.append(
                        _check(
                            kind,
                            f"{name}, growth from {small['incidents']:,} to {run['incidents']:,}",
                            cost(run, name) / cost(small, name),
                            MAX_GROWTH,
                            "×",
                        )
                    )
    return checks


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def _table(run: dict) -> list[str]:
    lines = [
        f"**{run['database']}**, {run['incidents']:,} incidents (loaded in {run['load_seconds']} s; hello "
        f"{run['endpoints']['hello (start)']['rps']:.0f} then {run['endpoints']['hello (end)']['rps']:.0f} req/s, "
        f"attempt {run['attempts']}):",
        "",
        "| Endpoint | req/s | p50 ms | p95 ms | p99 ms | SQL/req | errors | cost × hello | weight KB |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, values in run["endpoints"].items():
        statements = values.get("statements")
        lines.append(
            f"| {name} | {values['rps']:.0f} | {_ms(values['p50_ms'])} | {_ms(values['p95_ms'])} | "
            f"{_ms(values['p99_ms'])} | {'' if statements is None else statements} | {values['errors']} | "
            f"{cost(run, name):.1f} | {values.get('weight_kb', '')} |"
        )
    return lines + [""]


def table(results: dict) -> str:
    """The runs' tables alone, without budgets (a partial run)."""
    return "\n".join(line for run in results["runs"] for line in _table(run))


def markdown(results: dict) -> str:
    machine, settings = results["machine"], results["settings"]
    lines = [
        f"Run of {results['date']} on {machine['cpu']} ({machine['cores']} cores, {machine['system']}, "
        f"Python {machine['python']}): gunicorn with {settings['workers']} workers, wrk with "
        f"{settings['wrk_threads']} threads and {settings['connections']} connections for "
        f"{settings['duration']} s per endpoint; {results['rate_limits']}; "
        f"{results['minutes']} minutes in all.",
        "",
    ]
    for run in results["runs"]:
        lines += _table(run)
    failed = [check for check in results["budgets"] if not check["passed"]]
    lines += [f"Budgets: {len(results['budgets']) - len(failed)} passed, {len(failed)} failed.", ""]
    lines += ["| Database | Budget | Value | Result |", "| --- | --- | ---: | --- |"]
    lines += [
        f"| {check['database']} | {check['budget']} | {check['value']} | {'pass' if check['passed'] else 'FAIL'} |"
        for check in results["budgets"]
    ]
    return "\n".join(lines) + "\n"
