"""``/healthz`` is liveness (the process answers, nothing else is touched); ``/readyz`` is readiness, each part
named: database, Redis, file store, job backlog."""

from app.core import jobs
from tests.s3 import object_keys

ALL_READY = {
    "status": "ok",
    "checks": {
        "database": {"status": "ok"},
        "redis": {"status": "not configured"},
        "storage": {"status": "ok"},
        "jobs": {"status": "ok"},
    },
}


def test_healthz_answers_without_touching_the_database(make_app, tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/missing-dir/nothing.db")
    response = app.test_client().get("/healthz")
    assert (response.status_code, response.get_json()) == (200, {"status": "ok"})
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_names_every_part_when_all_are_ready(client, evidence_dir):
    response = client.get("/readyz")
    assert (response.status_code, response.get_json()) == (200, ALL_READY)
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_answers_503_naming_the_database_when_it_is_unreachable(make_app, tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/missing-dir/nothing.db")
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "unavailable"
    assert response.get_json()["checks"]["database"] == {"status": "unavailable"}


def test_readyz_answers_503_naming_redis_once_it_stops(app, client, evidence_dir, redis_server):
    app.config["REDIS_URL"] = redis_server.url
    assert client.get("/readyz").get_json()["checks"]["redis"] == {"status": "ok"}
    redis_server.stop()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"] == ALL_READY["checks"] | {"redis": {"status": "unavailable"}}
    assert str(redis_server.port) not in response.get_data(as_text=True)  # no address in a public answer


def test_readyz_answers_503_when_the_job_backlog_passes_its_threshold(app, client, evidence_dir):
    app.config["READY_MAX_JOB_BACKLOG"] = 2
    for number in range(3):
        jobs.defer("outbox.deliver", queueing_lock=f"backlog-{number}")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["jobs"] == {"status": "unavailable"}
    app.config["READY_MAX_JOB_BACKLOG"] = 3
    assert client.get("/readyz").status_code == 200


def test_readyz_answers_503_when_the_file_store_cannot_be_written(app, client, tmp_path):
    (tmp_path / "a-file").write_text("not a folder")
    app.config["EVIDENCE_DIR"] = str(tmp_path / "a-file" / "evidence")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["storage"] == {"status": "unavailable"}


def test_readyz_asks_the_bucket_without_writing_to_it(app, client, s3_store):
    assert client.get("/readyz").get_json()["checks"]["storage"] == {"status": "ok"}
    assert object_keys(s3_store.bucket) == []
    app.config["STORAGE_URL"] = "s3://no-such-bucket/coalition"
    response = client.get("/readyz")
    assert (response.status_code, response.get_json()["checks"]["storage"]) == (503, {"status": "unavailable"})


def test_pages_answer_translated_503_when_database_is_unreachable(make_app, tmp_path, translate):
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/missing-dir/nothing.db")
    response = app.test_client().get("/?lang=fr")
    assert response.status_code == 503
    assert translate("fr", "Temporarily unavailable", html=True) in response.get_data(as_text=True)
