"""Every page of every role's day, in Arabic and Sorani on a small demo: no left-to-right run left
unisolated in the right-to-left text (tests/web/bidi.py), facility names in Arabic, the time zone,
sex and counts in the reader's language, numbers written one way."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import formats, translation

from tests.web.bidi import unisolated_ltr_runs

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db, django_capture_on_commit_callbacks):
    from muster.demo import load_demo

    with django_capture_on_commit_callbacks(execute=True):
        return load_demo(persons=150, seed=4, progress=False)


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
        ("registration-officer", [*person_pages, "/reception/", f"/people/{person.number}/correct/"]),
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
        ("coordinator", ["/", "/unaccounted/figures/", "/facilities/"]),
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
