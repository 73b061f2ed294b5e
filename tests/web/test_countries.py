"""A nationality is read as a country's name in the reader's language, its code beside it, on the
person's page and in the registration form's list; an unknown code is shown as it is."""

import pytest
from django.urls import reverse
from django.utils import translation

from muster.core.countries import NAMES, country_name
from tests.web.test_kurdish import switch

pytestmark = pytest.mark.django_db


def test_a_code_reads_as_the_countrys_name_in_each_language():
    with translation.override("en"):
        assert country_name("irq") == "Iraq (IRQ)"
        assert country_name("XYZ") == "XYZ" and country_name(None) == ""
    with translation.override("ar"):
        assert country_name("IRQ") == "العراق (IRQ)"
    with translation.override("ckb"):
        assert country_name("SYR") == "سووریا (SYR)"
    with translation.override("kmr"):
        assert country_name("SYR") == "Sûriye (SYR)"
    with translation.override("ar"):
        untranslated = [c for c, name in NAMES.items() if str(name).isascii()]
    assert untranslated == []


def test_the_person_page_and_the_form_name_the_country(registered, officer_client):
    head = registered.members.order_by("id").first()
    head.nationality = "IRQ"
    head.save(update_fields=["nationality"])
    url = reverse("person-detail", kwargs={"number": head.number})
    assert "Iraq (IRQ)" in officer_client.get(url).content.decode()
    switch(officer_client, "ar")
    assert "العراق (IRQ)" in officer_client.get(url).content.decode()
    form = officer_client.get(reverse("reception")).content.decode()
    assert '<option value="SYR" label="سوريا">' in form


def test_the_departure_planning_form_offers_the_countries_by_name(make_user, login):
    client = login(make_user("repatriation_officer"))
    html = client.get(reverse("departure-new")).content.decode()
    assert 'list="iso3"' in html and '<option value="UZB" label="Uzbekistan">' in html


def test_every_iso_country_and_the_mrz_status_codes_are_named_in_each_language():
    from itertools import product
    from string import ascii_uppercase

    from muster.identity import is_state_code

    states = ["".join(t) for t in product(ascii_uppercase, repeat=3)]
    states = [c for c in states if is_state_code(c)]
    assert len(states) >= 249
    for language in ("en", "ar", "ckb", "kmr"):
        with translation.override(language):
            unnamed = [c for c in states if country_name(c) == c]
            assert unnamed == [], language
            for code in ("XXA", "XXB", "XXC", "XXX", "UNK"):
                assert country_name(code).endswith(f"({code})") and country_name(code) != code
    with translation.override("en"):
        assert country_name("ARG") == "Argentina (ARG)"
        assert country_name("XXX") == "Nationality unspecified (XXX)"
        assert country_name("ZZZ") == "ZZZ"
    with translation.override("ar"):
        assert country_name("ARG") == "الأرجنتين (ARG)"
        assert not country_name("XXC").removesuffix(" (XXC)").isascii()
    with translation.override("ckb"):
        assert country_name("ARG") == "ئەرژەنتین (ARG)"
    with translation.override("kmr"):
        assert country_name("ARG") == "Arjantîn (ARG)"


def test_a_country_outside_the_forms_list_is_read_and_shown_by_name(registered, officer_client):
    from muster.people.validation import read_country

    assert read_country("Argentina") == read_country("الأرجنتين") == "ARG"
    assert read_country("Arjantîn") == "ARG"
    head = registered.members.order_by("id").first()
    head.nationality = "ARG"
    head.save(update_fields=["nationality"])
    url = reverse("person-detail", kwargs={"number": head.number})
    assert "Argentina (ARG)" in officer_client.get(url).content.decode()
    switch(officer_client, "ar")
    page = officer_client.get(url).content.decode()
    assert "الأرجنتين (ARG)" in page
