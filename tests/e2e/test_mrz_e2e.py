"""In a real browser: the officer scans a passport's machine-readable zone into the reception form;
a mistyped check digit is shown and fills nothing; the corrected zone fills the document and the
person's empty fields (a name already typed is kept), and the household is saved with it; on the
person's page the zone stays inside its card."""

from tests.e2e.conftest import OUT, sign_in
from tests.e2e.test_roles_walkthrough_e2e import SPILLS
from tests.intake.test_mrz_reception import TD3


def test_a_scanned_passport_fills_the_reception_form(
    live_server, facilities, make_user, browser_page, totp_code
):
    from muster.people.models import IdentityDocument, Person

    code = totp_code(make_user("registration_officer", username="hana"))
    page, problems = browser_page
    sign_in(page, live_server.url, "hana", code=code)

    page.goto(f"{live_server.url}/reception/")
    page.select_option('[name="reception_point"]', str(facilities["reception"].pk))
    page.fill('[name="members[0].given_name"]', "آنا")  # typed in Arabic before the scan
    zone = page.locator('[name="members[0].documents[0].mrz"]')

    zone.fill(TD3[:-1] + "9")  # a check digit misread
    zone.dispatch_event("change")
    page.wait_for_selector('[data-testid="mrz-result"] >> text=Not accepted')
    assert page.input_value('[name="members[0].documents[0].number"]') == ""

    zone.fill(TD3)
    zone.dispatch_event("change")
    page.wait_for_selector('[data-testid="mrz-result"] >> text=Check digits agree')
    page.wait_for_function(
        "document.querySelector('[name=\"members[0].documents[0].number\"]').value !== ''"
    )
    assert page.input_value('[name="members[0].documents[0].number"]') == "L898902C3"
    assert page.input_value('[name="members[0].documents[0].doc_type"]') == "passport"
    assert page.input_value('[name="members[0].documents[0].issuing_country"]') == "UTO"
    assert page.input_value('[name="members[0].family_name"]') == "ERIKSSON"
    assert page.input_value('[name="members[0].date_of_birth"]') == "1974-08-12"
    assert page.input_value('[name="members[0].sex"]') == "F"
    assert page.input_value('[name="members[0].given_name"]') == "آنا"  # kept
    page.screenshot(path=str(OUT / "reception-mrz.png"), full_page=True)

    page.click('button[type="submit"].primary')
    page.wait_for_url("**/people/**")
    person = Person.objects.get()
    assert (person.given_name, person.family_name, person.sex) == ("آنا", "ERIKSSON", "F")
    assert IdentityDocument.objects.get(person=person).mrz == TD3
    # The zone's two lines of 44 letters pushed the documents table out of its card.
    page.screenshot(path=str(OUT / "person-mrz.png"), full_page=True)
    assert page.evaluate(SPILLS) == []
    assert not problems, problems


# A French passport (check digits computed as Doc 9303 says).
FRENCH = (
    "P<FRADUBOIS<<CLAIRE<<<<<<<<<<<<<<<<<<<<<<<<<\n18AB123451FRA9906149F2903013<<<<<<<<<<<<<<02"
)


def test_a_scanned_passport_replaces_the_nationality_filled_in_ahead(
    live_server, facilities, make_user, browser_page, totp_code
):
    # A walk: a French mother's passport scanned at reception, and she was saved as Syrian (the
    # form fills in SYR ahead, and the zone filled only empty fields).
    from muster.people.models import Person

    code = totp_code(make_user("registration_officer", username="rana"))
    page, problems = browser_page
    sign_in(page, live_server.url, "rana", code=code)
    page.goto(f"{live_server.url}/reception/")
    page.select_option('[name="reception_point"]', str(facilities["reception"].pk))
    assert page.input_value('[name="members[0].nationality"]') == "SYR"
    zone = page.locator('[name="members[0].documents[0].mrz"]')
    zone.fill(FRENCH)
    zone.dispatch_event("change")
    page.wait_for_selector('[data-testid="mrz-result"] >> text=Check digits agree')
    page.wait_for_function(
        "document.querySelector('[name=\"members[0].nationality\"]').value === 'FRA'"
    )
    page.click('button[type="submit"].primary')
    page.wait_for_url("**/people/**")
    assert Person.objects.get().nationality == "FRA"
    assert not problems, problems
