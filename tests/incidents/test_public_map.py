"""The map of countries on the public incident list: the matching incidents, counts protected as the list's."""

import re
from xml.etree import ElementTree

import pytest
from pygal_maps_world.i18n import COUNTRIES
from pygal_maps_world.maps import World

PUBLIC = "/public/incidents/"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def eight_and_three(personas, incident_factory):
    """Eight published public incidents from Nigeria, three from Kenya, and five Lebanese the public may not see."""
    published = {"status": "published", "visibility": "public"}
    for _ in range(8):
        incident_factory(personas["member_a"], **published)
    for _ in range(3):
        incident_factory(personas["member_a"], country="KE", **published)
    for _ in range(5):
        incident_factory(personas["member_a"], country="LB", status="published")


def country_titles(svg: str) -> dict[str, str]:
    """Each drawn country's code (its class) and its <title>."""
    return {
        group.get("class").split()[0]: title.text
        for group in ElementTree.fromstring(svg).iter(f"{SVG}g")
        if "country" in group.get("class", "").split()
        for title in group.iter(f"{SVG}title")
    }


def test_the_map_draws_the_matching_countries_and_shades_small_ones_as_fewer_than_5(client, eight_and_three):
    page = client.get(PUBLIC).get_data(as_text=True)
    (map_url,) = re.findall(r'<img src="(/public/incidents/map\.svg[^"]*)"', page)
    response = client.get(map_url.replace("&amp;", "&"))
    assert response.mimetype == "image/svg+xml" and "default-src 'none'" in response.headers["Content-Security-Policy"]
    svg = response.get_data(as_text=True)
    assert country_titles(svg) == {"ng": "Nigeria: 10", "ke": "Kenya: fewer than 5"}
    assert "<script" not in svg and ": 3<" not in svg and ": 8<" not in svg
    kenya = re.search(r'<g class="ke country[^"]*"', svg).group(0)
    assert "serie-1" in kenya, "the shade of its own that reads fewer than 5"


def test_the_table_beside_the_map_links_each_country_to_the_list_narrowed_to_it(client, eight_and_three):
    page = client.get(f"{PUBLIC}?language=en&sort=oldest").get_data(as_text=True)
    table = page.split('class="country-map"', 1)[1].split("</details>", 1)[0]
    assert "Lebanon" not in table
    kenya = re.search(r'<a href="([^"]+)">Kenya</a></td><td>fewer than 5</td>', table).group(1).replace("&amp;", "&")
    assert "country=KE" in kenya and "language=en" in kenya
    assert [title for title in re.findall(r"<h3[^>]*>.*?</h3>", client.get(kenya).get_data(as_text=True), re.DOTALL)]
    assert 'src="/public/incidents/map.svg?language=en"' in page, "the map follows the filters, not the order"


def test_the_map_follows_the_filters(client, eight_and_three):
    svg = client.get("/public/incidents/map.svg?country=NG").get_data(as_text=True)
    assert country_titles(svg) == {"ng": "Nigeria: 10"}


def test_without_matching_incidents_there_is_no_map(client, eight_and_three):
    page = client.get(f"{PUBLIC}?country=FR").get_data(as_text=True)
    assert "map.svg" not in page and 'class="country-map"' not in page


def test_the_map_names_countries_in_the_readers_language_and_is_cached_for_everyone(client, eight_and_three):
    svg = client.get("/public/incidents/map.svg?lang=es").get_data(as_text=True)
    assert country_titles(svg)["ke"].startswith("Kenia: ")
    response = client.get("/public/incidents/map.svg")
    assert response.headers["Cache-Control"].startswith("public") and response.headers["ETag"]


def drawn_parts(svg: str) -> dict[str, list[tuple[str, str]]]:
    """Each country's code and what draws it: (element, its path data or circle's radius), in order."""
    return {
        group.get("class").split()[0]: [
            (element.tag.removeprefix(SVG), element.get("d") or element.get("r"))
            for element in group.iter()
            if element.tag in (f"{SVG}path", f"{SVG}circle")
        ]
        for group in ElementTree.fromstring(svg).iter(f"{SVG}g")
        if "country" in group.get("class", "").split()
    }


def test_the_map_weighs_under_300_kb_and_keeps_every_country_drawn(client, eight_and_three):
    svg = client.get("/public/incidents/map.svg").get_data(as_text=True)
    assert len(svg.encode()) < 300_000, "pygal's own map alone is 1.1 MB"
    drawn, pygals = drawn_parts(svg), drawn_parts(World.svg_map)
    assert set(drawn) == set(pygals) == set(COUNTRIES)
    for code, parts in drawn.items():
        assert [tag for tag, _d in parts] == [tag for tag, _d in pygals[code]], code  # every path and circle
        assert all(data for _tag, data in parts), f"{code} has a path that draws nothing"
    assert country_titles(svg) == {"ng": "Nigeria: 10", "ke": "Kenya: fewer than 5"}
    assert "<metadata" not in svg and 'id="path' not in svg
