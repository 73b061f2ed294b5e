"""Departures through the browser's door (Django's test client) and the API, per role."""

import csv
import io
import json
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from muster.audit.models import AuditEvent, ExportedPerson
from muster.custody.models import Placement
from muster.departures import services
from muster.departures.models import Departure

from .test_services import RETURN

# (a planned date is checked against today: two weeks ahead, whenever the suite runs)
PLANNED = (timezone.localdate() + timedelta(days=14)).isoformat()


@pytest.fixture
def planned(crowd, facilities, officers):
    camp = facilities["camp"]
    people = crowd(camp, 2, nationality="IRQ")
    departure = services.plan_departure(
        people, kind="return", from_facility=camp, details={**RETURN, "planned_date": PLANNED},
        by=officers["planner"],
    )  # fmt: skip
    return departure, people


def test_officer_plans_a_batch_by_nationality_keeping_households_together(
    crowd, facilities, officers, login
):
    camp = facilities["camp"]
    iraqis = crowd(camp, 3, nationality="IRQ")
    crowd(camp, 2, nationality="SYR")
    client = login(officers["planner"])
    query = {
        "from_facility": camp.pk,
        "kind": "handover",
        "nationality": "IRQ",
        "whole_households": "on",
    }
    page = client.get(reverse("departure-new"), query)
    assert page.status_code == 200
    body = page.content.decode()
    assert all(p.number in body for p in iraqis)
    assert AuditEvent.objects.filter(action="departure.candidates.list").exists()
    post = {
        **query,
        "person": [p.pk for p in iraqis],
        "receiving_authority": "Iraqi security forces",
        "legal_basis": "transfer agreement",
        "destination_country": "IRQ",
        "plan": "1",
    }
    response = client.post(reverse("departure-new"), post)
    assert response.status_code == 302, response.content.decode()[:2000]
    departure = Departure.objects.get()
    assert departure.kind == "handover" and departure.lines.count() == 12
    assert departure.status == "planned"


