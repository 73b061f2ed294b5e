"""The registration officer's upload page: a Kobo / ODK export in, households registered, the report
shown and downloadable; a large file goes to the worker and its progress is polled."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from muster.audit.models import AuditEvent
from muster.custody.models import Placement
from muster.intake.models import SubmissionImport
from muster.people.models import Household
from tests.intake.test_import import UNNAMED
from tests.intake.test_kobo import write_kobo_xlsx, write_semicolon_csv
from tests.intake.test_odk import write_central_zip


def upload(client, path, point, **extra):
    data = SimpleUploadedFile(path.name, path.read_bytes())
    body = {"file": data, "reception_point": str(point.pk), **extra}
    return client.post(reverse("intake-import"), body)


def test_the_page_is_in_the_registration_officers_menu(officer_client):
    home = officer_client.get(reverse("home")).content.decode()
    assert f'href="{reverse("intake-import")}"' in home
    page = officer_client.get(reverse("intake-import"))
    assert page.status_code == 200 and 'type="file"' in page.content.decode()


def test_a_kobo_workbook_is_imported_and_its_report_shown_and_downloaded(
    officer_client, officer, facilities, tmp_path
):
    path = write_kobo_xlsx(tmp_path / "kobo.xlsx", UNNAMED)
    response = upload(officer_client, path, facilities["reception"])
    run = SubmissionImport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "intake-import-detail", args=[run.pk]
    )
    assert (run.status, run.imported, run.refused, run.persons) == ("done", 1, 2, 3)
    household = Household.objects.get()
    assert household.registered_by == officer
    page = officer_client.get(response["Location"]).content.decode()
    assert household.number in page and "is in the future" in page
    assert "exactly one head" in page and "hx-trigger" not in page  # finished: no polling
    assert AuditEvent.objects.filter(action="intake.import.read", object_id=str(run.pk)).exists()
    report = officer_client.get(reverse("intake-import-report", args=[run.pk]))
    assert report["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(report.content.decode("utf-8-sig"))))
    assert [r["status"] for r in rows] == ["imported", "refused", "refused"]
    assert rows[0]["household"] == household.number
    export = AuditEvent.objects.get(action="export")
    assert export.detail["export"] == "import_report" and export.actor_id == officer.pk


def test_uploading_the_same_file_again_changes_nothing(officer_client, facilities, tmp_path):
    path = write_central_zip(tmp_path / "central.zip", UNNAMED)
    upload(officer_client, path, facilities["reception"])
    upload(officer_client, path, facilities["reception"])
    first, again = SubmissionImport.objects.order_by("id")
    assert Household.objects.count() == 1
    assert (again.imported, again.duplicates) == (0, 1)
    page = officer_client.get(reverse("intake-import-detail", args=[again.pk])).content.decode()
    assert "already imported as household" in page


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("members.csv", "given_name;relationship_to_head\nمحمد;head\n".encode("cp1256"),
         "is not UTF-8 text"),
        # Excel's "Unicode text" without its byte-order mark: zero bytes that decode as UTF-8.
        ("members.csv", "given_name;relationship_to_head\nمحمد;head\n".encode("utf-16-le"),
         "is not UTF-8 text, it looks like UTF-16; export or save it as UTF-8"),
        ("export.xlsx", b"PK\x03\x04garbage", "cannot be read as an export"),
        ("data.json", b'{"rows": []}', "neither &#x27;results&#x27;"),
    ],
)  # fmt: skip
def test_a_malformed_file_is_refused_on_the_page_with_the_reason(
    officer_client, facilities, tmp_path, name, content, message
):
    path = tmp_path / name
    path.write_bytes(content)
    response = upload(officer_client, path, facilities["reception"])
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "\x00" not in response.content.decode() and "\\x00" not in response.content.decode()
    assert not SubmissionImport.objects.exists() and not Household.objects.exists()


def test_a_camp_cannot_be_chosen_as_the_reception_point(officer_client, facilities, tmp_path):
    path = write_kobo_xlsx(tmp_path / "kobo.xlsx", UNNAMED)
    response = upload(officer_client, path, facilities["camp"])
    assert response.status_code == 400
    assert "choose the reception point" in response.content.decode()
    assert not Household.objects.exists()


def test_a_file_over_50_mb_is_refused_with_the_limit(officer_client, facilities, tmp_path):
    path = tmp_path / "big.xlsx"
    path.write_bytes(bytes(50 * 1024 * 1024 + 1))
    response = upload(officer_client, path, facilities["reception"])
    assert response.status_code == 400 and "larger than 50 MB" in response.content.decode()
    assert not SubmissionImport.objects.exists()


def test_a_large_file_goes_to_the_worker_and_its_progress_is_polled(
    transactional_db, officer_client, facilities, tmp_path, settings
):
    # Transactional: the worker ends by closing its database connection, as in production.
    settings.MUSTER = {"IMPORT_IN_REQUEST_MAX": 2}
    path = write_kobo_xlsx(tmp_path / "kobo.xlsx", UNNAMED)
    response = upload(officer_client, path, facilities["reception"])
    run = SubmissionImport.objects.get()
    assert run.status == "queued" and run.task_id and run.data  # waiting for the worker
    assert not Household.objects.exists()
    partial = officer_client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 2s"' in partial and "0 of 0 submissions" in partial

    from muster import worker

    worker.run(batch=True)  # the worker's run-until-empty mode, on the real queue
    run.refresh_from_db()
    assert (run.status, run.done, run.imported) == ("done", 3, 1)
    polled = officer_client.get(response["Location"], HTTP_HX_REQUEST="true")
    assert polled["HX-Refresh"] == "true"  # finished: the page reloads with its report
    assert Household.objects.count() == 1


def test_other_roles_cannot_import(make_user, login, facilities, tmp_path):
    client = login(make_user("camp_manager", facility=facilities["camp"]))
    assert client.get(reverse("intake-import")).status_code == 403
    path = write_kobo_xlsx(tmp_path / "kobo.xlsx", UNNAMED)
    assert upload(client, path, facilities["reception"]).status_code == 403
    assert not Household.objects.exists()


@pytest.mark.parametrize(
    "language, direction, texts",
    [
        ("ar", "rtl", ["استيراد الاستمارات", "لم يُستورَد أي ملف بعد.", "الأسر المستورَدة"]),
        ("ckb", "rtl", ["هاوردەکردنی فۆرمە نێردراوەکان", "هێشتا هیچ فایلێک هاوردە نەکراوە."]),
        ("kmr", "ltr", ["Têxistina şandinan", "Hêj tu pel nehatiye têxistin."]),
    ],
)
def test_the_page_in_arabic_and_kurdish(officer_client, facilities, language, direction, texts):
    officer_client.post(reverse("set_language"), {"language": language, "next": "/"})
    html = officer_client.get(reverse("intake-import")).content.decode()
    assert f'<html lang="{language}" dir="{direction}">' in html
    for text in texts:
        assert text in html, text


def test_a_long_report_shows_refusals_first_and_the_rest_in_the_csv(
    officer_client, facilities, monkeypatch
):
    from muster.intake.views import imports

    monkeypatch.setattr(imports, "REPORT_ROWS_SHOWN", 2)
    run = SubmissionImport.objects.create(
        file_name="k.xlsx", created_at="2026-12-01T10:00Z", status="done", total=3,
        report=[{"row": 2, "status": "imported", "household": "H-1"},
                {"row": 3, "status": "imported", "household": "H-2"},
                {"row": 4, "status": "refused", "field": "sex", "problem": "is required"}],
    )  # fmt: skip
    html = officer_client.get(reverse("intake-import-detail", args=[run.pk])).content.decode()
    assert "is required" in html and "H-1" in html and "H-2" not in html
    assert "Rows not shown here (households imported): 1." in html


@pytest.mark.parametrize("language", ["ar", "ckb"])
def test_the_import_pages_isolate_left_to_right_runs_in_right_to_left_languages(
    officer_client, facilities, tmp_path, language
):
    from tests.web.bidi import unisolated_ltr_runs

    upload(
        officer_client, write_kobo_xlsx(tmp_path / "kobo.xlsx", UNNAMED), facilities["reception"]
    )
    run = SubmissionImport.objects.get()
    officer_client.cookies["django_language"] = language
    pages = [reverse("intake-import"), reverse("intake-import-detail", args=[run.pk])]
    for url in pages:
        html = officer_client.get(url).content.decode()
        assert unisolated_ltr_runs(html) == [], url


def test_the_import_page_says_how_many_possible_matches_screening_proposed(
    officer_client, registered, tmp_path, django_capture_on_commit_callbacks
):
    from muster.screening import matching
    from muster.screening.models import Hit
    from tests.intake.test_kobo import write_api_json

    matching.reset()
    head = registered.members.get(relationship_to_head="head")
    again = {"_uuid": "b7c2e1f0-0000-4000-8000-000000000002", "reception_point": "",
             "members": [{"relationship_to_head": "head", "given_name": head.given_name,
                          "father_name": head.father_name,
                          "grandfather_name": head.grandfather_name,
                          "family_name": head.family_name, "mother_name": head.mother_name,
                          "sex": head.sex, "dob_known": "year",
                          "birth_year": str(head.date_of_birth.year if head.date_of_birth
                                            else head.birth_year),
                          "nationality": head.nationality}]}  # fmt: skip
    path = write_api_json(tmp_path / "d.json", [again])
    point = head.placements.get(is_current=True).facility
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(officer_client, path, point)
    matching.reset()
    hit = Hit.objects.get()
    assert hit.status == "open" and hit.candidate == head  # proposed, not merged
    page = officer_client.get(response["Location"]).content.decode()
    assert "possible matches proposed for review (nothing merged): 1." in page


def test_the_reception_points_are_named_in_the_readers_language(
    officer_client, facilities, tmp_path
):
    point = facilities["reception"]
    point.name_ar = "نقطة الاستقبال الأولى"
    point.save(update_fields=["name_ar"])
    upload(officer_client, write_central_zip(tmp_path / "central.zip", UNNAMED), point)
    officer_client.cookies["django_language"] = "ar"
    page = officer_client.get(reverse("intake-import"), HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert page.count("نقطة الاستقبال الأولى") == 2  # the choice and the recent import's row
    assert f">{point.name}<" not in page
    run = SubmissionImport.objects.get()
    detail = officer_client.get(reverse("intake-import-detail", args=[run.pk])).content.decode()
    assert "نقطة الاستقبال الأولى" in detail


def test_the_officer_downloads_the_form_the_page_imports_from_the_page(officer_client, facilities):
    # The page asked for "an export of Muster's household form" and offered no way to get the
    # form: only an administrator at the server could write it (muster forms xlsform).
    from openpyxl import load_workbook

    page = officer_client.get(reverse("intake-import")).content.decode()
    assert f'href="{reverse("intake-import-form")}"' in page
    response = officer_client.get(reverse("intake-import-form"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="muster-household-form.xlsx"'
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["survey", "choices", "settings"]
    names = [row[1] for row in book["survey"].iter_rows(min_row=2, values_only=True)]
    assert "given_name" in names and "relationship_to_head" in names
    points = [
        r[1] for r in book["choices"].iter_rows(values_only=True) if r[0] == "reception_point"
    ]
    assert str(facilities["reception"].pk) in points


def test_the_form_is_for_the_roles_that_register(make_user, login):
    response = login(make_user("coordinator")).get(reverse("intake-import-form"))
    assert response.status_code == 403


def test_the_report_opens_in_a_spreadsheet_with_its_arabic_and_no_formula_from_the_file(
    officer_client, facilities, tmp_path
):
    # The report had no byte-order mark (Excel showed the Arabic as mojibake), and a submission id
    # from the uploaded file starting with '=' was written as a formula for the officer's Excel.
    households = [{**UNNAMED[0], "_uuid": '=HYPERLINK("http://x")'}]
    path = write_semicolon_csv(tmp_path / "kobo.csv", households)
    officer_client.post(reverse("set_language"), {"language": "ar", "next": "/"})
    upload(officer_client, path, facilities["reception"])
    run = SubmissionImport.objects.get()
    content = officer_client.get(reverse("intake-import-report", args=[run.pk])).content
    assert content.startswith(b"\xef\xbb\xbf")
    (row,) = csv.DictReader(io.StringIO(content.decode("utf-8-sig")))
    assert row["submission_id"] == '\'=HYPERLINK("http://x")'
    assert row["status"] == "imported" and row["problem"] == "3 أشخاص"


def test_a_kobo_api_page_that_is_one_of_several_says_the_rest_was_not_imported(
    officer_client, facilities, tmp_path
):
    # Kobo's API hands out submissions a page at a time; the first page was imported and the
    # officer told "1 household imported", nothing said about the 349 left on the next pages.
    import json

    from tests.intake.test_kobo import write_api_json

    path = write_api_json(tmp_path / "data.json", UNNAMED[:1])
    page = json.loads(path.read_text(encoding="utf-8"))
    following = "https://kf.kobotoolbox.org/api/v2/assets/aBc/data/?format=json&start=1"
    page.update(count=350, next=following)
    path.write_text(json.dumps(page, ensure_ascii=False), encoding="utf-8")
    response = upload(officer_client, path, facilities["reception"])
    run = SubmissionImport.objects.get()
    assert run.imported == 1 and run.refused == 1
    text = officer_client.get(response["Location"]).content.decode()
    assert "1 of 350 submissions" in text and following.replace("&", "&amp;") in text


def test_the_import_report_names_a_zones_problems_in_arabic(officer_client, facilities, tmp_path):
    # A zone with its line a character short, or a sex that is none of M, F, X, refused its row
    # in English in the Arabic report.
    import html as html_lib

    from django.utils import translation

    from muster.intake import documents, mrz
    from tests.intake.test_mrz_reception import TD3

    l1, l2 = TD3.split("\n")
    zones = [f"{l1}\n{l2[:40]}{l2[41:]}", f"{l1}\n{l2[:20]}Q{l2[21:]}"]
    member = {"relationship_to_head": "head", "given_name": "Anna", "sex": "F"}
    households = [
        {"_uuid": f"u-{i}", "reception_point": "", "members": [{**member, "doc_mrz": zone}]}
        for i, zone in enumerate(zones)
    ]
    officer_client.post(reverse("set_language"), {"language": "ar", "next": "/"})
    upload(
        officer_client, write_kobo_xlsx(tmp_path / "kobo.xlsx", households), facilities["reception"]
    )
    run = SubmissionImport.objects.get()
    assert run.refused == 2
    page = officer_client.get(reverse("intake-import-detail", args=[run.pk])).content.decode()
    page = html_lib.unescape(page)
    with translation.override("ar"):
        try:
            mrz.parse_mrz(zones[0])
        except mrz.MRZError as exc:
            short = documents.mrz_message(exc)
        sex = documents.mrz_message(mrz.parse_mrz(zones[1]).problems[0])
    assert "44" in short and "43" in short and short in page
    assert "الجنس" in sex and sex in page
    assert "characters, got" not in page and "is not M, F" not in page


def test_a_file_whose_rows_each_name_their_reception_point_needs_none_chosen(
    officer_client, facilities, tmp_path
):
    page = officer_client.get(reverse("intake-import")).content.decode()
    select = page[page.index('<select name="reception_point"') :].split(">", 1)[0]
    assert "required" not in select and "rows that do not name one" in page
    point = str(facilities["reception"].pk)
    named = [{**hh, "reception_point": point} for hh in UNNAMED]
    path = write_kobo_xlsx(tmp_path / "kobo.xlsx", named)
    response = upload(officer_client, path, facilities["reception"], reception_point="")
    assert response.status_code == 302
    run = SubmissionImport.objects.get()
    assert run.reception_point is None and (run.imported, run.persons) == (1, 3)
    assert {p.facility_id for p in Placement.objects.all()} == {int(point)}


def test_a_file_with_rows_naming_no_reception_point_and_none_chosen_is_refused_naming_them(
    officer_client, facilities, tmp_path
):
    point = str(facilities["reception"].pk)
    households = [{**UNNAMED[0], "reception_point": point}, *UNNAMED[1:]]
    path = write_semicolon_csv(tmp_path / "members.csv", households)
    response = upload(officer_client, path, facilities["reception"], reception_point="")
    assert response.status_code == 400
    page = response.content.decode()
    select = page[page.index('<select name="reception_point"') :].split(">", 1)[0]
    assert 'aria-invalid="true"' in select
    # The CSV has a line per person: the second and third households start on lines 5 and 6.
    assert 'data-testid="error-reception_point" data-code="required">rows 5, 6 name no reception ' \
        "point: choose the reception point for them" in page  # fmt: skip
    assert not SubmissionImport.objects.exists() and not Household.objects.exists()


@pytest.mark.parametrize(
    "language, name, content, refusal",
    [
        ("ar", "empty.csv", b"", "\u2068empty.csv\u2069: الملف فارغ"),
        ("ar", "export.zip", b"just text",
         "\u2068export.zip\u2069: ليس أرشيف \u2068zip\u2069 (ولا مصنّف \u2068.xlsx\u2069)"),
        ("ckb", "export.zip", b"just text",
         "\u2068export.zip\u2069: ئەرشیفی \u2068zip\u2069 نییە (کتێبی کاری \u2068.xlsx\u2069یش نییە)"),
        ("kmr", "export.zip", b"just text", "export.zip: ne arşîveke zip e (ne jî pirtûka xebatê ya .xlsx)"),
    ],
)  # fmt: skip
def test_a_file_that_cannot_be_read_is_refused_in_the_officers_language(
    officer_client, facilities, tmp_path, language, name, content, refusal
):
    # An Arabic or Kurdish officer uploading a file that is no export read the refusal in English.
    from tests.web.bidi import unisolated_ltr_runs

    officer_client.post(reverse("set_language"), {"language": language, "next": "/"})
    path = tmp_path / name
    path.write_bytes(content)
    response = upload(officer_client, path, facilities["reception"])
    html = response.content.decode()
    assert response.status_code == 400
    assert f'<li data-code="unreadable_file">{refusal}</li>' in html
    assert "the file is empty" not in html and "is not a zip archive" not in html
    if language != "kmr":
        assert unisolated_ltr_runs(html) == []
    assert not SubmissionImport.objects.exists()


def test_a_queued_file_the_worker_cannot_read_is_refused_in_the_uploaders_language(
    transactional_db, officer, officer_client, facilities
):
    """The worker reads the file again: a refusal then is kept on the import, written in the
    language of the officer who uploaded it (as its per-row report is), and shown on its page."""
    from django.utils import translation

    from muster import worker
    from muster.intake import services, tasks
    from tests.web.bidi import unisolated_ltr_runs

    with translation.override("ar"):  # the officer's request, in Arabic
        run = services.start_import(
            file_name="export.zip",
            reception_point=facilities["reception"],
            by=officer,
            data=b"just text",
        )
    tasks.queue_import(run)
    worker.run(batch=True)
    run.refresh_from_db()
    refusal = "\u2068export.zip\u2069: ليس أرشيف \u2068zip\u2069 (ولا مصنّف \u2068.xlsx\u2069)"
    assert (run.status, run.error, run.data) == ("failed", refusal, None)
    officer_client.cookies["django_language"] = "ar"
    html = officer_client.get(reverse("intake-import-detail", args=[run.pk])).content.decode()
    assert f'<p class="errorlist" data-testid="import-error">{refusal}</p>' in html
    assert unisolated_ltr_runs(html) == []
