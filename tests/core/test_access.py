from app.core.access import RULES, rule_for


def test_every_route_declares_an_access_rule(app):
    undeclared = [rule.endpoint for rule in app.url_map.iter_rules() if rule_for(rule.endpoint) not in RULES]
    assert undeclared == []


def test_route_without_a_rule_is_refused(make_app):
    app = make_app()
    app.add_url_rule("/undeclared", "undeclared", lambda: "secret")
    response = app.test_client().get("/undeclared")
    assert response.status_code == 403
    assert "secret" not in response.get_data(as_text=True)
