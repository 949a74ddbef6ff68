"""pygal's world map, light enough to serve: its outlines drawn to the precision a chart can show.

The map pygal_maps_world ships is 1.1 MB: coastlines as tens of thousands of tiny Bézier curves written to five
decimals, an embedded metadata manifest, an id on every path and indentation. A chart shows it about 600 pixels
wide (``charts.WIDTH``), where one unit of its 2,754-unit-wide drawing is about a fifth of a pixel. So each outline
is redrawn as straight lines through its points (a curve that bends further than ``TOLERANCE`` from its chord is
followed by points along it), simplified (Ramer-Douglas-Peucker) within ``TOLERANCE``, on whole units; a part
smaller than that (an islet under a unit across) goes, but every path and circle of every country stays, the
smallest kept at a tenth of a unit. The metadata, ids and whitespace go too; classes, circles and transforms stay.
"""

import functools
import math
import re
import xml.etree.ElementTree as ET

from pygal_maps_world.maps import World

SVG = "http://www.w3.org/2000/svg"
TOLERANCE = 0.5  # map units: a tenth of a pixel at 600 px wide
_TOKEN = re.compile(r"[A-Za-z]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_ARGUMENTS = {"m": 2, "l": 2, "h": 1, "v": 1, "c": 6, "s": 4, "z": 0}  # the commands read; others keep the path
_SCALES = re.compile(r"(matrix|translate|scale)\(([^)]*)\)")

Point = tuple[float, float]


@functools.cache
def light_world_map() -> str:
    """pygal's world map, lightened (the module's docstring says how): the same countries, each with as many
    paths and circles, in a fifth of the size. Computed once per process (about a second)."""
    root = ET.fromstring(World.svg_map)
    for parent in list(root.iter()):
        for child in list(parent):
            if _local(child.tag) == "metadata":
                parent.remove(child)
    _lighten(root, 1.0)
    root.set("xmlns", SVG)  # written once on the root, not as a prefix on every element
    return ET.tostring(root, encoding="unicode")


def _local(tag) -> str:
    return str(tag).rsplit("}", 1)[-1]


def _lighten(element: ET.Element, scale: float) -> None:
    """Each path under ``element`` redrawn, at ``scale`` screen units to one of its own (its transforms')."""
    element.tag = _local(element.tag)
    scale *= _scale_of(element.get("transform", ""))
    if element.text and not element.text.strip():
        element.text = None
    if element.tail and not element.tail.strip():
        element.tail = None
    if _local(element.tag) in ("path", "circle"):
        element.attrib.pop("id", None)
    if _local(element.tag) == "path" and element.get("d") and scale > 0:
        element.set("d", lightened(element.get("d"), TOLERANCE / scale))
    for child in element:
        _lighten(child, scale)


def _scale_of(transform: str) -> float:
    """How much ``transform`` enlarges (the square root of its determinant); 0 for one not understood."""
    scale = 1.0
    for kind, values in _SCALES.findall(transform):
        numbers = [float(value) for value in re.split(r"[\s,]+", values.strip())]
        if kind == "matrix":
            scale *= math.sqrt(abs(numbers[0] * numbers[3] - numbers[1] * numbers[2]))
        elif kind == "scale":
            scale *= math.sqrt(abs(numbers[0] * (numbers[1] if len(numbers) > 1 else numbers[0])))
    return scale if _SCALES.sub("", transform).strip(" ,") == "" else 0.0


def lightened(d: str, tolerance: float) -> str:
    """Path data ``d`` as straight lines within ``tolerance`` of it, on whole units (on tenths of one where
    ``tolerance`` is under half a unit, or for a path that would otherwise vanish); ``d`` itself when it uses a
    command not read here (arcs, quadratic curves)."""
    parts = _subpaths(d, tolerance)
    if parts is None:
        return d
    decimals = 0 if tolerance >= 0.5 else 1
    drawn = _encoded(parts, tolerance, decimals)
    if drawn:
        return drawn
    largest = max(parts, key=lambda part: _extent(part[0]), default=None)
    return (_encoded([largest], tolerance / 10, decimals + 1) if largest else "") or d


def _extent(points: list[Point]) -> float:
    xs, ys = [x for x, _y in points], [y for _x, y in points]
    return max(xs) - min(xs) + max(ys) - min(ys)


def _subpaths(d: str, tolerance: float) -> list[tuple[list[Point], bool]] | None:
    """Each subpath of ``d`` as (points in absolute units, closed); None for a command not read here."""
    tokens = _TOKEN.findall(d)
    parts: list[tuple[list[Point], bool]] = []
    points: list[Point] | None = None
    current = start = (0.0, 0.0)
    control: Point | None = None  # the last curve's second control point, which an ``s`` reflects
    command, index = None, 0
    while index < len(tokens):
        if tokens[index].isalpha():
            command, index = tokens[index], index + 1
            if command in "Zz":
                if points:
                    parts.append((points, True))
                points, current, control = None, start, None
                continue
        if command is None or command.lower() not in _ARGUMENTS:
            return None
        kind, count = command.lower(), _ARGUMENTS[command.lower()]
        if index + count > len(tokens) or any(token.isalpha() for token in tokens[index : index + count]):
            return None
        numbers = [float(token) for token in tokens[index : index + count]]
        index += count
        relative = command.islower()
        x0, y0 = current if relative else (0.0, 0.0)
        if kind == "m":
            if points:
                parts.append((points, False))
            current = start = (x0 + numbers[0], y0 + numbers[1])
            points, control = [current], None
            command = "l" if relative else "L"  # further pairs after a move are lines
            continue
        if points is None:
            points = [current]
        if kind == "l":
            new, control = [(x0 + numbers[0], y0 + numbers[1])], None
        elif kind == "h":
            new, control = [((x0 if relative else 0.0) + numbers[0], current[1])], None
        elif kind == "v":
            new, control = [(current[0], (y0 if relative else 0.0) + numbers[0])], None
        else:
            if kind == "c":
                first, numbers = (x0 + numbers[0], y0 + numbers[1]), numbers[2:]
            else:  # "s": the first control point mirrors the previous curve's second
                first = (2 * current[0] - control[0], 2 * current[1] - control[1]) if control else current
            control, end = (x0 + numbers[0], y0 + numbers[1]), (x0 + numbers[2], y0 + numbers[3])
            new = _along_curve(current, first, control, end, tolerance)
        points.extend(new)
        current = new[-1]
    if points:
        parts.append((points, False))
    return parts


def _distance(point: Point, a: Point, b: Point) -> float:
    """How far ``point`` is from the line through ``a`` and ``b`` (from ``a`` when they are one point)."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    length = math.hypot(dx, dy)
    if length == 0:
        return math.hypot(point[0] - a[0], point[1] - a[1])
    return abs(dx * (point[1] - a[1]) - dy * (point[0] - a[0])) / length


def _along_curve(p0: Point, p1: Point, p2: Point, p3: Point, tolerance: float) -> list[Point]:
    """Points along a cubic Bézier curve, enough that straight lines between them stay within ``tolerance``: only
    its end when its control points are that close to its chord."""
    bend = max(_distance(p1, p0, p3), _distance(p2, p0, p3))
    if bend <= tolerance:
        return [p3]
    steps = min(16, math.ceil(math.sqrt(bend / tolerance)) + 1)
    points = []
    for step in range(1, steps + 1):
        t = step / steps
        u = 1 - t
        a, b, c, e = u**3, 3 * u * u * t, 3 * u * t * t, t**3
        points.append((a * p0[0] + b * p1[0] + c * p2[0] + e * p3[0], a * p0[1] + b * p1[1] + c * p2[1] + e * p3[1]))
    return points


def _simplified(points: list[Point], tolerance: float) -> list[Point]:
    """Ramer-Douglas-Peucker: the fewest of ``points`` whose lines stay within ``tolerance`` of all of them."""
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    spans = [(0, len(points) - 1)]
    while spans:
        first, last = spans.pop()
        farthest, distance = None, tolerance
        for index in range(first + 1, last):
            away = _distance(points[index], points[first], points[last])
            if away > distance:
                farthest, distance = index, away
        if farthest is not None:
            keep[farthest] = True
            spans += [(first, farthest), (farthest, last)]
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def _encoded(parts: list[tuple[list[Point], bool]], tolerance: float, decimals: int) -> str:
    """Subpaths as path data: an absolute move, then relative lines (``l``), numbers at ``decimals``; a subpath
    that is less than three distinct points at that precision is left out."""
    factor = 10**decimals
    drawn = []
    for points, closed in parts:
        rounded: list[tuple[int, int]] = []
        for x, y in _simplified(points, tolerance):
            point = (round(x * factor), round(y * factor))
            if not rounded or rounded[-1] != point:
                rounded.append(point)
        if len(set(rounded)) < 3:
            continue
        moves = [(b[0] - a[0], b[1] - a[1]) for a, b in zip(rounded, rounded[1:], strict=False)]
        numbers = [_number(value, decimals) for move in moves for value in move]
        drawn.append(
            f"M{_number(rounded[0][0], decimals)} {_number(rounded[0][1], decimals)}l"
            + "".join(
                number if index == 0 or number[0] == "-" else " " + number for index, number in enumerate(numbers)
            )
            + ("z" if closed else "")
        )
    return "".join(drawn)


def _number(value: int, decimals: int) -> str:
    """``value`` in units of 10^-``decimals``, as short as SVG reads it (``-.5`` for -0.5)."""
    if decimals == 0:
        return str(value)
    text = f"{value / 10**decimals:.{decimals}f}".rstrip("0").rstrip(".")
    return text.replace("0.", ".", 1) if text.startswith(("0.", "-0.")) else text
