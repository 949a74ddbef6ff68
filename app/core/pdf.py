"""PDFs of our own pages with WeasyPrint: our print stylesheet, and nothing fetched but inline data: URIs."""

from app.config import PROJECT_ROOT

PRINT_STYLESHEET = PROJECT_ROOT / "static" / "css" / "print.css"


def render_pdf(html: str) -> bytes:
    # Imported on use: WeasyPrint loads Pango, which only PDF pages need.
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    no_network = URLFetcher(allowed_protocols={"data"})  # charts are inlined; no file, no network
    return HTML(string=html, url_fetcher=no_network).write_pdf(stylesheets=[CSS(filename=str(PRINT_STYLESHEET))])
