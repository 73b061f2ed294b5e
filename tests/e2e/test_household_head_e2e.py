"""In a real browser, in English and Arabic: making a son head of household proposes each member's
relationship to him (his father, his mother), which the officer confirms in the same form; a
duplicate who heads a second family is not merged until someone else heads it, and the hit page
says so before the officer confirms. Screenshots go to test-output/e2e/."""

import pytest

from muster.people.models import Person
from muster.screening.models import Hit
from tests import factories
from tests.e2e.conftest import OUT, sign_in
from tests.screening.test_merge_head_of_household import FIRST, SECOND

pytestmark = [pytest.mark.e2e]

SCROLLS_SIDEWAYS = "document.documentElement.scrollWidth > innerWidth"


def _read_in(page, language: str) -> None:
    page.click(f'[data-testid="lang-{language}"]')
    page.wait_for_selector(f'html[lang="{language}"]')


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_new_heads_family_is_expressed_again_in_one_form(
    live_server, registered, make_user, browser_page, totp_code, language
):
    page, problems = browser_page
    head, spouse, son = registered.members.order_by("id")
    code = totp_code(make_user("registration_officer", username="nour"))
    sign_in(page, live_server.url, "nour", code=code)
    _read_in(page, language)

    page.goto(f"{live_server.url}/people/{son.number}/")
    page.click('[data-testid="make-head"]')
    page.wait_for_selector("form[data-make-head]")
    assert page.input_value('select[name="former_head_relationship"]') == "father"
    assert page.input_value(f'select[name="relationships.{spouse.number}"]') == "mother"
    assert not page.evaluate(SCROLLS_SIDEWAYS)
    page.screenshot(path=str(OUT / f"make-head-proposed-{language}.png"), full_page=True)

    # Sent without a reason: refused, what was chosen kept.
    page.select_option(f'select[name="relationships.{spouse.number}"]', "other")
    page.click("form[data-make-head] button.primary")
    page.wait_for_selector('[name="reason"][aria-invalid="true"]')
    assert page.input_value(f'select[name="relationships.{spouse.number}"]') == "other"
    page.select_option(f'select[name="relationships.{spouse.number}"]', "mother")
    page.fill('[name="reason"]', "father detained")
    page.click("form[data-make-head] button.primary")
    page.wait_for_url(f"**/people/{son.number}/")
    page.wait_for_selector(".messages")
    relationships = dict(registered.members.values_list("pk", "relationship_to_head"))
    assert relationships == {head.pk: "father", spouse.pk: "mother", son.pk: "head"}
    page.screenshot(path=str(OUT / f"make-head-done-{language}.png"), full_page=True)
    assert not [p for p in problems if "status of 400" not in p], problems


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_hit_page_says_a_head_of_another_family_is_not_merged_yet(
    live_server, facilities, make_user, browser_page, totp_code, language
):
    page, problems = browser_page
    first = factories.household(FIRST, reception_point=facilities["reception"])
    second = factories.household(SECOND, reception_point=facilities["reception"])
    hit = Hit.objects.get(kind=Hit.Kind.DUPLICATE)
    assert hit.person.household == second and hit.candidate.household == first
    code = totp_code(make_user("screening_officer", username="salma"))
    sign_in(page, live_server.url, "salma", code=code)
    _read_in(page, language)

    page.goto(f"{live_server.url}/screening/hits/{hit.pk}/")
    note = page.locator('[data-testid="head-left-behind"]')
    assert second.number in note.inner_text() and hit.person.number in note.inner_text()
    page.screenshot(path=str(OUT / f"merge-head-left-behind-{language}.png"), full_page=True)

    page.check('[name="decision"][value="confirm"]')
    page.fill('form:has([name="decision"]) [name="reason"]', "same man")
    page.click('form:has([name="decision"]) button.primary')
    page.wait_for_selector('[data-code="duplicate_heads_household"]')
    assert Person.objects.get(pk=hit.person.pk).merged_into_id is None
    assert not page.evaluate(SCROLLS_SIDEWAYS)
    page.screenshot(path=str(OUT / f"merge-refused-{language}.png"), full_page=True)
    assert not [p for p in problems if "status of 400" not in p], problems


@pytest.mark.parametrize("language", ["en", "ar"])
def test_undoing_a_merge_says_the_record_comes_back_beside_the_head(
    live_server, facilities, make_user, browser_page, totp_code, language
):
    from muster.people import services as people
    from muster.screening import services as screening

    page, problems = browser_page
    factories.household([FIRST[0]], reception_point=facilities["reception"])
    family = factories.household(SECOND, reception_point=facilities["reception"])
    hit = Hit.objects.get(kind=Hit.Kind.DUPLICATE)
    officer = make_user("screening_officer", username="salma")
    screening.adjudicate(hit, "confirm", reason="same man", by=officer)
    claire = family.members.get(given_name="Claire")
    people.make_head(claire, former_head_relationship="spouse", reason="he left", by=officer)
    sign_in(page, live_server.url, "salma", code=totp_code(officer))
    _read_in(page, language)

    page.goto(f"{live_server.url}/screening/hits/{hit.pk}/")
    note = page.locator('[data-testid="head-on-return"]').inner_text()
    assert claire.number in note and hit.person.number in note
    page.screenshot(path=str(OUT / f"unmerge-preview-{language}.png"), full_page=True)
    undo = page.locator('form:has([name="action"][value="undo_merge"])')
    undo.locator('[name="reason"]').fill("two men")
    undo.locator("button").click()
    page.wait_for_selector(".messages .warning, .messages [class*=warning]")
    assert claire.number in page.locator(".messages").inner_text()
    assert [p.number for p in people.current_heads(family.pk)] == [claire.number]
    assert not page.evaluate(SCROLLS_SIDEWAYS)
    page.screenshot(path=str(OUT / f"unmerge-told-{language}.png"), full_page=True)
    assert not problems, problems
