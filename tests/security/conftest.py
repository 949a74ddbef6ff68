import pytest

from tests.security.payloads import PAYLOADS


@pytest.fixture(params=list(PAYLOADS.values()), ids=list(PAYLOADS))
def payload(request) -> str:
    return request.param


@pytest.fixture
def get_inert(app):
    """``get_inert(client, url)``: fetch an HTML page, check it answered 200 and that user text in it is inert."""
    from tests.security.inert import assert_inert_html

    def fetch(client, url, **kwargs) -> str:
        response = client.get(url, **kwargs)
        assert response.status_code == 200, url
        body = response.get_data(as_text=True)
        assert_inert_html(body)
        return body

    return fetch
