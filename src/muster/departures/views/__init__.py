"""Departure pages: the list, planning a batch by filters, the manifest (printable, CSV/XLSX/PDF),
approval, dispatch, confirmation person by person or from the receiving side's sheet, discrepancies;
a person's nationality verification and a death. Thin: parse, call a service, render; every page that
shows persons is audited, every file goes through :func:`muster.reports.exports.export_rows`.

One module per part of the path: ``batches`` (list, plan, manifest page, approve, dispatch, cancel),
``receipts`` (confirmation, the receiving side's sheet, discrepancies), ``manifests`` (the files),
``persons`` (nationality, death); ``shared`` holds what they share. ``urls`` reads the package.
"""

from muster.departures.views.batches import (
    departure_approve,
    departure_cancel,
    departure_detail,
    departure_dispatch,
    departure_list,
    departure_new,
)
from muster.departures.views.manifests import manifest_export, manifest_pdf
from muster.departures.views.persons import person_death, person_nationality
from muster.departures.views.receipts import departure_confirm, departure_import, discrepancy_list

__all__ = [
    "departure_approve",
    "departure_cancel",
    "departure_confirm",
    "departure_detail",
    "departure_dispatch",
    "departure_import",
    "departure_list",
    "departure_new",
    "discrepancy_list",
    "manifest_export",
    "manifest_pdf",
    "person_death",
    "person_nationality",
]
