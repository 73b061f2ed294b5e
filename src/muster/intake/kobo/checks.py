"""Muster's validation run on every submission read, its refusals naming member and field."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping

from django.utils.translation import gettext

from muster.intake.kobo.records import RECEPTION_POINT, ImportBatch, Submission


def document_problems(doc: dict) -> list[tuple[str, str]]:
    """Problems of one document answer; an MRZ typed on the phone is read and fills what is empty.

    A check digit that fails refuses the row: an officer looks at the document, nothing is guessed.
    The number is then checked against its known format (:mod:`muster.intake.documents`).
    """
    from muster.intake.documents import check_document_number, failed_check_message, mrz_message
    from muster.intake.mrz import MRZError, parse_mrz

    problems: list[tuple[str, str]] = []
    if doc.get("mrz"):
        try:
            mrz = parse_mrz(doc["mrz"])
        except MRZError as exc:
            return [("doc_mrz", gettext("unreadable: %(e)s") % {"e": mrz_message(exc)})]
        failed = gettext("check digit failed: %(check)s")
        problems += [
            ("doc_mrz", failed % {"check": failed_check_message(c, mrz.document_number)})
            for c in mrz.failed_checks
        ]
        problems += [("doc_mrz", mrz_message(p)) for p in mrz.problems]
        read = mrz.document_fields()
        if doc.get("number") and doc["number"].upper() != read["number"]:
            differs = gettext("'%(number)s' differs from the MRZ's '%(mrz)s'")
            problems.append(
                ("doc_number", differs % {"number": doc["number"], "mrz": read["number"]})
            )
        for key in ("doc_type", "number", "issuing_country"):
            doc[key] = doc.get(key) or read[key]
        if doc["number"].upper() == read["number"]:
            doc["number"] = read["number"]  # as printed in the zone (typed in lowercase)
        doc["mrz"] = read["mrz"]
        doc["expires_on"] = doc.get("expires_on") or mrz.expiry
    if doc.get("number") and doc.get("doc_type"):
        checked = check_document_number(
            doc["doc_type"], doc.get("issuing_country", ""), doc["number"]
        )
        problems += [("doc_number", p) for p in checked.problems]
        doc["number"] = checked.number
    return problems


_MEMBER_KEY = re.compile(r"^members\[(\d+)\]\.(.+)$")


def check_submissions(
    batch: ImportBatch,
    *,
    clean_household: Callable[[list[dict]], list[dict]],
    flags: Iterable[str],
    reception_point_ok: Callable[[str], bool] | None = None,
    check_document: Callable[[dict], list[tuple[str, str]]] | None = None,
) -> ImportBatch:
    """Run Muster's validation on every submission still standing; refusals name member and field.

    ``clean_household`` raises an error carrying ``message_dict`` ({"members[i].field": [...]});
    ``flags`` are the protection flags a ``vulnerabilities`` answer may name;
    ``reception_point_ok`` says whether a submission's reception point is one Muster knows;
    ``check_document`` returns (field, problem) pairs for one document (MRZ, number format).
    """
    known = set(flags)
    for sub in batch.submissions:
        if not sub.ok:
            continue
        if reception_point_ok is not None and not reception_point_ok(sub.reception_point):
            if sub.reception_point:
                message = gettext("'%(point)s' is not an active reception point") % {
                    "point": sub.reception_point
                }
            else:
                message = gettext(
                    "is not given (name one in the form, or the facility for the whole file)"
                )
            sub.refuse(RECEPTION_POINT, message)
        members = []
        for i, member in enumerate(sub.members, start=1):
            raw = {k: v for k, v in member.items() if k != "vulnerabilities"}
            for flag in member.get("vulnerabilities", []):
                if flag in known:
                    raw[flag] = True
                else:
                    unknown = gettext("'%(flag)s' is not a known protection need")
                    sub.refuse("vulnerabilities", unknown % {"flag": flag}, i)
            for doc in raw.get("documents", []):
                for field_name, message in check_document(doc) if check_document else []:
                    sub.refuse(field_name, message, i)
            members.append(raw)
        if not sub.ok:
            continue
        try:
            sub.cleaned = clean_household(members)
        except Exception as exc:
            messages = getattr(exc, "message_dict", None)
            if messages is None:
                raise
            refuse_with(sub, messages)
    return batch


def refuse_with(sub: Submission, messages: Mapping[str, Iterable[str]]) -> None:
    """Refuse a submission with Muster's validation messages (``{"members[i].field": [...]}``)."""
    for key, texts in messages.items():
        m = _MEMBER_KEY.match(key)
        member, field_name = (int(m[1]) + 1, m[2]) if m else (None, key)
        sub.refuse(field_name, " ".join(str(t) for t in texts), member)
