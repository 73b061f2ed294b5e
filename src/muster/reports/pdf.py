"""The printable situation report: one or two A4 pages (headline figures, charts, facility table) in
English or Arabic, drawn by WeasyPrint with the fonts shipped in ``static/muster/fonts``.

WeasyPrint is an optional extra (``pip install 'muster[pdf]'``) needing Pango from the system
(Debian: ``libpango-1.0-0 libpangoft2-1.0-0``); :func:`available` says whether it can run here.
The renderer reads only files under the package's static folder: no network, no other file.
"""

from pathlib import Path

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from muster.audit import services as audit
from muster.reports.dashboard import Filters, build
from muster.reports.picture import charts_for, headline_scope

STATIC = Path(__file__).resolve().parent.parent / "static" / "muster"
LANGUAGES = ("en", "ar", "ckb", "kmr")


class PdfUnavailable(RuntimeError):
    """WeasyPrint or the system's Pango is missing."""


def available() -> str | None:
    """``None`` when PDFs can be made here, else why not (one line)."""
    try:
        import weasyprint  # noqa: F401
    except ImportError as exc:
        return f"WeasyPrint is not installed (pip install 'muster[pdf]'): {exc}"
    except OSError as exc:
        return f"WeasyPrint cannot load Pango (apt-get install libpango-1.0-0 libpangoft2-1.0-0): {exc}"
    return None


def _fetcher(url: str, *args, **kwargs):
    # Only the package's own fonts and styles; anything else (http, other files) is refused.
    from weasyprint.urls import default_url_fetcher

    base = STATIC.as_uri()
    if not url.startswith(base + "/") or ".." in url:
        raise ValueError(f"refused to fetch {url!r}: only the package's static files")
    return default_url_fetcher(url, *args, **kwargs)


def render_html(filters: Filters, language: str) -> str:
    with translation.override(language):
        dash = build(filters)
        return render_to_string(
            "reports/sitrep_pdf.html",
            {
                "dash": dash,
                "headline_scope": headline_scope(dash),
                "charts": charts_for(dash),
                "generated_at": timezone.localtime(),
                "LANG": language,
                "RTL": translation.get_language_bidi(),
            },
        )


def sitrep_pdf(filters: Filters, language: str = "en", *, user=None, request=None) -> bytes:
    """The PDF, with its "export" audit event written in the same transaction."""
    if language not in LANGUAGES:
        raise ValueError(f"language '{language}' is not one of: {', '.join(LANGUAGES)}")
    why = available()
    if why:
        raise PdfUnavailable(why)
    from weasyprint import HTML

    html = render_html(filters, language)
    with transaction.atomic():
        pdf = HTML(string=html, base_url=STATIC.as_uri() + "/", url_fetcher=_fetcher).write_pdf()
        audit.record_export(
            {
                "export": "sitrep.pdf",
                "purpose": "situation report",
                "format": "pdf",
                "filters": {**filters.as_dict(), "language": language},
                "rows": 0,
            },
            actor=user,
            request=request,
        )
    return pdf
