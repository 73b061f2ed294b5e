"""JSON pages of submissions: Kobo API v2 (``results``) and ODK Central OData (``value``)."""

from __future__ import annotations

import json
from collections.abc import Mapping

from django.utils.translation import gettext

from muster.intake.kobo.mapping import _add_member, _finish, _new_submission
from muster.intake.kobo.records import REPEAT, ImportBatch, ImportFileError, Problem


def _flatten(answers: Mapping[str, object]) -> tuple[dict, dict[str, list]]:
    """Group-prefixed keys and nested groups as question names; repeats (lists) kept apart."""
    flat: dict = {}
    repeats: dict[str, list] = {}
    for key, value in answers.items():
        name = key.rsplit("/", 1)[-1]
        if isinstance(value, list):
            repeats[name] = value
        elif isinstance(value, dict):
            inner, inner_repeats = _flatten(value)
            flat.update(inner)
            repeats.update(inner_repeats)
        else:
            flat[name] = value
    return flat, repeats


def _read_json(name: str, text: str) -> ImportBatch:
    try:
        page = json.loads(text)
    except json.JSONDecodeError as exc:
        problem = gettext("is not JSON (line %(line)s: %(reason)s)")
        raise ImportFileError(name, problem % {"line": exc.lineno, "reason": exc.msg}) from None
    if isinstance(page, dict) and isinstance(page.get("value"), list):
        source, items = "odk-central-odata", page["value"]
    elif isinstance(page, dict) and isinstance(page.get("results"), list):
        source, items = "kobo-api-json", page["results"]
    elif isinstance(page, list):
        source, items = "kobo-api-json", page
    else:
        raise ImportFileError(
            name,
            gettext("JSON with neither 'results' (Kobo API v2) nor 'value' (ODK Central OData)"),
        )
    batch = ImportBatch(source)
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            problem = gettext("submission %(n)s is not a JSON object") % {"n": number}
            raise ImportFileError(name, problem)
        flat, repeats = _flatten(item)
        if REPEAT not in repeats and f"{REPEAT}@odata.navigationLink" in flat:
            raise ImportFileError(
                name,
                gettext(
                    "the OData JSON does not include the members; download "
                    "Submissions?$expand=* from ODK Central"
                ),
            )
        sub = _new_submission(number, flat)
        batch.submissions.append(sub)
        for member in repeats.get(REPEAT, []):
            if isinstance(member, dict):
                _add_member(sub, _flatten(member)[0], None)
    _more_pages(page, len(items), batch)
    return _finish(batch)


def _more_pages(page: object, held: int, batch: ImportBatch) -> None:
    """A line in the report when the file is one page of more (Kobo's ``next``, ODK Central's
    ``@odata.nextLink``): the submissions of the other pages are not in it, nor imported."""
    if not isinstance(page, dict):
        return
    following = page.get("next") or page.get("@odata.nextLink")
    if not following:
        return
    count = page.get("count", page.get("@odata.count"))
    total = count if isinstance(count, int) and count > held else None
    if total is None:
        message = gettext(
            "the file is one page of the export, %(held)s submission(s); the next page (%(next)s) "
            "is not imported: download it and import it too, or export as XLSX"
        ) % {"held": held, "next": str(following)[:300]}
    else:
        message = gettext(
            "the file is one page of the export, %(held)s of %(total)s submissions; the next page "
            "(%(next)s) is not imported: download it and import it too, or export as XLSX"
        ) % {"held": held, "total": total, "next": str(following)[:300]}
    batch.orphans.append(Problem(0, "", "next", message))
