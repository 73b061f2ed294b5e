"""The pages in Arabic: right-to-left, translated, names untouched."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


def test_reception_form_in_arabic_is_right_to_left_and_translated(facilities, officer_client):
    officer_client.post(reverse("set_language"), {"language": "ar", "next": "/"})
    html = officer_client.get(reverse("reception")).content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    for text in ("تسجيل أسرة", "ربّ الأسرة", "اسم الأب", "طفل منفصل عن ذويه", "إضافة فرد من الأسرة"):
        assert text in html, text


def test_validation_messages_come_back_in_arabic(facilities, officer_client, household_data):
    from tests.factories import household_post

    officer_client.post(reverse("set_language"), {"language": "ar", "next": "/"})
    household_data[0]["date_of_birth"] = "1985-13-02"
    html = officer_client.post(
        reverse("reception"), household_post(household_data, facilities["reception"])
    ).content.decode()
    assert "ليس تاريخاً" in html
    assert 'value="1985-13-02"' in html


def test_person_page_in_arabic_keeps_latin_names_as_typed(registered, officer_client):
    officer_client.post(reverse("set_language"), {"language": "ar", "next": "/"})
    head = registered.members.order_by("id").first()
    html = officer_client.get(reverse("person-detail", kwargs={"number": head.number})).content
    html = html.decode()
    assert "السجل الزمني" in html and "al-Obeidi" in html and "عائشة علي الجبوري" in html


def test_held_proposal_separation_and_screening_links_in_arabic(
    registered, facilities, make_user, login
):
    from muster.custody import services as custody
    from muster.screening import services as screening

    head, spouse, son = registered.members.order_by("id")
    proposer = make_user("screening_officer", username="amal")
    screening.decide_category(head, "held", reason="list X", basis="entry 12", by=proposer)
    custody.dispatch(
        [son],
        from_facility=facilities["reception"],
        to_facility=facilities["camp"],
        by=make_user("camp_manager", facility=facilities["reception"]),
        separation_reason="جراحة",
    )
    client = login(make_user("screening_officer", username="basim"))
    client.post(reverse("set_language"), {"language": "ar", "next": "/"})
    html = client.get(reverse("person-detail", kwargs={"number": head.number})).content.decode()
    assert "\u2068amal\u2069" in html  # a Latin name isolated in the Arabic sentence
    html = html.replace("\u2068", "").replace("\u2069", "")
    assert "اقترح amal تصنيف" in html and "بانتظار موافقة موظف ثانٍ" in html
    assert "مفصول عن أسرته: جراحة" in html and "بقي حين نُقل آخرون إلى" in html
    assert "الموافقات" in html and "الأطفال" in html  # the screening pages in the top bar


def test_a_request_in_arabic_leaves_arabic_on_the_thread_until_the_reset_after_each_test(
    officer_client,
):
    """Why tests/conftest.py resets the language after every test (LocaleMiddleware activates the
    request's language on the thread and nothing resets it), in one test that does not depend on
    the order the tests run in."""
    from tests.conftest import reset_language

    officer_client.get(reverse("reception"), HTTP_ACCEPT_LANGUAGE="ar")
    assert translation.get_language() == "ar"
    reset_language()
    assert translation.get_language() == settings.LANGUAGE_CODE


@pytest.mark.django_db
def test_an_estimated_birth_year_says_so_in_arabic_wherever_it_is_shown(registered):
    # The children's list and the protection review show dob_display, not the _dob.html include.
    spouse = registered.members.get(relationship_to_head="spouse")
    assert spouse.dob_display.endswith("(est.)")
    with translation.override("ar"):
        assert spouse.dob_display.endswith("(تقديري)")


@pytest.mark.parametrize("lang", ["ar", "ckb"])
def test_an_example_date_or_code_in_a_right_to_left_hint_keeps_its_order_and_its_line(lang):
    """After Arabic letters the digits of 2014-08-15 are laid out right to left (15-08-2014),
    which invites a caseworker to type the day first; isolated in the sentence, the date still
    broke at its hyphens as "-2014 / 08-15" on two lines (the field walk). An example in a help
    text is a left-to-right run of its own that does not break (<bdi dir="ltr" class="nowrap">),
    P-codes too."""
    from tests import factories

    client = factories.signed_in(factories.user("tracing_caseworker"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    page = client.get(reverse("tracing-request-new")).content.decode()
    for name, example in (("separation_date", "2014-08-15"), ("separation_pcode", "IQ-G05-D0035")):
        hint = page.split(f'id="h-{name}">')[1].split("</small>")[0]
        assert f'<bdi dir="ltr" class="nowrap">{example}</bdi>' in hint, hint
        assert "\u2066" not in hint and "\u2068" not in hint, hint  # one way, not two
