"""`make bench` judges each run against the budgets of docs/performance.md (bench/report.py)."""

from bench import report
from bench.run import ENDPOINTS, MIXES

HELLO_RPS = 3000


def a_run(**rps_by_name) -> dict:
    """A run of 100,000 incidents where every endpoint serves at hello's rate unless named, with no errors."""
    names = ["hello (start)", "hello (end)", *(name for name, *_ in ENDPOINTS), *MIXES]
    endpoints = {name: {"rps": rps_by_name.get(name, HELLO_RPS), "p95_ms": 5.0, "errors": 0} for name in names}
    return {
        "database": "sqlite",
        "incidents": 100_000,
        "endpoints": endpoints,
        "letter_pdf_first_render": {"renders": 20, "p50_ms": 300.0, "p95_ms": 400.0},
        "database_locked": 0,
        "worker_crashes": 0,
    }


def outcomes(run: dict) -> dict[str, bool]:
    results = {"settings": {"incidents": 100_000}, "runs": [run]}
    return {check["budget"]: check["passed"] for check in report.budgets(results)}


def test_a_run_at_hello_s_cost_passes_every_budget():
    assert all(outcomes(a_run()).values())


def test_the_issue_s_goals_are_budgets_that_fail_beyond_them():
    slow = a_run(
        **{
            "API letters": HELLO_RPS / 5.5,
            "stored letter PDF (70 signatories)": HELLO_RPS / 2.5,
            "incidents filtered, page 1 (first request)": HELLO_RPS / 7,
            "full-text search (first request)": HELLO_RPS / 6.5,
        }
    )
    slow["endpoints"]["90/10 read/write mix"]["p95_ms"] = 150.0
    slow["endpoints"]["60/40 read/write mix"]["errors"] = 1
    slow["letter_pdf_first_render"]["p95_ms"] = 1200.0
    failed = sorted(budget for budget, passed in outcomes(slow).items() if not passed)
    assert failed == [
        "60/40 read/write mix, errors ≤ 0",
        "90/10 read/write mix, p95 ≤ 100 ms",
        "API letters, cost × hello ≤ 5",
        "filtered incidents list, first request, cost × hello ≤ 6",
        "full-text search, first request, cost × hello ≤ 6",
        "letter PDF, first render, p95 ≤ 1000 ms",
        "stored letter PDF, cost × hello ≤ 2",
    ]
