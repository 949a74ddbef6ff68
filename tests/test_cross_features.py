"""Where features meet: meeting summaries on the tracker, letters' demands on the tracker."""

from app.extensions import db
from app.meetings import services as meetings
from app.meetings.vocab import Kind


def test_only_published_meeting_summaries_appear_on_the_platform_page(login, personas, platform_factory):
    platform = platform_factory(name="Facebook", slug="facebook")
    meeting = meetings.create_meeting(
        personas["steering"],
        meetings.MeetingData(
            kind=Kind.PLATFORM, title="Talk with the policy team", timezone="UTC", platform_id=platform.id
        ),
        [personas["member_a"].id],
        [],
    )
    db.session.commit()
    assert "Talk with the policy team" not in login(None).get("/tracker/platforms/facebook").get_data(as_text=True)
    login("steering").post(f"/meetings/{meeting.id}/summary", data={"summary": "They agreed to share data."})
    page = login(None).get("/tracker/platforms/facebook").get_data(as_text=True)
    assert "Talk with the policy team" in page and "They agreed to share data." in page
