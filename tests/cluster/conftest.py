"""A cluster as production runs one: an S3-compatible store (moto's server), a scratch PostgreSQL database, a Redis
database of its own, two gunicorn app nodes, two job workers and Debian's nginx balancing between the nodes,
round robin.

Everything is started once for the module and stopped at its end, even when a test or the start itself fails.
"""

import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from threading import Thread

import boto3
import pytest
import redis
from sqlalchemy import create_engine, text

from tests.cluster.client import Browser
from tests.cluster.processes import Node, Process, Worker, flask, production_environment
from tests.cluster.requirements import DATABASE_SERVER, REDIS_SERVER
from tests.cluster.seed import Seeded, seed
from tests.conftest import app_config
from tests.databases import scratch_database
from tests.reliability.server import Nginx

NODES = 2
WORKERS = 2
CLAIM = "coalition-cluster-test"


@dataclass
class Cluster:
    """The running cluster: its nodes, the balancer's address, the seeded data and the bucket."""

    nodes: list[Node]
    url: str
    seeded: Seeded
    database_url: str
    redis_url: str
    bucket: str
    operator: Path  # the instance folder of the operator's commands (migrations)
    processes: list[Process] = field(default_factory=list)

    @property
    def workers(self) -> list[Worker]:
        return [process for process in self.processes if isinstance(process, Worker)]

    def browser(self, url: str | None = None) -> Browser:
        return Browser(url or self.url)

    def query(self, sql: str, **parameters) -> list[tuple]:
        """The rows of a query on the cluster's database."""
        engine = create_engine(self.database_url)
        try:
            with engine.connect() as connection:
                return [tuple(row) for row in connection.execute(text(sql), parameters)]
        finally:
            engine.dispose()

    def wait_for_workers(self, count: int) -> None:
        """Until ``count`` job workers have registered with the queue."""
        deadline = time.monotonic() + 60
        while self.query("SELECT count(*) FROM procrastinate_workers") != [(count,)]:
            for process in self.processes:
                assert process.running(), f"{process.name} exited:\n{process.log()}"
            assert time.monotonic() < deadline, "the job workers did not start in time"
            time.sleep(0.1)

    @contextmanager
    def app_context(self):
        """An app of the test's own on the cluster's database and job queue, in its app context."""
        from app import create_app
        from app.core import jobs
        from app.extensions import db

        app = create_app(app_config(self.database_url, JOB_QUEUE="postgresql"))
        with app.app_context():
            try:
                yield app
            finally:
                jobs.queue().procrastinate.close()
                db.session.remove()
                db.engine.dispose()

    def redis_keys(self, pattern: str) -> list[str]:
        client = redis.Redis.from_url(self.redis_url)
        try:
            return sorted(key.decode() for key in client.scan_iter(match=pattern))
        finally:
            client.close()

    def stored_objects(self) -> list[str]:
        listing = boto3.client("s3").list_objects_v2(Bucket=self.bucket)
        return [entry["Key"] for entry in listing.get("Contents", [])]

    def files_on_local_disks(self) -> list[Path]:
        return [path for process in self.processes for path in process.stored_files()] + sorted(
            path for path in self.operator.rglob("*") if path.is_file()
        )


@pytest.fixture(scope="module")
def redis_url():
    """A Redis database no one else uses (claimed with a key, among 1 to 14), emptied at the end."""
    for number in range(1, 15):
        client = redis.Redis(*REDIS_SERVER, db=number)
        if client.set(CLAIM, uuid.uuid4().hex, nx=True, ex=3600):
            if client.dbsize() == 1:  # nothing but the claim: no one else's database
                try:
                    yield f"redis://{REDIS_SERVER[0]}:{REDIS_SERVER[1]}/{number}"
                finally:
                    client.flushdb()
                    client.close()
                return
            client.delete(CLAIM)
        client.close()
    raise RuntimeError("no free Redis database among 1 to 14 on 127.0.0.1:6379")


@pytest.fixture(scope="module")
def cluster_database(tmp_path_factory):
    with scratch_database(DATABASE_SERVER, tmp_path_factory.mktemp("cluster-db")) as url:
        yield url


@pytest.fixture(scope="module")
def bucket(s3_endpoint) -> str:
    name = f"cluster-{uuid.uuid4().hex[:16]}"
    boto3.client("s3").create_bucket(Bucket=name)
    return name


def start_all(processes: list[Process]) -> None:
    """Start processes side by side (each waits until it answers); raises the first failure."""
    errors: list[BaseException] = []

    def start(process: Process) -> None:
        try:
            process.start()
        except BaseException as error:  # noqa: BLE001 - raised again below
            errors.append(error)

    threads = [Thread(target=start, args=(process,)) for process in processes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, cluster_database, redis_url, bucket, s3_endpoint):
    directory = tmp_path_factory.mktemp("cluster")
    environment = production_environment(cluster_database, redis_url, f"s3://{bucket}/coalition", s3_endpoint)
    operator = directory / "operator"
    operator.mkdir()
    flask(environment, "db", "upgrade", instance=operator)
    seeded = seed(cluster_database)
    nodes = [Node(f"node{n}", directory / f"node{n}", environment) for n in range(NODES)]
    workers = [Worker(f"worker{n}", directory / f"worker{n}", environment) for n in range(WORKERS)]
    running = Cluster(nodes, "", seeded, cluster_database, redis_url, bucket, operator, processes=nodes + workers)
    try:
        start_all(nodes + workers)
        running.wait_for_workers(WORKERS)
        (directory / "nginx").mkdir()
        with Nginx(directory / "nginx", [node.port for node in nodes], forwarded_proto="https") as nginx:
            running.url = nginx.url
            yield running
    finally:
        for process in running.processes:  # all at once, then wait for each
            process.terminate()
        for process in running.processes:
            process.stop()
    for process in running.processes:
        assert "Traceback" not in process.log(), f"{process.name}:\n{process.log()[-5000:]}"
    assert running.files_on_local_disks() == []  # whatever the scenarios made went to the bucket
