"""PDFs of our own pages with WeasyPrint: our print stylesheet, and no network access at all."""

from app.config import PROJECT_ROOT

PRINT_STYLESHEET = PROJECT_ROOT / "static" / "css" / "print.css"


def _no_fetching(url: str, *args, **kwargs):
    raise ValueError(f"PDF rendering fetches nothing ({url})")


def render_pdf(html: str) -> bytes:
    from weasyprint import CSS, HTML  # imported on use: it loads Pango, which only PDF pages need

    return HTML(string=html, url_fetcher=_no_fetching).write_pdf(stylesheets=[CSS(filename=str(PRINT_STYLESHEET))])
