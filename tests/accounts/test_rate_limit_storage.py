"""Rate limits are shared between workers through Redis when RATELIMIT_STORAGE_URI says so."""

import uuid

import pytest
import redis

from app.extensions import cache

REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def redis_url():
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip("no Redis server on 127.0.0.1:6379 (.ci/run starts one)")
    prefix = f"coalition-test-{uuid.uuid4().hex[:8]}"
    yield REDIS_URL, prefix
    for key in client.scan_iter(f"*{prefix}*"):
        client.delete(key)
    client.close()


def test_failures_counted_in_redis_limit_every_worker(make_app, personas, redis_url):
    url, prefix = redis_url
    settings = {"RATELIMIT_STORAGE_URI": url, "RATELIMIT_KEY_PREFIX": prefix, "SIGN_IN_RATE_LIMIT": "2 per minute"}
    first_worker, second_worker = make_app(**settings), make_app(**settings)
    data = {"email": "member.a@example.org", "password": "wrong password"}
    assert first_worker.test_client().post("/sign-in", data=data).status_code == 200
    assert second_worker.test_client().post("/sign-in", data=data).status_code == 200
    assert first_worker.test_client().post("/sign-in", data=data).status_code == 429
    assert any(redis.Redis.from_url(url).scan_iter(f"*{prefix}*")), "the counters live in Redis"


def test_one_redis_url_shares_limits_and_cached_pages_between_workers(make_app, personas, redis_url):
    url, prefix = redis_url
    settings = {"REDIS_URL": url, "RATELIMIT_KEY_PREFIX": prefix, "CACHE_KEY_PREFIX": f"{prefix}:"}
    first_worker, second_worker = (make_app(SIGN_IN_RATE_LIMIT="2 per minute", **settings) for _ in range(2))
    data = {"email": "member.a@example.org", "password": "wrong password"}
    for worker in (first_worker, second_worker):
        assert worker.test_client().post("/sign-in", data=data).status_code == 200
    assert first_worker.test_client().post("/sign-in", data=data).status_code == 429
    with first_worker.app_context():
        cache.set("drawn-page", "drawn by the first worker")
    with second_worker.app_context():
        assert cache.get("drawn-page") == "drawn by the first worker"
