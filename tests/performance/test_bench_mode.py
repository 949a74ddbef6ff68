"""Benchmark mode (`make bench` only) adds a hello page and a SQL statement count; the app has neither otherwise."""


def test_benchmark_mode_serves_hello_and_counts_each_requests_statements(make_app):
    client = make_app(BENCHMARK=True).test_client()
    hello = client.get("/bench/hello")
    assert hello.status_code == 200 and hello.get_data(as_text=True) == "hello"
    assert hello.headers["X-SQL-Statements"] == "0"
    assert int(client.get("/members").headers["X-SQL-Statements"]) >= 1


def test_without_benchmark_mode_there_is_no_hello_page_and_no_count(client):
    assert client.get("/bench/hello").status_code == 404
    assert "X-SQL-Statements" not in client.get("/members").headers
