"""The audit trail: hash-chained, tamper-evident, append-only, with truncated addresses."""

import pytest
from sqlalchemy import delete, insert, select, update

from app.core import audit
from app.core.access import SIGNED_IN, allow
from app.core.audit import GENESIS_HASH, AuditEntry, record, truncate_ip, verify_chain
from app.extensions import db

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


@pytest.fixture
def chain(app, organization_factory):
    """Four committed entries, oldest first."""
    organization = organization_factory()
    entries = [
        record("organization_created", target=organization, steering=False),
        record("organization_updated", target=organization, fields=["name", "website"]),
        record("organization_suspended", target=organization),
        record("organization_reinstated", target=organization, note="appeal upheld"),
    ]
    db.session.commit()
    return entries


def verify(app):
    """Run ``flask audit verify`` on what the database holds now."""
    db.session.expire_all()
    return app.test_cli_runner().invoke(args=["audit", "verify"])


def test_each_entry_follows_the_one_before(chain):
    assert chain[0].prev_hash == GENESIS_HASH
    assert [entry.prev_hash for entry in chain[1:]] == [entry.entry_hash for entry in chain[:-1]]
    assert len({entry.entry_hash for entry in chain}) == len(chain)
    db.session.expire_all()
    assert verify_chain() == []


def test_verify_command_reports_an_intact_trail(app, chain):
    result = verify(app)
    assert result.exit_code == 0, result.output
    assert "The audit trail is intact" in result.output


def test_verify_command_accepts_an_empty_trail(app):
    result = verify(app)
    assert result.exit_code == 0
    assert "intact" in result.output


def test_changed_details_are_detected(app, chain):
    target = chain[1]
    db.session.execute(update(AuditEntry).where(AuditEntry.id == target.id).values(details={"fields": ["name"]}))
    db.session.commit()
    result = verify(app)
    assert result.exit_code != 0
    assert f"entry {target.id}: content changed after it was written" in result.output
    assert "intact" not in result.output


def test_changed_actor_is_detected(app, chain, personas):
    target = chain[2]
    db.session.execute(update(AuditEntry).where(AuditEntry.id == target.id).values(actor_id=personas["admin"].id))
    db.session.commit()
    db.session.expire_all()
    assert verify_chain() == [f"entry {target.id}: content changed after it was written"]


def test_deleted_entry_is_detected(app, chain):
    removed, following = chain[1], chain[2]
    db.session.execute(delete(AuditEntry).where(AuditEntry.id == removed.id))
    db.session.commit()
    result = verify(app)
    assert result.exit_code != 0
    assert f"entry {following.id}: does not follow the entry before it" in result.output


def test_inserted_entry_is_detected_even_when_its_own_hash_is_valid(app, chain):
    second, third, fourth = chain[1], chain[2].id, chain[3].id
    # Make room after the second entry without breaking the chain (the id is not hashed) ...
    for entry_id in (fourth, third):
        db.session.execute(update(AuditEntry).where(AuditEntry.id == entry_id).values(id=entry_id + 10))
    db.session.commit()
    assert verify(app).exit_code == 0
    # ... then slip in an entry that correctly claims to follow the second one.
    forged = AuditEntry(
        created_at=second.created_at,
        action="roles_changed",
        object_type="User",
        object_id="1",
        details={"after": {"admin": True}},
        prev_hash=second.entry_hash,
    )
    forged.entry_hash = forged.compute_hash()
    db.session.execute(
        insert(AuditEntry).values(
            id=third,
            created_at=forged.created_at,
            action=forged.action,
            object_type=forged.object_type,
            object_id=forged.object_id,
            details=forged.details,
            prev_hash=forged.prev_hash,
            entry_hash=forged.entry_hash,
        )
    )
    db.session.commit()
    result = verify(app)
    assert result.exit_code != 0
    assert f"entry {third + 10}: does not follow the entry before it" in result.output
    assert f"entry {third}:" not in result.output, "the forged entry is consistent in itself"


