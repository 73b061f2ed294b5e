"""Screening pages: queue, side-by-side comparison and decision, lists, progress, protection lists."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import strip_tags

from muster.audit.models import AuditEvent
from muster.custody import services as custody
from muster.screening import services as screening
from muster.screening.models import DEMO_RUN_REASON, Hit, ReferenceList, ScreeningRun
from tests.screening.test_hits_and_adjudication import OBEIDI, OBEIDI_AGAIN
from tests.screening.test_reference_lists import ARABIC_ROW, csv_bytes


def test_officer_works_a_likely_duplicate_from_queue_to_merge(web_as, register):
    first = register([OBEIDI]).members.get()
    again = register([OBEIDI_AGAIN]).members.get()
    _, client = web_as("screening_officer")

    page = client.get(reverse("screening-queue"), {"band": "likely"})
    assert page.status_code == 200
    html = page.content.decode()
    assert again.number in html and "Mohamed Jassem Alobaidi" in html
    assert "same name, another transliteration" in html
    assert (
        client.get(reverse("screening-queue"), {"band": "possible"})
        .content.decode()
        .count(again.number)
        == 0
    )

    hit = Hit.objects.get()
    page = client.get(reverse("screening-hit", args=[hit.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-field="given_name" data-level="transliteration"' in html
    assert 'class="agree" data-field="mother_name"' in html
    assert '<mark><bdi dir="auto">Mohamed</bdi></mark>' in html
    assert "Iraq (IRQ)" in html  # the nationality by its name, not a bare code
    reads = AuditEvent.objects.filter(action="person.read", object_type="people.person")
    assert {first.pk, again.pk} <= {int(e.object_id) for e in reads}

    response = client.post(
        reverse("screening-hit", args=[hit.pk]),
        {"decision": "confirm", "reason": "same mother and village", "revision": hit.revision},
    )
    assert response.status_code == 302
    again.refresh_from_db()
    assert again.merged_into == first
    assert screening.registrations_of(first) == [first, again]
    page = client.get(reverse("person-detail", args=[again.number]))
    assert first.number in page.content.decode()  # "merged into" link on the duplicate's page


def test_a_stale_decision_form_is_told_it_was_already_decided(web_as, register):
    register([OBEIDI])
    register([OBEIDI_AGAIN])
    hit = Hit.objects.get()
    _, first = web_as("screening_officer")
    _, second = web_as("screening_officer")
    url = reverse("screening-hit", args=[hit.pk])
    first.post(url, {"decision": "reject", "reason": "different", "revision": 1})
    response = second.post(url, {"decision": "confirm", "reason": "same", "revision": 1})
    assert response.status_code == 409
    assert "already decided" in response.content.decode()
    assert Hit.objects.get().status == Hit.Status.REJECTED


def test_registration_officer_cannot_see_the_queue_or_decide(web_as, register):
    register([OBEIDI])
    register([OBEIDI_AGAIN])
    hit = Hit.objects.get()
    _, client = web_as("registration_officer")
    assert client.get(reverse("screening-queue")).status_code == 403
    response = client.post(
        reverse("screening-hit", args=[hit.pk]), {"decision": "confirm", "reason": "x"}
    )
    assert response.status_code == 403
    assert Hit.objects.get().status == Hit.Status.OPEN


def test_list_upload_page_shows_row_errors_and_imports_nothing(web_as):
    _, client = web_as("screening_officer")
    form = {
        "name": "Wanted",
        "owner": "MoI",
        "legal_basis": "Decree 12",
        "list_date": "2026-11-01",
    }
    bad = SimpleUploadedFile("w.csv", csv_bytes(ARABIC_ROW, "L-9,,Omar,,,,,,M,1985-13-02,,,"))
    response = client.post(reverse("screening-lists"), {**form, "file": bad})
    assert response.status_code == 400
    assert "row 3, date_of_birth" in response.content.decode()
    assert not ReferenceList.objects.exists()
    good = SimpleUploadedFile("w.csv", csv_bytes(ARABIC_ROW))
    assert client.post(reverse("screening-lists"), {**form, "file": good}).status_code == 302
    assert ReferenceList.objects.get().entry_count == 1


def test_batch_rescreen_runs_in_the_background_with_progress(web_as, register, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    register([OBEIDI])
    _, client = web_as("screening_officer")
    response = client.post(reverse("screening-rescreen"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    run = ScreeningRun.objects.get(kind="batch")
    assert (run.status, run.done, run.total) == ("done", 1, 1)
    partial = client.get(reverse("screening-rescreen")).content.decode()
    assert "1 of 1 person screened" in partial
    assert "hx-trigger" not in partial  # finished: the page stops polling


def test_running_batch_is_polled(web_as):
    user, client = web_as("screening_officer")
    ScreeningRun.objects.create(
        kind="batch", status="running", total=100, done=40, created_at="2026-11-25T10:00Z"
    )
    partial = client.get(reverse("screening-rescreen")).content.decode()
    assert 'hx-trigger="every 2s"' in partial and "40 of 100" in partial


def test_separated_families_and_children_lists(web_as, registered, facilities, make_user):
    people = list(registered.members.order_by("id"))
    custody.dispatch(
        people[:1],
        from_facility=facilities["reception"],
        to_facility=facilities["camp"],
        by=make_user("camp_manager"),
        separation_reason="father to the camp clinic",
    )
    _, caseworker = web_as("tracing_caseworker")
    html = caseworker.get(reverse("separated-families")).content.decode()
    # The caseworker sees the split, never why (free text that may tell a category).
    assert registered.number in html and "father to the camp clinic" not in html
    _, screener = web_as("screening_officer")
    assert (
        "father to the camp clinic" in screener.get(reverse("separated-families")).content.decode()
    )
    html = caseworker.get(reverse("children-list")).content.decode()
    assert people[2].number in html  # Omar, flagged as a separated child
    assert people[0].number not in html
    _, manager = web_as("camp_manager")
    assert manager.get(reverse("children-list")).status_code == 403


def test_protection_review_page_records_a_review(web_as, registered):
    child = registered.members.order_by("id")[2]
    _, caseworker = web_as("tracing_caseworker")
    url = reverse("protection-review", args=[child.number])
    response = caseworker.post(url, {"outcome": "holding_permitted", "reason": ""})
    assert response.status_code == 400
    response = caseworker.post(url, {"outcome": "referred", "reason": "to UNICEF partner"})
    assert response.status_code == 302
    assert child.protection_reviews.get().outcome == "referred"


def test_queue_says_the_score_ranks_and_shows_the_configured_bands(web_as, settings):
    settings.MUSTER = {**settings.MUSTER, "SCREENING_LIKELY": 0.93, "SCREENING_POSSIBLE": 0.7}
    _, client = web_as("screening_officer")

    html = client.get(reverse("screening-queue")).content.decode()

    assert "likely from 93 %, possible from 70 %" in strip_tags(html)
    # Each figure in an element that does not wrap: a phone broke the line between "93" and "%".
    assert '<bdi class="nowrap">93 %</bdi>' in html
    assert "It is not the chance that they are the same person" in html


def test_queue_score_help_is_in_arabic_for_arabic_readers(web_as):
    _, client = web_as("screening_officer")

    with translation.override("ar"):  # restores the language after, so no other test reads Arabic
        html = client.get(reverse("screening-queue"), HTTP_ACCEPT_LANGUAGE="ar").content.decode()

    assert "ترتّب الدرجة المرشّحين" in html


def test_hit_page_says_the_score_ranks_and_shows_the_configured_bands(web_as, register, settings):
    settings.MUSTER = {**settings.MUSTER, "SCREENING_LIKELY": 0.93, "SCREENING_POSSIBLE": 0.7}
    register([OBEIDI])
    register([OBEIDI_AGAIN])
    _, client = web_as("screening_officer")

    html = client.get(reverse("screening-hit", args=[Hit.objects.get().pk])).content.decode()

    assert 'data-testid="score-help"' in html
    assert "likely from 93 %, possible from 70 %" in strip_tags(html)
    assert "It is not the chance that they are the same person" in html


def test_hit_page_score_help_is_in_arabic_for_arabic_readers(web_as, register):
    register([OBEIDI])
    register([OBEIDI_AGAIN])
    _, client = web_as("screening_officer")

    url = reverse("screening-hit", args=[Hit.objects.get().pk])
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="ar").content.decode()

    assert "ترتّب الدرجة المرشّحين" in html


def test_a_hit_whose_father_and_grandfather_were_given_the_other_way_round_says_so(
    web_as, register
):
    first = register([OBEIDI]).members.get()
    crossed = {
        **OBEIDI,
        "father_name": OBEIDI["grandfather_name"],
        "grandfather_name": OBEIDI["father_name"],
    }
    again = register([crossed]).members.get()
    hit = Hit.objects.get(person=again, candidate=first)
    assert hit.explanation["father_name"]["level"] == "exact"
    _, client = web_as("screening_officer")

    page = client.get(reverse("screening-hit", args=[hit.pk])).content.decode()

    assert "one record gives it as the grandfather" in page


def test_the_queue_in_arabic_separates_the_matching_fields_with_arabic_punctuation(
    web_as, register
):
    register([OBEIDI])
    register([OBEIDI_AGAIN])
    _, client = web_as("screening_officer")

    with translation.override("ar"):
        html = client.get(reverse("screening-queue"), HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    with translation.override("en"):
        english = client.get(reverse("screening-queue")).content.decode()

    # "Given name: exact; Father's name: …" reads "…؛ …" in Arabic, never with a Latin semicolon.
    assert "؛ " in html and "; " in english
    row = html[html.index("<tbody") :]
    assert "; " not in row[: row.index("</tbody>")]


def test_a_hit_shows_a_name_compared_otherwise_than_written(web_as, register):
    # The registration officer wrote the name as the man says it, his father's after his own
    # (Muhammad Jasim, father Jasim), and the town with its governorate: the index compares
    # "Muhammad" and "Tal Afar", and the screening officer sees that, not only "exact" beside
    # two different values.
    first = register([OBEIDI]).members.get()
    again = register(
        [{**OBEIDI, "given_name": "Muhammad Jasim", "place_of_origin": "Tal Afar, Ninewa"}]
    ).members.get()
    hit = Hit.objects.get(person=again, candidate=first)
    assert hit.explanation["given_name"]["level"] == "exact"
    _, client = web_as("screening_officer")
    url = reverse("screening-hit", args=[hit.pk])

    html = client.get(url).content.decode()

    assert 'compared as <bdi dir="auto">Muhammad</bdi>' in html
    assert 'compared as <bdi dir="auto">Tal Afar</bdi>' in html
    assert html.count('data-testid="read-as"') == 2  # the values as written are not marked
    with translation.override("ar"):
        arabic = client.get(url, HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert 'قورن على أنه <bdi dir="auto">Muhammad</bdi>' in arabic


def test_the_arabic_hit_page_keeps_each_percent_with_its_number(web_as, register, settings):
    # In Arabic the bands under the heading read "مرجّح ابتداءً من % 93": a number and its
    # percent sign set apart by a space, in right-to-left text, swap places.
    from tests.web.bidi import unisolated_ltr_runs

    settings.MUSTER = {**settings.MUSTER, "SCREENING_LIKELY": 0.93, "SCREENING_POSSIBLE": 0.7}
    register([OBEIDI])
    register([OBEIDI_AGAIN])
    _, client = web_as("screening_officer")
    client.post(reverse("set_language"), {"language": "ar", "next": "/"})
    for url in (reverse("screening-hit", args=[Hit.objects.get().pk]), reverse("screening-queue")):
        html = client.get(url).content.decode()
        assert unisolated_ltr_runs(html) == [], url
        assert "\u206893 %\u2069" in html and "\u206870 %\u2069" in html, url
    # The heading's score too ("الدرجة 100 %", not "% 100").
    score = round(Hit.objects.get().score * 100)
    page = client.get(reverse("screening-hit", args=[Hit.objects.get().pk])).content.decode()
    assert f'<bdi dir="ltr">{score} %</bdi></span></h1>' in page


def test_the_demo_run_reason_reads_in_arabic_and_an_officers_reason_as_typed(web_as):
    user, client = web_as("screening_officer")
    now = timezone.now()
    ScreeningRun.objects.create(
        kind=ScreeningRun.Kind.BATCH, status=ScreeningRun.Status.DONE, reason=DEMO_RUN_REASON,
        created_at=now, started_by=user,
    )  # fmt: skip

    with translation.override("ar"):
        html = client.get(reverse("screening-queue"), HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert "تحميل العرض: السجل كله مقابل القوائم المرجعية" in html
    assert DEMO_RUN_REASON not in html
    english = client.get(reverse("screening-queue")).content.decode()
    assert DEMO_RUN_REASON in english

    # What an officer typed is their record: shown as typed, in whatever language is read.
    ScreeningRun.objects.create(
        kind=ScreeningRun.Kind.BATCH, status=ScreeningRun.Status.DONE, reason="Cancel",
        created_at=now + timedelta(minutes=1), started_by=user,
    )  # fmt: skip
    with translation.override("ar"):
        html = client.get(reverse("screening-queue"), HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert '<bdi dir="auto">Cancel</bdi>' in html


def test_an_empty_reason_is_told_beside_the_reason_field(web_as, register):
    # The browser's `required` bypassed: the error was listed at the top of the page only.
    register([OBEIDI])
    register([OBEIDI_AGAIN])
    hit = Hit.objects.get()
    _, client = web_as("screening_officer")
    response = client.post(
        reverse("screening-hit", args=[hit.pk]),
        {"decision": "reject", "reason": "  ", "revision": hit.revision},
    )
    assert response.status_code == 400
    body = response.content.decode()
    form = body.split('name="revision"')[1].split("</form>")[0]
    label = form[form.rindex("<label", 0, form.index('name="reason"')) :].split("</label>")[0]
    assert 'aria-invalid="true"' in label
    assert 'data-testid="error-reason" data-code="reason_required"' in label
    assert 'class="error" data-field="reason"' not in body  # not also at the top


def test_an_undone_merge_can_be_decided_again_and_the_history_keeps_all_three(web_as, register):
    # After "Undo the merge" the hit was "Rejected" with no form: the two records stayed apart
    # for good, though the undo itself was the mistake.
    first = register([OBEIDI]).members.get()
    again = register([OBEIDI_AGAIN]).members.get()
    hit = Hit.objects.get()
    _, client = web_as("screening_officer")
    url = reverse("screening-hit", args=[hit.pk])
    merge = {"decision": "confirm", "reason": "same mother, same village", "revision": 0}
    assert client.post(url, {**merge, "revision": hit.revision}).status_code == 302
    undo = {"action": "undo_merge", "reason": "thought they were cousins"}
    assert client.post(url, undo).status_code == 302
    again.refresh_from_db()
    assert again.merged_into is None

    page = client.get(url).content.decode()
    assert 'data-testid="merge-undone"' in page
    hit.refresh_from_db()
    assert f'name="revision" value="{hit.revision}"' in page  # the decision form is back
    # A decision needs its reason here too.
    assert client.post(url, {**merge, "reason": "", "revision": hit.revision}).status_code == 400
    done = client.post(
        url, {**merge, "reason": "the booklet shows one man", "revision": hit.revision}
    )
    assert done.status_code == 302
    again.refresh_from_db()
    hit.refresh_from_db()
    assert again.merged_into == first and hit.status == Hit.Status.CONFIRMED
    decisions = list(
        hit.adjudications.order_by("decided_at", "id").values_list("decision", "reason")
    )
    assert decisions == [
        ("confirm", "same mother, same village"),
        ("undo_merge", "thought they were cousins"),
        ("confirm", "the booklet shows one man"),
    ]
    actions = list(
        AuditEvent.objects.filter(action__startswith="screening.").values_list("action", flat=True)
    )
    assert actions.count("screening.adjudicate") == 2 and "screening.undo_merge" in actions
    # Decided again, it is not open to a third decision but by undoing the merge again.
    assert 'data-testid="merge-undone"' not in client.get(url).content.decode()
    late = client.post(url, {**merge, "decision": "reject", "revision": hit.revision})
    assert late.status_code == 409


def test_an_undone_merge_is_decided_again_only_by_a_screening_officer(web_as, register):
    register([OBEIDI])
    register([OBEIDI_AGAIN])
    hit = Hit.objects.get()
    officer, _ = web_as("screening_officer")
    screening.adjudicate(hit, "confirm", reason="same man", by=officer)
    screening.undo_merge(hit, reason="not the same", by=officer)
    hit.refresh_from_db()
    _, registrar = web_as("registration_officer")
    url = reverse("screening-hit", args=[hit.pk])
    body = {"decision": "confirm", "reason": "same", "revision": hit.revision}
    assert registrar.post(url, body).status_code == 403
    hit.refresh_from_db()
    assert hit.status == Hit.Status.REJECTED


def test_a_separated_family_placed_together_again_is_shown_so(
    web_as, registered, facilities, make_user
):
    # The daughter reported not arrived turned up a day later and was received with her family:
    # the list still showed the family apart, her among those who "stayed".
    head, spouse, son = registered.members.order_by("id")
    manager = make_user("camp_manager")
    bus = custody.dispatch(
        [head, spouse, son],
        from_facility=facilities["reception"],
        to_facility=facilities["camp"],
        by=manager,
    )
    custody.report_missing(bus, son, note="got off at the checkpoint", by=manager)
    custody.receive(bus, [head, spouse], by=manager)
    _, screener = web_as("screening_officer")
    html = screener.get(reverse("separated-families")).content.decode()
    assert registered.number in html and 'data-testid="together-again"' not in html
    custody.receive(bus, [son], by=manager)
    html = screener.get(reverse("separated-families")).content.decode()
    assert 'data-testid="together-again"' in html
    assert "Together again at Al-Hol Camp" in strip_tags(html)
