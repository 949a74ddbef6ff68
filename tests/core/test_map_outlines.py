"""pygal's world map made light: outlines as straight lines on whole units, within a tolerance of the original."""

import math
import re
from xml.etree import ElementTree

import pytest
from pygal_maps_world.maps import World

from app.core import map_outlines
from app.core.map_outlines import TOLERANCE, light_world_map, lightened

SVG = "{http://www.w3.org/2000/svg}"


def outline(d: str) -> list[list[tuple[float, float]]]:
    """The points of each subpath of ``d``, its curves followed closely."""
    return [points + ([points[0]] if closed else []) for points, closed in map_outlines._subpaths(d, 0.01)]


def away(point, lines) -> float:
    """How far ``point`` is from the nearest of the segments of ``lines``."""
    best = math.inf
    for line in lines:
        for (ax, ay), (bx, by) in zip(line, line[1:], strict=False):
            dx, dy = bx - ax, by - ay
            t = max(0.0, min(1.0, ((point[0] - ax) * dx + (point[1] - ay) * dy) / (dx * dx + dy * dy or 1)))
            best = min(best, math.hypot(point[0] - ax - t * dx, point[1] - ay - t * dy))
    return best


def test_lines_are_written_relative_and_short_and_a_closed_shape_stays_closed():
    assert lightened("M 0,0 L 10,0 L 10,10 L 0,10 Z", TOLERANCE) == "M0 0l10 0 0 10-10 0z"
    assert lightened("m 1.2,1.4 h 10 v 10 h -10", TOLERANCE) == "M1 1l10 0 0 10-10 0"


def test_points_within_the_tolerance_of_a_straight_line_go():
    assert lightened("M0 0 L5 0.2 L10 0 L10 10 Z", TOLERANCE) == "M0 0l10 0 0 10z"


def test_a_path_with_a_command_not_read_is_kept_as_it_is():
    arc = "M 10 10 A 5 5 0 0 1 20 20 Z"
    assert lightened(arc, TOLERANCE) == arc


def test_a_path_smaller_than_a_unit_is_kept_in_tenths_rather_than_lost():
    assert lightened("M 5,5 l 0.4,0 0,0.4 -0.4,0 z", TOLERANCE) == "M5 5l.4 0 0 .4-.4 0z"


@pytest.mark.parametrize("code", ["fr", "ng", "ke", "cl", "eh"])
def test_a_countrys_outline_stays_within_the_tolerance_of_pygals(code):
    """Every point of pygal's outline is within the tolerance (and half a unit's rounding) of the light one."""

    def paths(svg: str) -> list[str]:
        (group,) = [g for g in ElementTree.fromstring(svg).iter(f"{SVG}g") if g.get("class", "").startswith(f"{code} ")]
        return [path.get("d") for path in group.iter(f"{SVG}path")]

    transform = re.search(rf'class="{code} .*?(?:transform="matrix\(([\d.]+)|</g>)', World.svg_map, re.DOTALL)
    scale = float(transform.group(1)) if transform.group(1) else 1.0  # Western Sahara is drawn enlarged
    for original, light in zip(paths(World.svg_map), paths(light_world_map()), strict=True):
        lines = outline(light)
        farthest = max(away(point, lines) for points in outline(original) for point in points[::5])
        assert farthest * scale <= TOLERANCE + math.sqrt(0.5) + 0.01, (code, farthest)
