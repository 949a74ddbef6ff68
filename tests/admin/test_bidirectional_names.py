"""On management pages in a right-to-left language, the names and addresses people typed (organizations, people,
platforms, emails) are isolated, so an Arabic page cannot reorder their dots, brackets and signs."""

from tests.bidi_html import is_isolated


def test_admin_lists_isolate_names_and_emails_in_arabic(login, personas, platform):
    client = login("admin")
    expected = {
        "/admin/people": ["member.a@example.org", personas["member_a"].name],  # its filter lists organizations
        "/admin/organizations": ["Organization B"],
        "/admin/platforms": [platform.name],
    }
    for path, texts in expected.items():
        page = client.get(f"{path}?lang=ar").get_data(as_text=True)
        for text in texts:
            assert is_isolated(page, text), (path, text)


def test_an_organization_page_isolates_its_people_and_the_menu_its_reader(login, personas):
    page = login("org_admin_a").get("/organizations/org-a/manage?lang=ar").get_data(as_text=True)
    assert is_isolated(page, "member.a@example.org")
    assert is_isolated(page, personas["signatory_a"].name)
    assert is_isolated(page, personas["org_admin_a"].name)  # in the account menu, before the page's table
