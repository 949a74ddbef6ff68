"""Signing in with a second factor and calling the API with a token, as the accounts tests do."""

import re

import pyotp

from tests.conftest import PASSWORD


def current_code(user) -> str:
    return pyotp.TOTP(user.totp_secret).now()


def start_sign_in(client, email):
    return client.post("/sign-in", data={"email": email, "password": PASSWORD})


def enrol(client) -> list[str]:
    """Go through enrolment as the signed-in person; returns the recovery codes shown."""
    page = client.get("/account/two-factor").get_data(as_text=True)
    secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', page).group(1)
    assert 'src="data:image/svg+xml' in page  # the QR code is generated locally
    shown = client.post("/account/two-factor", data={"code": pyotp.TOTP(secret).now()}).get_data(as_text=True)
    return re.findall(r"<li>([a-z2-9]{5}-[a-z2-9]{5})</li>", shown)


def bearer_header(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}
