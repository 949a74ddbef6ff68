"""Videos get display copies without metadata through Debian's ffmpeg, made again by a command for those that had
none. Without ffmpeg the tests are skipped, saying so; with FFMPEG_REQUIRED=1 (as .ci/run sets) they fail instead."""

import json
import os
import shutil
import subprocess

import pytest

from tests.incidents.test_evidence import fetch, url
from tests.incidents.test_evidence_display import SECRET

if not (shutil.which("ffmpeg") and shutil.which("ffprobe")):
    if os.environ.get("FFMPEG_REQUIRED") == "1":
        raise RuntimeError("FFMPEG_REQUIRED=1 but ffmpeg was not found (apt-get install ffmpeg)")
    pytest.skip(
        "ffmpeg not installed: video display copy tests skipped (apt-get install ffmpeg)", allow_module_level=True
    )

pytestmark = pytest.mark.usefixtures("evidence_dir")

VIDEO_CODECS = {"mp4": ["-c:v", "libx264", "-c:a", "aac"], "mov": ["-c:v", "libx264", "-c:a", "aac"]}
VIDEO_CODECS["webm"] = ["-c:v", "libvpx-vp9", "-c:a", "libopus"]


def video_with_metadata(tmp_path, container="mp4") -> bytes:
    """One second of red with a tone, titled and signed in the container and in each stream."""
    target = tmp_path / f"made.{container}"
    subprocess.run(
        ["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "color=c=red:s=64x48:d=1"]
        + ["-f", "lavfi", "-i", "sine=d=1", "-shortest", "-metadata", "title=secret", "-metadata", f"artist={SECRET}"]
        + ["-metadata:s:v:0", f"handler_name={SECRET}", "-metadata:s:a:0", f"title={SECRET}"]
        + [*VIDEO_CODECS[container], str(target)],
        check=True,
    )
    return target.read_bytes()


def tags_of(data: bytes, tmp_path) -> list[str]:
    """Every container and stream tag value ffprobe reads in the file."""
    path = tmp_path / "probed"
    path.write_bytes(data)
    probe = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format_tags:stream_tags", "-of", "json", str(path)],
        check=True,
        capture_output=True,
        text=True,
    )
    found = json.loads(probe.stdout)
    parts = [found.get("format", {}), *found.get("streams", [])]
    return [str(value) for part in parts for value in part.get("tags", {}).values()]


@pytest.mark.parametrize(
    ("container", "media_type"), [("mp4", "video/mp4"), ("mov", "video/quicktime"), ("webm", "video/webm")]
)
def test_public_video_plays_for_everyone_as_a_copy_without_title_or_author(
    login, public, attach, tmp_path, container, media_type
):
    original = video_with_metadata(tmp_path, container)
    assert "secret" in tags_of(original, tmp_path) and SECRET in tags_of(original, tmp_path)
    item = attach(public, original, is_public=True)
    assert item.media_type == media_type and item.display_problem is None
    response = fetch(login(None), url(public, item))
    assert response.status_code == 200 and response.mimetype == media_type
    assert response.headers["Content-Disposition"].startswith("inline;")
    tags = tags_of(response.data, tmp_path)
    assert "secret" not in tags and SECRET not in tags and SECRET.encode() not in response.data
    page = login(None).get(f"/public/incidents/{public.reference}").get_data(as_text=True)
    assert f'<video class="evidence-video" controls preload="none" src="{url(public, item)}"' in page


def test_display_copies_command_makes_the_missing_ones_once_ffmpeg_is_there(app, cli, login, public, attach, tmp_path):
    app.config["FFMPEG"] = "/nonexistent/ffmpeg"
    video = attach(public, video_with_metadata(tmp_path), is_public=True)
    damaged = attach(public, b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", is_public=True)
    app.config["FFMPEG"] = "ffmpeg"
    result = cli("incidents", "display-copies")
    assert result.exit_code == 0
    assert result.output == "Display copies made: 1; files still without one: 1.\n"
    assert video.display_sha256 and video.display_problem is None
    assert damaged.display_sha256 is None and damaged.display_problem == "unreadable"
    response = fetch(login(None), url(public, video))
    assert response.status_code == 200 and "secret" not in tags_of(response.data, tmp_path)
