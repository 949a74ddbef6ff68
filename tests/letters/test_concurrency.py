"""One signature per organization when colleagues sign at the same moment: the database's unique constraint
decides, and the service turns the loser's violation into LetterError('already_signed')."""

import threading

import pytest
from sqlalchemy import func, select

from app.accounts.models import User
from app.extensions import db
from app.letters import services
from app.letters.models import Letter, Signature
from tests.helpers import at_once, needs_concurrent_writers

COLLEAGUES = 8


@pytest.fixture
def open_letter(make_letter):
    return make_letter(demands=["Publish an appeals process"])


def signature_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Signature))


def test_colleagues_signing_at_the_same_moment_leave_one_signature(app, open_letter, personas, person_factory):
    needs_concurrent_writers()
    signer_ids = [person_factory("signatory", personas["org_a"]).id for _ in range(COLLEAGUES)]
    letter_id = open_letter.id
    db.session.commit()
    barrier = threading.Barrier(COLLEAGUES, timeout=30)

    def sign_as(user_id: int) -> str:
        user, letter = db.session.get(User, user_id), db.session.get(Letter, letter_id)
        barrier.wait()
        try:
            services.sign(user, letter, "en")
        except services.LetterError as error:
            return error.code if error.signature is not None else f"{error.code} without signature"
        db.session.commit()
        return "signed"

    outcomes = at_once(app, sign_as, signer_ids)
    assert sorted(outcomes, key=str) == ["already_signed"] * (COLLEAGUES - 1) + ["signed"]
    assert signature_count() == 1
    assert db.session.scalar(select(Signature.signer_id)) in signer_ids


def test_editors_saving_from_the_same_version_at_once_get_one_save_and_conflicts(app, open_letter, person_factory):
    needs_concurrent_writers()
    editor_ids = [person_factory("signatory", steering=True).id for _ in range(4)]
    letter_id, loaded_with = open_letter.id, open_letter.edit_version
    db.session.commit()
    barrier = threading.Barrier(len(editor_ids), timeout=30)

    def save_as(user_id: int) -> str:
        user, letter = db.session.get(User, user_id), db.session.get(Letter, letter_id)
        barrier.wait()
        try:
            services.save_text(user, letter, "en", f"Version by {user_id}", "Body", [], True, loaded_with)
        except services.LetterError as error:
            return error.code
        db.session.commit()
        return "saved"

    outcomes = at_once(app, save_as, editor_ids)
    assert sorted(outcomes, key=str) == ["conflict"] * (len(editor_ids) - 1) + ["saved"]
    db.session.expire_all()
    assert [revision.number for revision in db.session.get(Letter, letter_id).revisions] == [1, 2]


def test_two_colleagues_signing_one_after_the_other_leave_one_signature(open_letter, personas):
    first = services.sign(personas["signatory_a"], open_letter, "en")
    db.session.commit()
    with pytest.raises(services.LetterError) as refused:
        services.sign(personas["org_admin_a"], open_letter, "en")
    assert refused.value.code == "already_signed" and refused.value.signature.id == first.id
    db.session.rollback()
    assert signature_count() == 1


def test_constraint_violation_is_contained_in_a_savepoint(open_letter, personas, monkeypatch):
    """The colleague whose check ran before the first signature was committed: the insert fails, the
    transaction survives, and the error carries the signature that won."""
    first = services.sign(personas["signatory_a"], open_letter, "en")
    db.session.commit()
    looked_up = services._signature_of
    checks = []

    def missed_on_first_check(letter, organization_id):
        checks.append(organization_id)
        return None if len(checks) == 1 else looked_up(letter, organization_id)

    monkeypatch.setattr(services, "_signature_of", missed_on_first_check)
    with pytest.raises(services.LetterError) as refused:
        services.sign(personas["org_admin_a"], open_letter, "en")
    assert refused.value.code == "already_signed" and refused.value.signature.id == first.id
    assert signature_count() == 1  # the session is still usable: only the savepoint was rolled back
    db.session.commit()
    assert signature_count() == 1
