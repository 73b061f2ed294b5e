"""In a real browser, in Arabic: a screening officer decides a family's categories in one form
from the head's page. Nothing is chosen for them; a refused member is shown beside their field and
nothing is recorded; corrected, all the decisions are recorded at once."""

import pytest

from muster.screening.models import CategoryDecision
from tests.e2e.conftest import OUT, sign_in

pytestmark = [pytest.mark.e2e]


def test_a_family_is_categorised_in_one_form_in_arabic(
    live_server, registered, make_user, browser_page, totp_code
):
    page, problems = browser_page
    head, spouse, son = registered.members.order_by("id")
    code = totp_code(make_user("screening_officer", username="salma"))
    sign_in(page, live_server.url, "salma", code=code)
    page.click('[data-testid="lang-ar"]')
    page.wait_for_selector('html[lang="ar"][dir="rtl"]')

    page.goto(f"{live_server.url}/people/{head.number}/")
    page.click('[data-testid="household-categories"]')
    page.wait_for_selector("form[data-household-categories]")
    for i in range(3):
        assert page.input_value(f'select[name="members[{i}].category"]') == ""

    page.fill('[name="reason"]', "قابلناهم معًا")
    page.select_option('select[name="members[0].category"]', "held")  # no basis yet
    page.select_option('select[name="members[1].category"]', "family_of_held")
    page.select_option('select[name="members[2].category"]', "family_of_held")
    page.click("form[data-household-categories] button.primary")
    page.wait_for_selector('[name="members[0].basis"][aria-invalid="true"]')
    assert not CategoryDecision.objects.exists()
    # What was chosen is kept for the correction.
    assert page.input_value('select[name="members[1].category"]') == "family_of_held"
    page.screenshot(path=str(OUT / "household-categories-ar-refused.png"), full_page=True)

    page.fill('[name="members[0].basis"]', "إفادة شاهدين")
    page.click("form[data-household-categories] button.primary")
    page.wait_for_url(f"**/people/{head.number}/")
    page.wait_for_selector(".messages")
    decisions = {d.person_id: d for d in CategoryDecision.objects.all()}
    assert decisions[head.pk].status == "pending"
    assert decisions[spouse.pk].is_current and decisions[son.pk].is_current
    assert decisions[son.pk].reason == "قابلناهم معًا"
    page.screenshot(path=str(OUT / "household-categories-ar-recorded.png"), full_page=True)
    assert not [p for p in problems if "status of 400" not in p], problems
