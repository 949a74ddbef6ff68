"""A signed-in person never sees the public's copy of a page: every page they may open is drawn for them, with their
menu and without "Sign in". The pages are those of the permission matrix, so a new page is checked here too."""

import pytest
from flask import url_for

from tests.test_permission_matrix import MATRIX, objects, resolve  # noqa: F401  (objects: the matrix's fixture)

PERSONAS = ("member_a", "signatory_a", "org_admin_a", "steering", "admin")
SIGN_IN_PAGES = {"accounts.sign_in"}  # the form itself, for someone signing in again or as someone else


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_page_a_signed_in_person_opens_offers_to_sign_in(app, login, objects, persona):  # noqa: F811
    client = login(persona)
    name = objects[persona].name
    drawn_for_someone_else = []
    for endpoint, (method, values, expectations) in MATRIX.items():
        if method != "GET" or expectations[persona] != 200 or endpoint in SIGN_IN_PAGES:
            continue
        with app.test_request_context():
            url = url_for(endpoint, **resolve(values, objects))
        for _look in range(2):  # the second look may come from a cache
            response = client.get(url)
            response.close()
            if response.mimetype != "text/html" or "<nav" not in (page := response.get_data(as_text=True)):
                break  # data, files and framed widgets have no menu
            if "Sign in" in page or name not in page or 'href="/meetings/"' not in page:
                drawn_for_someone_else.append(url)
                break
    assert drawn_for_someone_else == []
