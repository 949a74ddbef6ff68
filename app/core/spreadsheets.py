"""The CSV formula guard: cells a spreadsheet would run as formulas are written as plain text."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value: str) -> str:
    """Spreadsheets run cells starting with = + - @ tab or CR as formulas: prefix them with a quote."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def neutralize_reversibly(value: str) -> str:
    """``neutralize`` for a file that may be imported again: a value already starting with a quote
    gets one too, so the import always removes exactly one."""
    return "'" + value if value.startswith((*FORMULA_STARTS, "'")) else value
