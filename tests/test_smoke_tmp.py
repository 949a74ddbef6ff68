import re
from tests.conftest import PASSWORD

def test_smoke(app, personas, login, client):
    r = client.post("/sign-in", data={"email": "MEMBER.A@example.org", "password": PASSWORD})
    assert r.status_code == 302, r.get_data(as_text=True)[:3000]
    for url in ["/", "/account/", "/account/tokens", "/account/password", "/account/two-factor", "/members", "/apply", "/account/export.json"]:
        r = client.get(url); assert r.status_code == 200, (url, r.get_data(as_text=True)[-3000:])
    a = login("admin")
    for url in ["/admin/", "/admin/applications", "/admin/organizations", "/admin/people", "/admin/platforms", "/admin/audit", "/admin/outbox/", "/admin/platforms/new", "/admin/organizations/new", "/organizations/org-a/manage", "/organizations/org-a/invite", f"/people/{personas['member_a'].id}/roles"]:
        r = a.get(url); assert r.status_code == 200, (url, r.get_data(as_text=True)[-3000:])
    r = login(None).get("/sign-in"); assert r.status_code == 200
    r = login(None).get("/api/v1/me"); assert r.status_code == 401
    r = login("member_a").get("/api/v1/me"); assert r.status_code == 200, r.get_json()
    print(r.get_json())
    r = login(None).get("/api/v1/organizations"); print(r.get_json())
