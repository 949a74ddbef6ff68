"""Hostile text pushed through every text field by the tests in this folder.

Each payload carries the marker ``xss-`` so a check can tell markup it produced from the page's own.
"""

from app.core.forms import without_control_characters

MARKER = "xss-"

PAYLOADS = {
    "script": '<script>alert("xss-script")</script>',
    "img_onerror": '<img src=x onerror=alert("xss-img")>',
    "svg": '<svg/onload=alert("xss-svg")><script>alert("xss-svg")</script></svg>',
    "attribute_breakout": "\"><b onmouseover=alert(\"xss-attr\") class='xss-attr'>'",
    "javascript_link": "<a href=\"javascript:alert('xss-js')\">xss-js</a> [xss-js](javascript:alert(1))",
    "data_link": '<a href="data:text/html,<script>alert(1)</script>">xss-data</a> '
    "[xss-data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    # Jinja, Django, ERB/JS template literals, Ruby interpolation: none may be evaluated anywhere.
    "template": "xss-tpl {{7*7}} {{ 7*'7' }} {% print(1111*7) %} ${7*7} #{7*7} <%= 7*7 %>",
    "control_characters": "xss-ctrl\x07bell\x1b[31mred\x0bvertical\x0cfeed\x7fdel\x85next",
    "right_to_left_override": "xss-rlo \u202egnp.exe\u202c \u2067isolate\u2069",
    "very_long": "xss-" + "W" * 106,
}

# What a template engine would print had it evaluated the template payload: its marker, then ``{{7*7}}``'s value.
# Its values alone ("49", "7777") are too common: a timestamp's microseconds (15:11:01.777791) hold them.
EVALUATED = "xss-tpl 49"


def shown(payload: str) -> str:
    """The text a reader should see for ``payload``: itself, without the control characters forms drop."""
    return without_control_characters(payload)


def padded(payload: str, length: int = 30) -> str:
    """``payload`` long enough for fields with a minimum length."""
    return payload if len(payload) >= length else payload + " " + "pad" * length