@pytest.mark.parametrize("typed", ["Îraq", "Iraq", "العراق", "irq"])
def test_the_destination_country_is_read_as_the_nationality_filter_reads_it(
    crowd, facilities, officers, login, typed
):
    """The batch's nationality took "Fransa" or "Îraq" (the country in any language of the
    interface); its destination country, a line below, refused them: only a code was read."""
    camp = facilities["camp"]
    iraqis = crowd(camp, 1, nationality="IRQ")
    client = login(officers["planner"])
    client.cookies["django_language"] = "kmr"
    response = client.post(
        reverse("departure-new"),
        {
            "from_facility": camp.pk,
            "kind": "handover",
            "nationality": "Îraq",
            "whole_households": "on",
            "person": [p.pk for p in iraqis],
            "receiving_authority": "Iraqi security forces",
            "legal_basis": "transfer agreement",
            "destination_country": typed,
            "plan": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Departure.objects.get().destination_country == "IRQ"


def test_planning_without_the_kinds_fields_names_them(crowd, facilities, officers, login):
    camp = facilities["camp"]
    people = crowd(camp, 1)
    response = login(officers["planner"]).post(
        reverse("departure-new"),
        {
            "from_facility": camp.pk,
            "kind": "handover",
            "numbers": people[0].number,
            "whole_households": "on",
            "person": [p.pk for p in people],
            "plan": "1",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert (
        'data-testid="error-legal_basis"' in body
        and 'data-testid="error-receiving_authority"' in body
    )
    # Each refusal carries the service's stable code, as the API's "codes" does.
    assert 'data-testid="error-legal_basis" data-code="required_for_kind"' in body
    assert not Departure.objects.exists()


def test_manifest_page_approve_dispatch_confirm(planned, officers, login, make_user):
    departure, people = planned
    client = login(officers["planner"])
    page = client.get(reverse("departure-detail", args=[departure.number]))
    assert page.status_code == 200 and people[0].given_name in page.content.decode()
    # The planned date the officer gave is on the manifest (it was stored and shown nowhere).
    assert "Planned date" in page.content.decode() and PLANNED in page.content.decode()
    event = AuditEvent.objects.filter(action="departure.manifest.read").latest("seq")
    assert sorted(event.detail["person_ids"]) == sorted(p.pk for p in people)
    assert client.post(reverse("departure-dispatch", args=[departure.number])).status_code == 302
    assert Placement.objects.filter(is_current=True, state="leaving").count() == 8
    form = {f"outcome-{p.pk}": "received" for p in people[:7]}
    form[f"outcome-{people[7].pk}"] = "not_presented"
    form[f"note-{people[7].pk}"] = "not at the handover point"
    assert (
        client.post(reverse("departure-confirm", args=[departure.number]), form).status_code == 302
    )
    assert Placement.objects.filter(is_current=True, state="departed").count() == 7
    client.post(reverse("set_language"), {"language": "ar", "next": "/"})
    page = client.get(reverse("departure-detail", args=[departure.number])).content.decode()
    assert "بتوقيت دمشق" in page and "Asia/Damascus" not in page  # the dispatch time's zone
    # A line's note is a run of its own: an English note in brackets on a right-to-left page read
    # "(not at the handover) (point" as the bidi algorithm moved its brackets.
    assert '(<bdi dir="auto">not at the handover point</bdi>)' in page
    page = client.get(reverse("departure-discrepancies")).content.decode()
    assert people[7].number in page
    assert '(<bdi dir="auto">not at the handover point</bdi>)' in page


def test_a_refused_confirmation_keeps_the_outcomes_and_notes_typed(planned, officers, login):
    """One line refused (a 'not presented' with no note) confirms nobody; the page comes back with
    every outcome and note the officer entered from the signed manifest, not a blank form."""
    departure, people = planned
    services.dispatch_departure(departure, by=officers["planner"])
    client = login(officers["planner"])
    form = {f"outcome-{p.pk}": "received" for p in people[:2]}
    form[f"outcome-{people[2].pk}"] = "not_presented"  # no note: refused
    form[f"outcome-{people[3].pk}"] = "refused"
    form[f"note-{people[3].pk}"] = "not on the authority's list"
    response = client.post(reverse("departure-confirm", args=[departure.number]), form)
    assert response.status_code == 400
    body = response.content.decode()
    assert "needs a note" in body
    assert not Placement.objects.filter(is_current=True, state="departed").exists()

    def chosen(person):
        select = re.search(rf'<select name="outcome-{person.pk}".*?</select>', body, re.S)[0]
        return re.findall(r'<option value="(\w*)" selected>', select)

    assert chosen(people[0]) == ["received"] and chosen(people[1]) == ["received"]
    assert chosen(people[2]) == ["not_presented"] and chosen(people[3]) == ["refused"]
    assert chosen(people[4]) == []
    assert re.search(
        rf'<input name="note-{people[3].pk}" value="not on the authority&#x27;s list"', body
    )


def test_a_not_presented_line_without_a_note_is_marked_at_its_note(planned, officers, login):
    """The note a 'not presented' needs is asked for at the line's note, the box marked, as other
    forms tell a refused field: it was said only at the top of the manifest, far from the line."""
    departure, people = planned
    services.dispatch_departure(departure, by=officers["planner"])
    client = login(officers["planner"])
    form = {f"outcome-{people[0].pk}": "received", f"outcome-{people[2].pk}": "not_presented"}
    response = client.post(reverse("departure-confirm", args=[departure.number]), form)
    assert response.status_code == 400
    body = response.content.decode()
    row = re.search(rf'<tr data-person="{people[2].number}">.*?</tr>', body, re.S)[0]
    note = re.search(rf'<input name="note-{people[2].pk}"[^>]*>', row)[0]
    assert 'aria-invalid="true"' in note
    said = re.search(r'<li data-testid="error-note" data-code="note_required">([^<]*)</li>', row)
    assert said and "needs a note" in said[1], row
    others = re.findall(r'<input name="note-\d+"[^>]*aria-invalid', body)
    assert len(others) == 1  # the received line's note is not marked
    assert "needs a note" not in body.split('<table class="results">')[0]  # not only at the top


def test_the_count_confirmed_reads_as_the_language_counts_it(planned, officers, login):
    """'3 persons confirmed', not '3 person(s)'; in Arabic a count of three to ten takes the plural
    (أشخاص), not the singular the catalogue once gave every count."""
    departure, people = planned
    services.dispatch_departure(departure, by=officers["planner"])
    client = login(officers["planner"])
    url = reverse("departure-confirm", args=[departure.number])
    page = client.post(url, {f"outcome-{people[0].pk}": "received"}, follow=True)
    assert f"1 person confirmed on {departure.number}." in page.content.decode()
    page = client.post(url, {f"outcome-{p.pk}": "received" for p in people[1:4]}, follow=True)
    assert f"3 persons confirmed on {departure.number}." in page.content.decode()
    client.post(reverse("set_language"), {"language": "ar", "next": "/"})
    page = client.post(url, {f"outcome-{p.pk}": "received" for p in people[4:7]}, follow=True)
    assert f"تم تأكيد 3 أشخاص في {departure.number}." in page.content.decode()
    page = client.post(url, {f"outcome-{people[7].pk}": "received"}, follow=True)
    assert f"تم تأكيد شخص واحد في {departure.number}." in page.content.decode()


def test_after_an_import_the_lines_left_open_can_still_be_confirmed_by_hand(
    planned, officers, login
):
    """The sheet confirmed one person; the page it answers with still offers the outcomes for the
    others (not selects holding only a dash)."""
    departure, people = planned
    services.dispatch_departure(departure, by=officers["planner"])
    upload = io.BytesIO(f"number,outcome,note\n{people[0].number},received,\n".encode())
    upload.name = "receipt.csv"
    response = login(officers["planner"]).post(
        reverse("departure-import", args=[departure.number]), {"file": upload}
    )
    assert response.status_code == 200
    body = response.content.decode()
    select = re.search(rf'<select name="outcome-{people[1].pk}".*?</select>', body, re.S)[0]
    assert re.findall(r'<option value="(\w+)"', select) == ["received", "not_presented", "refused"]


def test_import_page_shows_the_row_by_row_report(planned, officers, login):
    departure, people = planned
    services.dispatch_departure(departure, by=officers["planner"])
    content = f"number,outcome,note\n{people[0].number},received,\nPNOBODY,received,\n".encode()
    upload = io.BytesIO(content)
    upload.name = "receipt.csv"
    response = login(officers["planner"]).post(
        reverse("departure-import", args=[departure.number]), {"file": upload}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="receipt-report"' in body and 'data-status="unknown_id"' in body
    # The officer reads what each row's check found, not its code, in Arabic too.
    report = body.split('data-testid="receipt-report"')[1].split("</section>")[0]
    assert "unknown number" in report and "<td>Received</td>" in report
    assert ">unknown_id<" not in report and "unknown_id:" not in report
    client = login(officers["planner"])
    client.post(reverse("set_language"), {"language": "ar", "next": "/"})
    upload = io.BytesIO(content)
    upload.name = "receipt.csv"
    body = client.post(reverse("departure-import", args=[departure.number]), {"file": upload})
    assert "رقم غير معروف" in body.content.decode()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_manifest_export_is_audited_with_the_persons_on_it(planned, officers, login, fmt):
    departure, people = planned
    response = login(officers["planner"]).get(
        reverse(f"export-manifest-departure-{fmt}", args=[departure.number])
    )
    assert response.status_code == 200
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert rows[0][:4] == ["departure", "kind", "position", "number"]
        assert {r[3] for r in rows[1:]} == {p.number for p in people}
        # The name in the other script as the page shows it, for a reader of names.
        assert rows[0][-1] == "name_other_script"
    else:
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sheet.max_row == 9
    event = AuditEvent.objects.get(action="export")
    assert event.detail["export"] == "departure.manifest" and event.detail["format"] == fmt
    assert event.object_id == str(departure.pk)
    indexed = set(ExportedPerson.objects.filter(event=event).values_list("person_id", flat=True))
    assert indexed == {p.pk for p in people}


def test_roles_see_what_they_need_and_no_more(planned, officers, login, make_user, facilities):
    departure, people = planned
    detail = reverse("departure-detail", args=[departure.number])
    export = reverse("export-manifest-departure-csv", args=[departure.number])
    # A camp manager of the camp they leave from sees the manifest; of another camp, nothing.
    here = make_user("camp_manager", facility=facilities["camp"])
    assert login(here).get(detail).status_code == 200
    elsewhere = make_user("camp_manager", facility=facilities["family_camp"])
    assert login(elsewhere).get(detail).status_code == 404
    assert login(elsewhere).get(export).status_code == 404
    # Figures only for the coordinator; no manifest, no planning.
    coordinator = make_user("coordinator")
    assert login(coordinator).get(detail).status_code == 403
    assert login(coordinator).get(reverse("departure-new")).status_code == 403
    # A camp manager may look but not dispatch or confirm.
    assert (
        login(here).post(reverse("departure-dispatch", args=[departure.number])).status_code == 403
    )
    # A repatriation officer does not see protection flags in the API manifest.
    data = (
        login(officers["planner"])
        .get(reverse("api-departure-detail", args=[departure.number]))
        .json()
    )
    assert "unaccompanied_child" not in json.dumps(data)
    assert data["manifest"][0]["given_name"] == people[0].given_name


def test_the_approver_must_be_another_officer_through_the_api(crowd, facilities, officers, login):
    camp = facilities["camp"]
    people = crowd(camp, 1, nationality="IRQ")
    client = login(officers["planner"])
    body = {
        "kind": "handover",
        "from_facility": camp.pk,
        "persons": [people[0].number],
        "receiving_authority": "Iraqi security forces",
        "legal_basis": "transfer agreement",
    }
    response = client.post(
        reverse("api-departure-list"), json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    number = response.json()["number"]
    assert response.json()["persons"] == 4  # the household came with the one named
    again = client.post(
        reverse("api-departure-approve", args=[number]), content_type="application/json"
    )
    assert again.status_code == 400 and "approved_by" in again.json()
    approver = login(officers["approver"])
    assert approver.post(reverse("api-departure-approve", args=[number])).status_code == 200
    assert approver.post(reverse("api-departure-dispatch", args=[number])).status_code == 200
    confirm = {"outcomes": [{"person": p.number, "outcome": "received"} for p in people]}
    response = approver.post(
        reverse("api-departure-confirm", args=[number]),
        json.dumps(confirm),
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["received"] == 4


def test_departed_person_keeps_record_shows_the_exit_and_is_still_found(planned, officers, login):
    departure, people = planned
    services.dispatch_departure(departure, by=officers["planner"])
    services.confirm(departure, [(p.pk, "received", "") for p in people], by=officers["planner"])
    client = login(officers["planner"])
    page = client.get(reverse("person-detail", args=[people[0].number])).content.decode()
    assert 'data-testid="person-exit"' in page and departure.number in page and "Hajin" in page
    assert "Departed (" in page  # the timeline's exit
    found = client.get(reverse("person-search"), {"q": people[0].number}).content.decode()
    assert people[0].number in found
    # The exit reads in the reader's language, whatever language it was confirmed in.
    client.post(reverse("set_language"), {"language": "ar", "next": "/"})
    page = client.get(reverse("person-detail", args=[people[0].number])).content.decode()
    assert "Return to place of origin" not in page
    assert "العودة إلى مكان الأصل · " + departure.number in page


def test_manifest_pdf_in_arabic_is_audited_with_the_persons(planned, officers, login):
    pytest.importorskip("weasyprint")
    departure, people = planned
    client = login(officers["planner"])
    client.post(reverse("set_language"), {"language": "ar", "next": "/"})
    response = client.get(reverse("export-manifest-departure-pdf", args=[departure.number]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    event = AuditEvent.objects.get(action="export")
    assert event.detail["format"] == "pdf" and event.detail["rows"] == 8
    indexed = set(ExportedPerson.objects.filter(event=event).values_list("person_id", flat=True))
    assert indexed == {p.pk for p in people}


def test_the_manifest_pdf_gives_a_name_in_the_other_script_and_the_sex_as_a_word(
    planned, officers, login, tmp_path
):
    # The Dutch ministry's copy had some rows in Arabic letters only, and a sex column of F.
    pytest.importorskip("weasyprint")
    import shutil
    import subprocess

    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext missing (apt-get install poppler-utils; ./dev test installs it)")
    departure, people = planned
    people[1].given_name, people[1].family_name = "محمد", "الجبوري"
    people[1].save(update_fields=["given_name", "family_name"])
    response = login(officers["planner"]).get(
        reverse("export-manifest-departure-pdf", args=[departure.number])
    )
    (tmp_path / "m.pdf").write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "m.pdf"), "-"], capture_output=True, check=True
    ).stdout.decode()
    words = " ".join(text.split())
    assert "Given Father's Grandfather's Family / Name in Sex" in words  # headers, wrapped
    assert "Mohamed" in words and "al-Jabburi" in words  # محمد الجبوري, in Latin letters
    assert "Female" in words and " F " not in words


def test_manifest_page_in_arabic_is_right_to_left_and_prints(planned, officers, login):
    departure, _ = planned
    client = login(officers["planner"])
    client.post(reverse("set_language"), {"language": "ar", "next": "/"})
    body = client.get(reverse("departure-detail", args=[departure.number])).content.decode()
    assert 'dir="rtl"' in body and "بيان الخروج" in body
    assert "data-print" in body and 'class="printonly"' in body


def test_the_arabic_pages_name_the_facility_in_arabic(planned, crowd, facilities, officers, login):
    departure, _ = planned
    camp = departure.from_facility
    camp.name_ar = "مخيم الاختبار"
    camp.save(update_fields=["name_ar"])
    crowd(camp, 1, nationality="IRQ")
    client = login(officers["planner"])
    client.post(reverse("set_language"), {"language": "ar", "next": "/"})
    pages = [
        client.get(reverse("departure-new"), {"from_facility": camp.pk, "kind": "return"}),
        client.get(reverse("departure-list")),
        client.get(reverse("departure-detail", args=[departure.number])),
    ]
    for page in pages:
        body = page.content.decode()
        assert "مخيم الاختبار" in body, page.request["PATH_INFO"]
        assert f">{camp.name}<" not in body, page.request["PATH_INFO"]


def test_coordinator_sees_departure_figures_not_names(planned, officers, login, make_user):
    departure, people = planned
    services.dispatch_departure(departure, by=officers["planner"])
    services.confirm(departure, [(p.pk, "received", "") for p in people], by=officers["planner"])
    client = login(make_user("coordinator"))
    home = client.get(reverse("home")).content.decode()
    assert 'data-testid="departure-figures"' in home and people[0].given_name not in home
    # The kinds shown add up to "Departed": every kind has its figure (reunified, died, ... too).
    figures = dict(
        re.findall(r'<span class="label">([^<]+)</span><span class="value">(\d+)<', home)
    )
    kinds = ("Returned", "Repatriated", "Handed over", "Released", "Transferred for treatment",
             "Died", "Reunited with family")  # fmt: skip
    assert sum(int(figures[k]) for k in kinds) == int(figures["Departed"]) == len(people)
    rows = list(
        csv.reader(
            io.StringIO(client.get(reverse("export-sitrep-csv")).content.decode("utf-8-sig"))
        )
    )
    section, item, persons = (
        rows[0].index("section"),
        rows[0].index("item"),
        rows[0].index("persons"),
    )
    returned = next(r for r in rows if r[section] == "departures" and r[item] == "returned")
    assert returned[persons] == "8"
    by_destination = next(r for r in rows if r[section] == "departures by destination")
    assert "Hajin" in by_destination[item]
    assert any(r[section] == "departures by nationality" and r[item] == "IRQ" for r in rows)


def test_unaccounted_page_counts_departures_not_confirmed(
    planned, officers, login, make_user, facilities
):
    departure, people = planned
    services.dispatch_departure(departure, by=officers["planner"])
    services.confirm(departure, [(people[0].pk, "not_presented", "absent")], by=officers["planner"])
    page = login(make_user("camp_manager")).get(reverse("unaccounted")).content.decode()
    assert 'data-testid="departures-unaccounted"' in page
    # Counted for the camps the reader works at: another camp's manager is not told of them.
    here = make_user("camp_manager", facility=departure.from_facility)
    assert (
        'data-testid="departures-unaccounted"'
        in login(here).get(reverse("unaccounted")).content.decode()
    )
    elsewhere = make_user("camp_manager", facility=facilities["reception"])
    page = login(elsewhere).get(reverse("unaccounted")).content.decode()
    assert 'data-testid="departures-unaccounted"' not in page
    # The coordinator's dashboard counts them in "Unaccounted": the page says so too (a figure).
    page = login(make_user("coordinator")).get(reverse("unaccounted-figures")).content.decode()
    assert 'data-testid="departures-unaccounted"' in page and people[0].given_name not in page
    # ... with no link to the list of names, which answers them 403.
    assert reverse("departure-discrepancies") not in page
    camp_page = login(here).get(reverse("unaccounted")).content.decode()
    assert reverse("departure-discrepancies") in camp_page


def test_nationality_verification_and_death_pages(crowd, facilities, officers, login):
    from muster.departures.models import NationalityVerification

    people = crowd(facilities["camp"], 1, nationality="FRA")
    client = login(officers["planner"])
    url = reverse("person-nationality", args=[people[0].number])
    refused = client.post(url, {"nationality": "FRA", "method": "interview", "outcome": "verified"})
    assert refused.status_code == 400 and "interview" in refused.content.decode()
    assert not NationalityVerification.objects.exists()
    done = client.post(
        url,
        {"nationality": "FRA", "method": "interview", "outcome": "verified",
         "interview_note": "born in Roubaix, school named"},
    )  # fmt: skip
    assert done.status_code == 302
    assert NationalityVerification.objects.get().verified_by == officers["planner"]
    death = reverse("person-death", args=[people[1].number])
    assert client.post(death, {"death_source": "", "death_date": "2019-13-01"}).status_code == 400
    assert (
        client.post(
            death, {"death_source": "clinic certificate 12", "death_date": "2019-03-01"}
        ).status_code
        == 302
    )
    assert Placement.objects.get(person=people[1], is_current=True).state == "departed"


def test_api_bad_input_is_a_400_naming_the_field(crowd, facilities, officers, login):
    people = crowd(facilities["camp"], 1)
    client = login(officers["planner"])
    for body, field in (
        ({"kind": "exile", "from_facility": facilities["camp"].pk}, "kind"),
        ({"kind": "return", "from_facility": 999999}, "from_facility"),
        ({"kind": "return", "from_facility": facilities["camp"].pk}, "persons"),
        (
            {
                "kind": "return",
                "from_facility": facilities["camp"].pk,
                "persons": [people[0].number],
            },
            "destination_name",
        ),
    ):
        response = client.post(
            reverse("api-departure-list"), json.dumps(body), content_type="application/json"
        )
        assert response.status_code == 400, (body, response.content)
        assert field in response.json(), response.json()
    assert not Departure.objects.exists()


def test_departures_page_counts_what_the_readers_lists_show(
    planned, officers, login, make_user, facilities
):
    # The figures above the list were over every camp while the lists below were the reader's:
    # another camp's manager read "Not presented 1 · Unaccounted 1" and found nobody listed.
    departure, people = planned
    services.dispatch_departure(departure, by=officers["planner"])
    services.confirm(departure, [(people[0].pk, "not_presented", "absent")], by=officers["planner"])

    def figures(user) -> tuple[str, str]:
        page = login(user).get(reverse("departure-list")).content.decode()
        found = re.search(
            r"of them unaccounted <strong>(\d+)</strong>, of them not presented <strong>(\d+)</strong>",
            page,
        )
        return found.groups()[::-1]

    assert figures(make_user("camp_manager", facility=departure.from_facility)) == ("1", "1")
    assert figures(make_user("camp_manager", facility=facilities["reception"])) == ("0", "0")


def test_numbers_that_match_nobody_are_named_and_errors_name_the_field_by_its_label(
    crowd, facilities, officers, login
):
    camp = facilities["camp"]
    people = crowd(camp, 1, nationality="IRQ")
    client = login(officers["planner"])
    query = {"from_facility": camp.pk, "kind": "handover", "whole_households": ""}
    # A typing mistake among the numbers was dropped without a word; a lower-case number too.
    page = client.get(reverse("departure-new"),
                      {**query, "numbers": f"PNOTEXIST1, {people[0].number.lower()}"})  # fmt: skip
    body = page.content.decode()
    unmatched = body.split('data-testid="unmatched"')[1].split("</p>")[0]
    assert "PNOTEXIST1" in unmatched and people[0].number not in unmatched
    assert f'value="{people[0].pk}"' in body
    # A nationality that is no country is said so, not "0 persons match".
    page = client.get(reverse("departure-new"), {**query, "nationality": "XYZ"})
    assert (
        page.status_code == 400
        and "XYZ&#x27; is not a country Muster knows" in page.content.decode()
    )
    # A missing detail is told beside the field as the form names it, not by its code.
    post = {**query, "numbers": people[0].number, "person": [people[0].pk], "plan": "1"}
    body = client.post(reverse("departure-new"), post).content.decode()
    field = _field(body, "receiving_authority")
    assert field.startswith("<label>Receiving authority")
    assert 'data-testid="error-receiving_authority"' in field and 'aria-invalid="true"' in field
    assert "receiving_authority:" not in body


def test_keeping_households_together_can_be_unticked(crowd, facilities, officers, login):
    # The box came back ticked whatever the officer did: a French wife was listed (and ticked
    # for the plan) on a batch of Iraqis with "keep households together" unticked.
    camp = facilities["camp"]
    family = crowd(camp, 1, nationality="IRQ")
    family[1].nationality = "FRA"
    family[1].save(update_fields=["nationality"])
    client = login(officers["planner"])
    base = {"from_facility": camp.pk, "kind": "handover", "nationality": "IRQ"}

    def listed(query: dict) -> tuple[set[str], str]:
        body = client.get(reverse("departure-new"), query).content.decode()
        return {p.number for p in family if p.number in body}, body

    fresh, body = listed(base)  # a link straight to the filters: together, by default
    assert fresh == {p.number for p in family} and 'name="whole_households" checked' in body
    unticked, body = listed({**base, "chosen": "1"})  # the form sent without the box
    assert unticked == {p.number for p in family} - {family[1].number}
    assert 'name="whole_households" checked' not in body
    ticked, _ = listed({**base, "chosen": "1", "whole_households": "on"})
    assert ticked == {p.number for p in family}


def test_the_leaving_figures_say_which_are_part_of_which(planned, officers, login):
    # "Leaving, awaiting confirmation 47 · Not presented 3": the 47 held the 3, and nothing said so.
    departure, people = planned
    if departure.status == "planned":
        services.approve_departure(departure, by=officers["approver"])
    services.dispatch_departure(departure, by=officers["planner"])
    services.confirm(departure, [(people[0].pk, "not_presented", "absent")], by=officers["planner"])
    page = login(officers["planner"]).get(reverse("departure-list")).content.decode()
    line = re.sub(r"<[^>]+>", "", page.split('data-testid="leaving-counts">')[1].split("</p>")[0])
    assert " ".join(line.split()) == (
        f"Leaving on the departures you handle, awaiting confirmation {departure.lines.count()} "
        "(of them unaccounted 1, of them not presented 1)"
    )
    # The persons' summary on the manifest page, in Arabic, with the Arabic comma between its
    # parts (a Latin comma read "(أُرسل، بانتظار التأكيد: 7, لم يُقدَّم: 1)").
    client = login(officers["approver"])
    client.post(reverse("set_language"), {"language": "ar", "next": "/"})
    body = client.get(reverse("departure-detail", args=[departure.number])).content.decode()
    summary = body.split('<span class="muted">(')[1].split(")</span>")[0]
    assert "، " in summary and ", " not in summary


def test_the_destination_is_shown_part_by_part_each_in_its_own_direction(planned, officers, login):
    # "Dutch Ministry of Foreign Affairs · (NLD) هولندا Erbil airport → Eindhoven" in Arabic: an
    # Arabic country name between English place and authority scrambled the line.
    departure, _ = planned
    departure.destination_country, departure.receiving_authority = "NLD", "Dutch Ministry"
    departure.save(update_fields=["destination_country", "receiving_authority"])
    client = login(officers["planner"])
    client.post(reverse("set_language"), {"language": "ar", "next": "/"})
    body = client.get(reverse("departure-detail", args=[departure.number])).content.decode()
    cell = body.split('data-testid="destination">')[1].split("</td>")[0]
    parts = re.findall(r'<bdi dir="auto">(.*?)</bdi>', cell)
    assert parts[0].startswith(departure.destination_name) and parts[2] == "Dutch Ministry"
    assert len(parts) == 3 and "هولندا" in parts[1]


def test_the_departure_page_shows_the_receiving_authority_once(planned, officers, login):
    # It was shown twice: in the destination and again on a row of its own.
    departure, _ = planned
    departure.receiving_authority = "Kurdistan Regional Government liaison"
    departure.save(update_fields=["receiving_authority"])
    body = login(officers["planner"]).get(reverse("departure-detail", args=[departure.number]))
    body = body.content.decode()
    assert body.count("Kurdistan Regional Government liaison") == 1
    cell = body.split('data-testid="destination">')[1].split("</td>")[0]
    assert "Kurdistan Regional Government liaison" in cell


@pytest.mark.parametrize(
    "language, start",
    [("en", "This departure separates members of household"), ("kmr", "Ev derketin endamên")],
)
def test_a_batch_splitting_a_household_is_refused_in_a_full_sentence(
    crowd, facilities, officers, login, language, start
):
    # The refusal began in lower case ("this departure separates...") and had no full stop.
    camp = facilities["camp"]
    people = crowd(camp, 1, adults=4)
    client = login(officers["planner"])
    client.cookies["django_language"] = language
    response = client.post(
        reverse("departure-new"),
        {
            "from_facility": camp.pk,
            "kind": "return",
            **RETURN,
            "planned_date": PLANNED,
            "numbers": " ".join(p.number for p in people[:2]),
            "person": [p.pk for p in people[:2]],
            "plan": "1",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    message = re.search(rf"{start}[^<]*", body).group(0).strip()
    assert message.endswith(".") and people[2].number in message, message
    assert not Departure.objects.exists()


def test_the_departures_list_is_filtered_by_the_facility_they_leave_from(
    planned, crowd, facilities, officers, login
):
    # A return officer working the Family Camp paged through Al-Hol's batches too: the list had
    # kind and status to filter by, not the camp the people leave from.
    from_camp, people = planned
    if from_camp.status == "planned":
        services.approve_departure(from_camp, by=officers["approver"])
    services.dispatch_departure(from_camp, by=officers["planner"])
    services.confirm(from_camp, [(people[0].pk, "received", "")], by=officers["planner"])
    family_camp = facilities["family_camp"]
    from_family_camp = services.plan_departure(
        crowd(family_camp, 1, nationality="IRQ"), kind="return", from_facility=family_camp,
        details={**RETURN, "planned_date": PLANNED}, by=officers["planner"],
    )  # fmt: skip
    client = login(officers["planner"])

    def returned(page: str) -> str:
        return re.search(r"Returned <strong>(\d+)</strong>", page).group(1)

    page = client.get(reverse("departure-list")).content.decode()
    assert from_family_camp.number in page and from_camp.number in page
    assert returned(page) == "1"
    page = client.get(
        reverse("departure-list"), {"facility": family_camp.pk, "kind": "return"}
    ).content.decode()
    assert from_family_camp.number in page and from_camp.number not in page
    # The figures above the list are the chosen facility's, as the list below.
    assert returned(page) == "0"
    # The filter keeps the choice beside the other filters (the pager keeps every parameter).
    select = page.split('<select name="facility"')[1].split("</select>")[0]
    assert f'<option value="{family_camp.pk}" selected>' in select
    assert f'<option value="{from_camp.from_facility_id}">' in select
    assert '<option value="return" selected>' in page
    # In Arabic, named in Arabic.
    client.post(reverse("set_language"), {"language": "ar", "next": "/"})
    page = client.get(reverse("departure-list"), {"facility": family_camp.pk}).content.decode()
    select = page.split('<select name="facility"')[1].split("</select>")[0]
    assert 'aria-label="من المرفق"' in select and "كل المرافق" in select


def _field(body: str, name: str) -> str:
    """The <label> holding the input named ``name``: the field and what is said beside it."""
    start = body.rindex("<label", 0, body.index(f'name="{name}"'))
    return body[start : body.index("</label>", start)]


def test_a_split_household_and_a_bad_nationality_are_told_beside_their_fields(
    registered, facilities, officers, login
):
    # They were listed above the form only, and the separation reason's field was not marked.
    client = login(officers["planner"])
    reception = facilities["reception"]
    head = registered.members.order_by("id").first()
    body = client.get(
        reverse("departure-new"), {"from_facility": reception.pk, "nationality": "XQ1"}
    ).content.decode()
    nationality = _field(body, "nationality")
    assert 'aria-invalid="true"' in nationality
    assert 'data-testid="error-nationality" data-code="not_a_country"' in nationality
    assert 'data-testid="refusal-nationality"' not in body

    response = client.post(
        reverse("departure-new"),
        {"from_facility": reception.pk, "kind": "return", "numbers": head.number,
         "person": [head.pk], "plan": "1", **RETURN, "planned_date": PLANNED},
    )  # fmt: skip
    assert response.status_code == 400
    body = response.content.decode()
    reason = _field(body, "separation_reason")
    assert 'aria-invalid="true"' in reason and 'data-testid="error-separation_reason"' in reason
    assert registered.number in reason
    assert 'data-testid="refusal-separation_reason"' not in body
    assert not Departure.objects.exists()


@pytest.mark.parametrize(
    "typed, code, shown",
    [
        ("Iraq", "IRQ", "Iraq (IRQ)"),
        ("العراق", "IRQ", "Iraq (IRQ)"),
        ("عێراق", "IRQ", "Iraq (IRQ)"),  # Sorani
        ("Türkiye", "TUR", "Türkiye (TUR)"),
        ("Tirkiye", "TUR", "Türkiye (TUR)"),  # Kurmanji
        ("France", "FRA", "France (FRA)"),
        ("Fransa", "FRA", "France (FRA)"),  # Kurmanji, as the country list names it
        ("فەرەنسا", "FRA", "France (FRA)"),  # Sorani, as the country list names it
        ("fra", "FRA", "France (FRA)"),
        ("IQ", "IRQ", "Iraq (IRQ)"),
    ],
)
def test_planning_reads_the_nationality_as_the_officer_names_the_country(
    crowd, facilities, officers, login, typed, code, shown
):
    camp = facilities["camp"]
    wanted = crowd(camp, 1, nationality=code)
    others = crowd(camp, 1, nationality="SYR")
    client = login(officers["planner"])
    query = {"from_facility": camp.pk, "kind": "handover", "nationality": typed, "chosen": "1"}
    page = client.get(reverse("departure-new"), query)
    assert page.status_code == 200
    body = page.content.decode()
    assert f'data-testid="nationality-read">{shown}<' in body
    field = _field(body, "nationality")
    assert f'value="{typed}"' in field and 'list="iso3"' in field and 'maxlength="3"' not in field
    assert "aria-invalid" not in field
    assert all(p.number in body for p in wanted) and not any(p.number in body for p in others)


@pytest.mark.parametrize("typed", ["Narnia", "ZZZ", "Kurd"])
def test_planning_refuses_a_nationality_that_names_no_country_beside_the_field(
    crowd, facilities, officers, login, typed
):
    camp = facilities["camp"]
    crowd(camp, 1, nationality="IRQ")
    client = login(officers["planner"])
    query = {"from_facility": camp.pk, "kind": "handover", "nationality": typed, "chosen": "1"}
    page = client.get(reverse("departure-new"), query)
    assert page.status_code == 400
    field = _field(page.content.decode(), "nationality")
    assert field.startswith("<label>Nationality") and 'aria-invalid="true"' in field
    assert 'data-testid="error-nationality" data-code="not_a_country"' in field
    assert f"{typed}&#x27; is not a country Muster knows: type its name or code" in field


def test_a_nationality_verification_takes_the_country_as_the_officer_names_it(
    crowd, facilities, officers, login
):
    # It took a 3-letter code only, and a refusal sat below the field, which was not marked.
    from muster.departures.models import NationalityVerification

    people = crowd(facilities["camp"], 1, nationality="FRA")
    client = login(officers["planner"])
    url = reverse("person-nationality", args=[people[0].number])
    body = {"method": "interview", "outcome": "verified", "interview_note": "born in Roubaix"}
    refused = client.post(url, {**body, "nationality": "Narnia"})
    assert refused.status_code == 400
    field = _field(refused.content.decode(), "nationality")
    assert 'aria-invalid="true"' in field and 'data-testid="error-nationality"' in field
    assert not NationalityVerification.objects.exists()
    assert client.post(url, {**body, "nationality": "Fransa"}).status_code == 302
    assert NationalityVerification.objects.get().nationality == "FRA"


def test_the_numbers_to_plan_read_left_to_right_on_the_sorani_page(officers, login):
    """Registration and household numbers are Latin codes: in a right-to-left box their example
    'P..., P...' was drawn '...P ,...P' and a typed list read from the wrong end."""
    client = login(officers["planner"])
    client.post(reverse("set_language"), {"language": "ckb", "next": "/"})
    page = client.get(reverse("departure-new")).content.decode()
    assert '<html lang="ckb" dir="rtl">' in page
    for name in ("households", "numbers"):
        box = re.search(rf'<input name="{name}"[^>]*>', page).group(0)
        assert 'dir="ltr"' in box, box


def test_not_presented_stays_in_the_history_when_the_person_is_brought_back(
    planned, officers, login, make_user
):
    # She did not board: "not presented" with what the other side said; brought back to the
    # camp later. The timeline lost the first word and its reason once she was back.
    departure, people = planned
    services.dispatch_departure(departure, by=officers["planner"])
    client = login(officers["planner"])
    url = reverse("departure-confirm", args=[departure.number])
    form = {f"outcome-{people[0].pk}": "not_presented", f"note-{people[0].pk}": "did not board"}
    assert client.post(url, form).status_code == 302
    form = {f"outcome-{people[0].pk}": "returned", f"note-{people[0].pk}": "back at the camp"}
    assert client.post(url, form).status_code == 302
    assert Placement.objects.get(person=people[0], is_current=True).state == "placed"
    screener = login(make_user("screening_officer"))
    html = screener.get(reverse("person-detail", args=[people[0].number])).content.decode()
    assert f"Not presented on departure {departure.number}" in html and "did not board" in html
    assert f"Back in custody on departure {departure.number}" in html and "back at the camp" in html
    assert html.index("Not presented on departure") < html.index("Back in custody on departure")


def test_a_destinations_p_codes_are_never_read_as_a_facilitys(
    planned, officers, login, make_user, facilities
):
    # A destination's P-code filled the facilities' #adm1+code/#adm2+code/#adm3+code: only the
    # section told them apart, and a tool counting persons by governorate added them up together.
    libhxl = pytest.importorskip("hxl", reason="libhxl not installed (pip install libhxl)")
    departure, people = planned
    services.dispatch_departure(departure, by=officers["planner"])
    services.confirm(departure, [(p.pk, "received", "") for p in people], by=officers["planner"])
    text = (
        login(make_user("coordinator"))
        .get(reverse("export-sitrep-csv"))
        .content.decode("utf-8-sig")
    )
    dataset = libhxl.data(io.BytesIO(text.encode("utf-8")))
    destination = next(r for r in dataset if r.get("#meta+section") == "departures by destination")
    assert "Hajin" in destination.get("#indicator+name")
    dest = tuple(destination.get(f"#adm{n}+code+dest") for n in (1, 2, 3))
    assert dest == ("SY09", "SY0905", "SY090501")
    assert all(not destination.get(f"#adm{n}+code+current") for n in (1, 2, 3))
    # The facilities' level columns hold the facilities' codes only, the destinations' theirs.
    for n in (1, 2, 3):
        for tag, section in (
            (f"#adm{n}+code+current", "facility"),
            (f"#adm{n}+code+dest", "departures by destination"),
        ):
            assert {row.get("#meta+section") for row in dataset if row.get(tag)} <= {section}


def test_camp_manager_opens_the_persons_still_leaving_their_camp(
    planned, officers, login, make_user, facilities
):
    """A person dispatched on a departure from the camp and not confirmed (awaiting, or not
    presented at the checkpoint) is the camp's to follow up: the departure page and the
    unaccounted page link to them, and the link opens their page, not "Not found"."""
    departure, people = planned
    services.dispatch_departure(departure, by=officers["planner"])
    absent, awaiting = people[0], people[1]
    services.confirm(departure, [(absent.pk, "not_presented", "absent")], by=officers["planner"])
    here = login(make_user("camp_manager", facility=departure.from_facility))
    detail = here.get(reverse("departure-detail", args=[departure.number])).content.decode()
    for person in (absent, awaiting):
        url = reverse("person-detail", args=[person.number])
        assert url in detail
        assert here.get(url).status_code == 200, person.number
        assert Placement.objects.get(person=person, is_current=True).state == "leaving"
    assert (
        person.number in here.get(reverse("person-search"), {"q": person.number}).content.decode()
    )
    # Another facility's manager is told nothing of them.
    elsewhere = login(make_user("camp_manager", facility=facilities["reception"]))
    assert elsewhere.get(reverse("person-detail", args=[absent.number])).status_code == 404
    # Once received on the other side, the person has left the camp's care: the departure page
    # names them without a link that would answer "Not found".
    services.confirm(departure, [(awaiting.pk, "received", "")], by=officers["planner"])
    here = login(make_user("camp_manager", facility=departure.from_facility))
    url = reverse("person-detail", args=[awaiting.number])
    assert here.get(url).status_code == 404
    detail = here.get(reverse("departure-detail", args=[departure.number])).content.decode()
    assert awaiting.number in detail and f'href="{url}"' not in detail
    assert reverse("person-detail", args=[absent.number]) in detail
    # The repatriation officer, whom no facility bounds, opens everyone from it.
    detail = (
        login(officers["planner"])
        .get(reverse("departure-detail", args=[departure.number]))
        .content.decode()
    )
    assert f'href="{url}"' in detail


@pytest.mark.parametrize(
    "language, one, other",
    [
        (
            "kmr",
            "%(n)s kes wek ji aliyê din ve hatiye wergirtin",
            "%(n)s kes wek ji aliyê din ve hatine",
        ),
        ("ar", "هل تسجّل شخصاً واحداً على أنه", "هل تسجّل %(n)s شخص على أنهم"),
        ("en", "Record %(n)s person as received", "Record %(n)s persons as received"),
    ],
)
def test_the_question_before_received_is_asked_in_the_officers_language(
    planned, officers, login, language, one, other
):
    """The browser asks before 'received' is recorded; the question came in English whatever the
    page's language (the template's msgid held a '%', which {% translate %} looks up doubled). It
    is there for each plural category, the browser's count to fill in: one person read '1 ...
    أنهم' (them) in Arabic."""
    departure, _people = planned
    services.dispatch_departure(departure, by=officers["planner"])
    client = login(officers["planner"])
    client.cookies["django_language"] = language
    page = client.get(reverse("departure-detail", args=[departure.number])).content.decode()
    asked = dict(re.findall(r'data-confirm-received-(\w+)="([^"]*)"', page))
    assert set(asked) == {"zero", "one", "two", "few", "many", "other"}
    assert one in asked["one"] and other in asked["other"], asked


def _eastern(text: str) -> str:
    return text.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))


def test_a_planned_date_typed_on_an_arabic_keyboard_is_read(crowd, facilities, officers, login):
    # A date typed in Eastern Arabic digits was refused: "'٢٠٢٦-١٢-٢٠' is not a date".
    camp = facilities["camp"]
    people = crowd(camp, 1)
    client = login(officers["planner"])
    query = {"from_facility": camp.pk, "kind": "return", "numbers": people[0].number}
    response = client.post(
        reverse("departure-new"),
        {**query, "whole_households": "on", "person": [p.pk for p in people], "plan": "1",
         **RETURN, "planned_date": _eastern(PLANNED)},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Departure.objects.get().planned_date.isoformat() == PLANNED


def test_the_planned_date_and_the_date_of_death_are_typed_as_dates(
    crowd, facilities, officers, login
):
    # Plain boxes: in Arabic no digit conversion, no example, a date drawn right to left.
    camp = facilities["camp"]
    people = crowd(camp, 1)
    client = login(officers["planner"])
    client.post(reverse("set_language"), {"language": "ar", "next": "/"})
    query = {"from_facility": camp.pk, "kind": "return", "chosen": "1"}
    plan = client.get(reverse("departure-new"), query).content.decode()
    death = client.get(reverse("person-death", args=[people[0].number])).content.decode()
    for page, name in ((plan, "planned_date"), (death, "death_date")):
        box = re.search(rf'<input name="{name}"[^>]*>', page).group(0)
        assert 'inputmode="numeric"' in box and 'dir="ltr"' in box, box
        assert 'placeholder="YYYY-MM-DD"' in box, box
