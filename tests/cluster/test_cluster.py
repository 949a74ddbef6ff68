"""Two app nodes behind a round-robin balancer, on one PostgreSQL database, one Redis and one S3-compatible bucket,
configured as production is (tests/cluster/conftest.py): what one node does, every node sees, and losing a node
loses nothing it acknowledged.

Without PostgreSQL, Redis or nginx the tests are skipped, saying which; with CLUSTER_REQUIRED=1 (as .ci/run sets)
they fail instead. They run once, in the first (SQLite) pass of ``make test``.
"""

import hashlib
import io
import os
import threading
import time

import pytest
import requests
from PIL import Image

from app.core import jobs
from app.core.storage_s3 import S3Backend
from app.extensions import db
from tests.cluster.processes import SECRET_KEY
from tests.cluster.requirements import missing
from tests.cluster.seed import meeting_due_for_reminder
from tests.maintenance.samples import gps_photo
from tests.reliability.server import at_once

if os.environ.get("TEST_DATABASE_URL"):
    pytest.skip("the cluster test runs once, in the SQLite pass of make test", allow_module_level=True)
if absent := missing():
    if os.environ.get("CLUSTER_REQUIRED") == "1":
        raise RuntimeError(f"CLUSTER_REQUIRED=1 but the cluster test cannot run without {', '.join(absent)}")
    pytest.skip(f"cluster test skipped: no {', '.join(absent)}", allow_module_level=True)

GPS = 0x8825  # the EXIF directory of GPS tags
REMINDERS = "meetings.remind"  # the periodic job that reminds invitees of tomorrow's meetings


def incident(title: str) -> dict:
    return {
        "title": title,
        "platform": "facebook",
        "categories": ["hate_speech"],
        "language": "en",
        "country": "KE",
        "first_seen_on": "2026-05-01",
        "severity": "2",
    }


def served_by(cluster, response) -> str:
    """The node that answered through the balancer (its name), from the balancer's X-Upstream header: the last of
    the nodes it tried (it tries the next one when a node refuses the connection)."""
    ports = {f"127.0.0.1:{node.port}": node.name for node in cluster.nodes}
    return ports[response.headers["X-Upstream"].split(", ")[-1]]


def test_evidence_is_stored_once_in_the_bucket_and_every_node_serves_the_same_stripped_copy(cluster):
    member = cluster.seeded.bearer("member")
    balancer = cluster.browser()
    filed = balancer.post("/api/v1/incidents", json=incident("Photo of a threat"), headers=member)
    assert filed.status_code == 201, filed.text
    reference = filed.json()["reference"]
    photo = gps_photo()
    uploaded = balancer.post(
        f"/api/v1/incidents/{reference}/evidence", files={"file": ("photo.jpg", photo)}, headers=member
    )
    assert uploaded.status_code == 201, uploaded.text
    path = f"/api/v1/incidents/{reference}/evidence/{uploaded.json()['id']}"

    copies, originals, answered = [], [], set()
    for node in cluster.nodes:
        direct = cluster.browser(node.url)
        copies.append(direct.get(f"{path}/view", headers=member))
        originals.append(direct.get(f"{path}/original", headers=member))
    for _attempt in range(10):  # round robin: both nodes answer within a few requests
        copies.append(response := balancer.get(f"{path}/view", headers=member))
        answered.add(served_by(cluster, response))
        if len(answered) == len(cluster.nodes):
            break
    assert answered == {node.name for node in cluster.nodes}
    assert [response.status_code for response in copies + originals] == [200] * (len(copies) + len(originals))
    stripped = copies[0].content
    assert stripped != photo
    assert {response.content for response in copies} == {stripped}
    assert Image.open(io.BytesIO(stripped)).getexif().get_ifd(GPS) == {}
    assert Image.open(io.BytesIO(photo)).getexif().get_ifd(GPS) != {}
    assert {response.content for response in originals} == {photo}
    # The sealed original and the stripped copy, once each; any other object is a PDF a worker rendered.
    names = S3Backend.from_url(f"s3://{cluster.bucket}/coalition", SECRET_KEY)
    evidence = {names.key(hashlib.sha256(content).hexdigest()) for content in (photo, stripped)}
    pdfs = {names.key(sha256) for (sha256,) in cluster.query("SELECT sha256 FROM rendered_pdfs")}
    assert set(cluster.stored_objects()) - pdfs == evidence
    assert cluster.files_on_local_disks() == []


def test_a_cookie_copied_before_sign_out_is_refused_by_every_node(cluster):
    browser = cluster.browser()
    signed_in = browser.submit(
        "/sign-in", "/sign-in", {"email": cluster.seeded.member_email, "password": cluster.seeded.password}
    )
    assert signed_in.status_code == 302 and signed_in.headers["Location"] == "/"
    copied = {"Cookie": f"session={browser.cookies['session']}"}
    for node in cluster.nodes:
        assert cluster.browser(node.url).get("/account/", headers=copied).status_code == 200

    signed_out = browser.submit("/account/", "/sign-out", {})
    assert signed_out.status_code == 302

    for url in [node.url for node in cluster.nodes] + [cluster.url]:
        refused = cluster.browser(url).get("/account/", headers=copied)
        assert refused.status_code == 302
        assert refused.headers["Location"].startswith("/sign-in")


