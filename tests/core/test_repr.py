"""Every model shows itself briefly in logs and debuggers, and never shows a secret."""

import pyotp

from app.accounts.api_tokens import create_api_token
from app.accounts.models import TokenScope
from app.accounts.passwords import hash_password
from app.extensions import db


def test_every_mapped_class_defines_its_own_repr(app):
    missing = [mapper.class_.__name__ for mapper in db.Model.registry.mappers if "__repr__" not in vars(mapper.class_)]
    assert missing == []


def test_people_and_tokens_show_no_secret(personas):
    person = personas["member_a"]
    person.password_hash = hash_password("correct horse battery staple")
    person.totp_secret = pyotp.random_base32()
    token, secret = create_api_token(person, "tests", TokenScope.WRITE)
    db.session.flush()
    for shown, secrets in (
        (repr(person), (person.password_hash, person.totp_secret)),
        (repr(token), (secret, token.token_hash)),
    ):
        assert shown.startswith("<") and not any(value in shown for value in secrets), shown
