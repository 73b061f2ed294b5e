"""Every page of every role's day, in Arabic and Sorani on a small demo: no left-to-right run left
unisolated in the right-to-left text (tests/web/bidi.py), facility names in Arabic, the time zone,
sex and counts in the reader's language, numbers written one way."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import formats, translation

from tests.factories import shared_demo
from tests.web.bidi import unisolated_ltr_runs

pytestmark = pytest.mark.django_db


_demo, demo = shared_demo(persons=150, seed=4)


def _client(login, username, lang):
    client = login(get_user_model().objects.get(username=username))
    client.cookies["django_language"] = lang
    return client


def role_pages():
    """(username, paths) of each role's day; paths may name a person, a hit, a camp, a movement."""
    from muster.access import policy
    from muster.custody.models import Movement
    from muster.people.models import Person
    from muster.screening.models import Hit

    person = Person.objects.filter(merged_into__isnull=True).order_by("id").first()
    child = Person.objects.filter(separated_child=True).order_by("id").first() or person
    hit = Hit.objects.filter(kind="reference_list").order_by("id").first()
    dup = Hit.objects.filter(kind="duplicate").order_by("id").first() or hit
    movement = Movement.objects.order_by("id").first()
    manager = get_user_model().objects.get(username="camp-manager")
    (camp,) = policy.facility_scope(manager, "facility.view")
    person_pages = [
        "/",
        "/people/?q=Muhammad",
        f"/people/{person.number}/",
        f"/people/{person.number}/slip/",
    ]
    return [
        (
            "registration-officer",
            [*person_pages, "/reception/", f"/people/{person.number}/correct/"],
        ),
        (
            "screening-officer",
            [
                "/",
                "/screening/",
                f"/screening/hits/{hit.pk}/",
                f"/screening/hits/{dup.pk}/",
                "/screening/lists/",
                "/screening/approvals/",
                "/screening/children/",
                "/screening/separated-families/",
                f"/screening/protection/{child.number}/",
            ],
        ),
        (
            "camp-manager",
            [
                "/",
                "/facilities/",
                f"/facilities/{camp}/",
                f"/facilities/{camp}/receive/",
                f"/facilities/{camp}/dispatch/",
                f"/movements/{movement.number}/",
                "/unaccounted/",
            ],
        ),
        ("coordinator", ["/", "/unaccounted/figures/", "/facilities/", "/reports/dashboard/"]),
        ("auditor", ["/", "/audit/", "/audit/verify/"]),
        ("tracing-caseworker", ["/", "/people/?q=Muhammad", "/screening/children/"]),
        ("repatriation-officer", ["/", "/people/?q=Muhammad", f"/people/{person.number}/"]),
    ]


@pytest.mark.parametrize("lang", ["ar", "ckb"])
def test_every_left_to_right_run_is_isolated_in_right_to_left_pages(demo, login, lang):
    problems = []
    for username, paths in role_pages():
        client = _client(login, username, lang)
        for path in paths:
            response = client.get(path)
            if response.status_code != 200:
                problems.append(f"{username} {path}: HTTP {response.status_code}")
                continue
            html = response.content.decode()
            assert f'<html lang="{lang}" dir="rtl">' in html, path
            problems += [f"{username} {path}: {p}" for p in unisolated_ltr_runs(html)]
    assert not problems, "\n".join(problems[:80]) + f"\n({len(problems)} in all)"


def test_every_list_of_persons_shows_names_in_both_scripts(demo, login):
    from muster.people.models import Person
    from muster.people.search import other_script

    lists_checked = 0
    for username, paths in role_pages():
        client = _client(login, username, "en")
        for path in paths:
            html = client.get(path).content.decode()
            numbers = set(re.findall(r'href="/people/(P[0-9A-Z]{8})/"', html))
            # A list: more than one person linked (a person's own page links the household).
            if len(numbers) < 2 or 'class="name"' not in html:
                continue  # no list, or numbers only for a role that may not see names
            shown = 0
            for person in Person.objects.filter(number__in=numbers):
                other = other_script(person)
                if other and person.display_name in html:
                    assert other in html, (username, path, person.display_name, other)
                    shown += 1
            lists_checked += shown > 0
    assert lists_checked >= 4


