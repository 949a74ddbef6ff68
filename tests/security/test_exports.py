"""Every CSV download neutralises spreadsheet formulas in text that people typed; JSON keeps the text as it is."""

import csv
import io
import re
from datetime import date

import pytest

from app.core.spreadsheets import FORMULA_STARTS, neutralize
from app.extensions import db
from app.tracker import services as tracker
from app.tracker.vocab import Area, Claimed, Verified

FORMULAS = [
    '=HYPERLINK("https://evil.example","click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]
NUMBER = re.compile(r"-?\d+(\.\d+)?")


def cells(body: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(body)) for cell in row]


def assert_no_formula(body: str, formula: str) -> None:
    found = cells(body)
    assert "'" + formula in found, f"{formula!r} is missing from the export"
    assert [cell for cell in found if cell.startswith(FORMULA_STARTS) and not NUMBER.fullmatch(cell)] == []


@pytest.mark.parametrize("formula", FORMULAS, ids=["equals", "plus", "minus", "at", "tab", "carriage_return"])
def test_csv_exports_neutralise_formulas(login, personas, incident_factory, platform_factory, formula):
    evil = platform_factory(name=formula, slug="evil")
    incident_factory(
        personas["member_a"],
        status="published",
        visibility="public",
        platform_id=evil.id,
        title=formula,
        excerpt=formula,
        account_handle=formula,
        description=formula,
    )
    commitment = tracker.save_commitment(
        personas["steering"],
        None,
        tracker.CommitmentData(platform_id=evil.id, title=formula, area=Area.EXEMPTIONS, is_published=True),
    )
    tracker.record_update(
        personas["steering"],
        commitment,
        tracker.UpdateData(
            happened_on=date(2026, 5, 1),
            note=formula,
            claimed=Claimed.COMMITTED,
            verified=Verified.NOT_ASSESSED,
            progress=10,
        ),
    )
    db.session.commit()
    member, public = login("member_a"), login(None)
    assert_no_formula(member.get("/incidents/export.csv").get_data(as_text=True), formula)
    assert_no_formula(public.get("/tracker/tracker.csv").get_data(as_text=True), formula)
    for client, prefix in ((member, "/insights"), (public, "/public/insights")):
        assert_no_formula(client.get(f"{prefix}/data/by_platform.csv").get_data(as_text=True), formula)
    assert member.get("/incidents/export.json").get_json()[0]["title"] == formula


@pytest.mark.parametrize("value", ["plain", "", "1+1", "a=b", "'quoted", "12", "O'Brien"])
def test_harmless_text_is_left_alone(value):
    assert neutralize(value) == value
