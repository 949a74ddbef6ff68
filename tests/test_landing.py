import re

from app.extensions import db
from app.letters import services as letters
from app.letters.vocab import LetterStatus


def test_landing_page_says_what_the_coalition_does_and_lists_platforms(client, platform_factory):
    platform_factory(name="Telegram")
    body = client.get("/").get_data(as_text=True)
    assert "Holding platforms to account, together" in body
    assert "Telegram" in body
    assert 'href="#main"' in body and 'id="main"' in body
    assert "<nav" in body and "<footer" in body


def test_landing_page_runs_a_constant_number_of_queries(client, platform_factory, count_queries):
    def queries_for_landing() -> int:
        with count_queries() as statements:
            assert client.get("/").status_code == 200
        return len(statements)

    for index in range(3):
        platform_factory(name=f"P{index}")
    few = queries_for_landing()
    for index in range(30):
        platform_factory(name=f"Q{index}")
    assert queries_for_landing() == few


def test_pages_need_no_third_party_assets(client):
    head = client.get("/").get_data(as_text=True).split("<body>")[0]
    # The one absolute address allowed: this page in other languages, on the instance's own PUBLIC_URL.
    assets = re.sub(r'<link rel="alternate" hreflang="[a-z-]+" href="https://coalition\.test/[^"]*">', "", head)
    assert "http://" not in assets and "https://" not in assets


def test_pages_carry_the_instance_name_instead_of_coalition(app, client):
    app.config["COALITION_NAME"] = "Alliance for Safe Platforms"
    body = client.get("/").get_data(as_text=True)
    title = body.split("<title>", 1)[1].split("</title>", 1)[0]
    assert title == "Home · Alliance for Safe Platforms"
    assert '<a class="brand" href="/">Alliance for Safe Platforms</a>' in body
    assert "Alliance for Safe Platforms brings together civil-society organizations" in body
    assert "Coalition" not in body


def test_every_kind_of_page_names_the_coalitions_icon_which_is_served(client, login, personas, platform):
    letter = letters.create_letter(personas["steering"], platform.id, "Ada", "en", "Stop hate", "Body", ["Demand"])
    letter.status = LetterStatus.OPEN
    db.session.commit()
    icon = '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">'
    pages = [client.get("/"), client.get("/no-such-page"), client.get(f"/letters/{letter.slug}/print")]
    pages.append(login("member_a").get("/"))  # the workspace
    assert [icon in page.get_data(as_text=True) for page in pages] == [True] * 4
    with client.get("/static/img/favicon.svg") as served:
        assert served.status_code == 200 and served.mimetype == "image/svg+xml"