def test_facilities_are_named_in_arabic_in_the_arabic_ui(demo, login):
    from muster.custody.models import Facility

    camp = Facility.objects.get(name="Al-Hol camp")
    assert camp.name_ar == "مخيم الهول"
    manager = _client(login, "camp-manager", "ar")
    for path in ("/", "/facilities/", f"/facilities/{camp.pk}/"):
        html = manager.get(path).content.decode()
        assert "مخيم الهول" in html and "Al-Hol camp" not in html, path
    english = _client(login, "camp-manager", "en").get("/facilities/").content.decode()
    assert "Al-Hol camp" in english and "مخيم الهول" not in english
    # Sorani readers get the Sorani name, never the Arabic one (Arabic words, not Sorani).
    sorani = _client(login, "camp-manager", "ckb").get("/facilities/").content.decode()
    assert "کەمپی هەول" in sorani and "مخيم الهول" not in sorani


def test_time_zone_sex_and_family_name_words_in_arabic(demo, login):
    from muster.screening.models import Hit

    auditor = _client(login, "auditor", "ar")
    html = auditor.get("/audit/").content.decode()
    assert "Asia/Damascus" not in html and "بتوقيت دمشق" in html
    hit = Hit.objects.filter(kind="duplicate").order_by("id").first()
    officer = _client(login, "screening-officer", "ar")
    html = officer.get(f"/screening/hits/{hit.pk}/").content.decode()
    sex_row = re.search(r'data-field="sex".*?</tr>', html, re.S).group(0)
    assert re.search(r"<bdi[^>]*>(ذكر|أنثى)</bdi>", sex_row), sex_row
    registrar = _client(login, "registration-officer", "ar")
    html = registrar.get("/reception/").content.decode()
    family, alias = "اسم العائلة / العشيرة", "اللقب / الكنية (أبو فلان)"
    assert family in html and alias in html
    assert "الكنية / العشيرة" not in html  # the family name no longer called a kunya


def test_numbers_read_one_way_in_arabic():
    """Django's Arabic formats write 1.000 as "1,000" (a thousand) and 0.95 as "0,95"."""
    import datetime as dt

    with translation.override("ar"):
        assert formats.localize(1.0) == "1.0"
        assert formats.localize(0.95) == "0.95"
        assert formats.number_format(1.0, decimal_pos=3) == "1.000"  # never "1,000"
        assert formats.date_format(dt.date(2026, 1, 5)) == "2026-01-05"
        assert formats.date_format(dt.datetime(2026, 1, 5, 14, 5), "DATETIME_FORMAT") == (
            "2026-01-05 14:05"
        )


def test_counts_are_plural_forms_in_arabic():
    """Arabic has six plural forms: a count is never "N person(s)"."""
    from django.utils.translation import ngettext

    with translation.override("ar"):
        forms_ = {
            n: ngettext("%(n)d other field", "%(n)d other fields", n) % {"n": n}
            for n in (1, 2, 3, 11, 100)
        }
    assert len(set(f.replace(str(n), "N") for n, f in forms_.items())) >= 3, forms_


def test_listed_persons_in_the_queue_show_both_scripts(demo, login):
    from muster.people.search import other_script
    from muster.screening.models import Hit

    html = _client(login, "screening-officer", "en").get("/screening/?kind=reference_list")
    html = html.content.decode()
    entries = [h.reference_entry for h in Hit.objects.filter(kind="reference_list", status="open")]
    shown = [e for e in entries if e.display_name in html and other_script(e)]
    assert shown
    for entry in shown:
        assert other_script(entry) in html, entry.display_name