def test_colleagues_signing_at_once_on_both_nodes_leave_one_signature(cluster):
    seeded = cluster.seeded
    path = f"/api/v1/letters/{seeded.signing_letter}/signatures"
    signatories = [name for name in seeded.tokens if name.startswith("signatory")]

    def sign(index: int) -> requests.Response:
        return cluster.browser().post(path, headers=seeded.bearer(signatories[index % len(signatories)]))

    responses = at_once(20, sign)
    assert sorted(response.status_code for response in responses) == [201] + [409] * 19
    assert {served_by(cluster, response) for response in responses} == {node.name for node in cluster.nodes}
    signatures = cluster.query(
        "SELECT count(*) FROM signatures JOIN letters ON letters.id = signatures.letter_id WHERE slug = :slug",
        slug=seeded.signing_letter,
    )
    assert signatures == [(1,)]


def test_a_public_page_cached_on_every_node_changes_on_all_within_two_seconds(cluster):
    seeded = cluster.seeded
    page = f"/letters/{seeded.cached_letter}"
    readers = [cluster.browser(node.url) for node in cluster.nodes]
    for reader in readers:
        for _twice in range(2):  # drawn, then served from the cache
            response = reader.get(page)
            assert response.status_code == 200 and seeded.second_org_name not in response.text
    assert len(cluster.redis_keys(f"*:{page}?")) == 1  # one copy in Redis, shared by the nodes

    signing_node, *others = cluster.nodes
    signed = cluster.browser(signing_node.url).post(
        f"/api/v1/letters/{seeded.cached_letter}/signatures", headers=seeded.bearer("second")
    )
    assert signed.status_code == 201, signed.text
    changed_at = time.monotonic()

    for reader in [cluster.browser(node.url) for node in others] + readers[:1]:
        while seeded.second_org_name not in reader.get(page).text:
            assert time.monotonic() - changed_at < 2, f"{reader.url} still shows the old page"
            time.sleep(0.05)


def test_a_periodic_job_run_by_two_workers_at_once_queues_each_email_once(cluster):
    """The meeting seeded due for its reminder was in the database before the two workers started side by side:
    both reached the reminder job's first tick at once. A second meeting is then made due and four runs of the
    job are queued together, so both workers run it at the same moment. Each invitee is reminded once of each."""
    with cluster.app_context():
        db.session.add(meeting_due_for_reminder(cluster.seeded, "Second call"))
        db.session.commit()
        for _run in range(4):
            jobs.defer(REMINDERS, timestamp=int(time.time()))
    deadline = time.monotonic() + 30
    while cluster.query(
        "SELECT count(*) FROM procrastinate_jobs WHERE task_name = :job AND status IN ('todo', 'doing')", job=REMINDERS
    ) != [(0,)] or cluster.query("SELECT count(*) FROM meetings WHERE reminded_at IS NULL") != [(0,)]:
        assert time.monotonic() < deadline, "the workers did not run the reminders in time"
        time.sleep(0.1)
    reminded = cluster.query("SELECT recipient FROM outbox_messages WHERE template = 'meeting_reminder'")
    assert sorted(recipient for (recipient,) in reminded) == sorted(cluster.seeded.invited * 2)
    for worker in cluster.workers:
        assert f"Starting job {REMINDERS}" in worker.log(), f"{worker.name} never ran the job"
    assert cluster.query("SELECT count(*) FROM job_failures") == [(0,)]


def test_killing_a_node_during_a_stream_of_writes_loses_nothing_acknowledged(cluster):
    """Four writers file incidents through the balancer; one node dies (SIGKILL) part way. Writes it was answering
    may fail, but every write acknowledged with a 2xx is in the database, and the balancer goes on with the other
    node."""
    member = cluster.seeded.bearer("member")
    victim = cluster.nodes[1]
    acknowledged: list[tuple[str, str, float]] = []  # title, node, when
    failed: list[int] = []
    lock = threading.Lock()

    def write(writer: int) -> None:
        browser = cluster.browser()
        for number in range(25):
            title = f"Write {writer}-{number}"
            try:
                response = browser.post("/api/v1/incidents", json=incident(title), headers=member)
            except requests.RequestException:
                response = None
            with lock:
                if response is not None and 200 <= response.status_code < 300:
                    acknowledged.append((title, served_by(cluster, response), time.monotonic()))
                else:
                    failed.append(response.status_code if response is not None else 0)

    writers = [threading.Thread(target=write, args=(writer,)) for writer in range(4)]
    for thread in writers:
        thread.start()
    try:
        while len(acknowledged) < 20:
            assert any(thread.is_alive() for thread in writers)
            time.sleep(0.01)
        victim.kill()
        killed_at = time.monotonic()
    finally:
        for thread in writers:
            thread.join(timeout=120)
    try:
        assert victim.name in {node for _title, node, when in acknowledged if when < killed_at}
        after = [title for title, _node, when in acknowledged if when > killed_at + 0.5]
        assert len(after) >= 20, f"{len(after)} writes acknowledged after the kill; failures: {failed}"
        assert len(acknowledged) + len(failed) == 100
        assert set(failed) <= {502}, failed  # the balancer's answer for a request the dead node dropped
        stored = {title for (title,) in cluster.query("SELECT title FROM incidents")}
        assert {title for title, _node, _when in acknowledged} <= stored
    finally:
        victim.start()
