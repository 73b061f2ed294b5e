"""Tracing pages, for tracing caseworkers only (``tracing.manage``): the requests, a request's
candidates ranked with the reasons, the side-by-side comparison with verification and the decision
(four eyes for a child), the best-interests determination, closing, the reunification; importing
a list of the missing and exporting PFIF.

Thin: parse, call :mod:`muster.tracing.services`, render. Every page that shows a request or a
registered person is audited (``tracing.request.read`` / ``tracing.candidates.read`` /
``person.read``); every refusal names its field.

One module per part: ``requests`` (list, form, page), ``steps`` (the forms posted from a request's
page), ``candidates`` (side by side, verification, decision), ``files`` (import, export);
``common`` what they share.
"""

from muster.tracing.views.candidates import candidate_detail
from muster.tracing.views.files import export_pfif, import_file, import_report
from muster.tracing.views.requests import (
    request_detail,
    request_edit,
    request_list,
    request_new,
    request_photo,
)
from muster.tracing.views.steps import (
    best_interests,
    receipt,
    request_close,
    request_search,
    reunify,
)

__all__ = [
    "best_interests",
    "candidate_detail",
    "export_pfif",
    "import_file",
    "import_report",
    "receipt",
    "request_close",
    "request_detail",
    "request_edit",
    "request_list",
    "request_new",
    "request_photo",
    "request_search",
    "reunify",
]