def test_appended_entry_with_a_made_up_hash_is_detected(app, chain):
    db.session.execute(
        insert(AuditEntry).values(
            created_at=chain[-1].created_at,
            action="sign_in",
            details={},
            prev_hash=chain[-1].entry_hash,
            entry_hash="f" * 64,
        )
    )
    db.session.commit()
    result = verify(app)
    assert result.exit_code != 0
    assert "content changed after it was written" in result.output


@pytest.mark.parametrize(
    "address, prefix",
    [
        ("203.0.113.77", "203.0.113.0/24"),
        ("198.51.100.1", "198.51.100.0/24"),
        ("2001:db8:abcd:12:34:56:78:9a", "2001:db8:abcd::/48"),
        ("2001:db8::1", "2001:db8::/48"),
        ("::ffff:203.0.113.77", "203.0.113.0/24"),  # an IPv4 client seen by a dual-stack server
        ("not an address", None),
        ("203.0.113", None),
        ("203.0.113.77, 10.0.0.1", None),
        ("", None),
        (None, None),
    ],
)
def test_addresses_are_truncated(address, prefix):
    assert truncate_ip(address) == prefix


def test_entries_outside_a_request_have_no_address_and_no_default_actor(app, personas):
    entry = record("person_created", target=personas["member_a"])
    assert entry.ip_prefix is None and entry.actor_id is None
    assert (entry.object_type, entry.object_id) == ("User", str(personas["member_a"].id))
    explicit = record("person_created", target=personas["member_b"], actor=personas["admin"], note=None)
    assert explicit.actor_id == personas["admin"].id
    assert explicit.details == {}, "details given as None are left out"


@pytest.fixture
def probe(app):
    """A route that records an entry for whoever calls it, as any view would."""

    @allow(SIGNED_IN)
    def record_probe():
        audit.record("probe", target=None, reason="test")
        db.session.commit()
        return "recorded"

    app.add_url_rule("/probe", "record_probe", record_probe, methods=["POST"])
    return "/probe"


@pytest.mark.fresh_app
def test_record_in_a_request_uses_the_signed_in_person_and_a_truncated_address(app, login, personas, probe):
    client = login("member_a")
    response = client.post(probe, environ_base={"REMOTE_ADDR": "203.0.113.77"})
    assert response.status_code == 200
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "probe"))
    assert entry.actor_id == personas["member_a"].id
    assert entry.ip_prefix == "203.0.113.0/24"
    assert entry.details == {"reason": "test"}
    stored = " ".join(str(value) for value in db.session.execute(select(AuditEntry.__table__)).all())
    assert "203.0.113.77" not in stored
    assert verify_chain() == []


@pytest.mark.fresh_app
def test_record_in_a_request_over_ipv6_keeps_a_48(app, login, personas, probe):
    login("steering").post(probe, environ_base={"REMOTE_ADDR": "2001:db8:abcd:12::77"})
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "probe"))
    assert (entry.actor_id, entry.ip_prefix) == (personas["steering"].id, "2001:db8:abcd::/48")


def test_no_route_changes_the_audit_trail(app):
    writable = [
        (rule.rule, rule.endpoint)
        for rule in app.url_map.iter_rules()
        if WRITE_METHODS & set(rule.methods or ())
        and ("audit" in rule.rule.lower() or "audit" in rule.endpoint.lower())
    ]
    assert writable == []
    readable = [rule.rule for rule in app.url_map.iter_rules() if "audit" in rule.rule]
    assert readable, "the audit trail page exists (and is read-only)"


def test_search_pages_newest_first_by_keyset(app, organization_factory):
    organization = organization_factory()
    entries = [
        record("organization_updated", target=organization, number=number) for number in range(audit.PAGE_SIZE + 5)
    ]
    record("sign_in")
    db.session.commit()
    first, next_before = audit.search(action="organization_updated")
    assert [entry.id for entry in first] == [entry.id for entry in reversed(entries)][: audit.PAGE_SIZE]
    assert next_before == first[-1].id
    second, after_second = audit.search(action="organization_updated", before_id=next_before)
    assert [entry.id for entry in second] == [entry.id for entry in reversed(entries)][audit.PAGE_SIZE :]
    assert after_second is None
