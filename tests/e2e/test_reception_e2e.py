"""In a real browser: a registration officer, in Arabic, registers a family of three on the reception
form (surviving a reload half-way, as after a power cut) and finds them at the reception point.

Debian's Chromium driven by Playwright; nothing is downloaded. Screenshots go to test-output/e2e/.
"""

from tests.e2e.conftest import OUT, sign_in


def fill_member(page, i: int, **fields) -> None:
    for name, value in fields.items():
        locator = page.locator(f'[name="members[{i}].{name}"]')
        if name in ("sex", "relationship_to_head"):
            locator.select_option(value)
        elif value is True:
            locator.check()
        else:
            locator.fill(value)


def test_officer_registers_a_family_of_three_in_arabic_and_finds_them_at_the_reception_point(
    live_server, facilities, make_user, browser_page, totp_code
):
    from muster.people.models import Person

    code = totp_code(make_user("registration_officer", username="amal"))
    point = facilities["reception"]
    page, problems = browser_page

    sign_in(page, live_server.url, "amal", code=code)

    page.click('[data-testid="lang-ar"]')
    page.wait_for_selector('html[lang="ar"][dir="rtl"]')
    page.screenshot(path=str(OUT / "home-ar.png"), full_page=True)

    page.goto(f"{live_server.url}/reception/")
    page.select_option('[name="reception_point"]', str(point.pk))
    fill_member(
        page,
        0,
        given_name="Khalid",
        father_name="Hamad",
        grandfather_name="Saleh",
        family_name="al-Jubouri",
        mother_name="Zainab",
        sex="M",
        birth_year="1979",
        place_of_origin="Hajin",
    )
    page.click("[data-add-member]")
    fill_member(
        page,
        1,
        given_name="فاطمة",
        father_name="حسن",
        family_name="الشمري",
        sex="F",
        estimated_age="38",
        relationship_to_head="spouse",
        pregnant=True,
    )
    page.click("[data-add-member]")
    fill_member(
        page,
        2,
        given_name="Yusuf",
        father_name="Khalid",
        family_name="al-Jubouri",
        sex="M",
        date_of_birth="٢٠١٦-٠٥-٠٩",  # typed on an Arabic keyboard
        relationship_to_head="son",
    )
    # Shown as stored: in Arabic-Indic digits the left-to-right box read ٠٩-٠٥-٢٠١٦.
    assert page.input_value('[name="members[2].date_of_birth"]') == "2016-05-09"
    page.locator('[name="members[2].documents[0].doc_type"]').select_option("birth_certificate")
    page.fill('[name="members[2].documents[0].number"]', "BC-2016-4471")
    page.screenshot(path=str(OUT / "reception-ar-filled.png"), full_page=True)

    # The generator stops: the page reloads, and the family typed so far is still there.
    page.wait_for_timeout(600)  # the draft is written 250 ms after the last keystroke
    page.reload()
    page.wait_for_selector("[data-draft-note]:not([hidden])")
    assert page.input_value('[name="members[1].given_name"]') == "فاطمة"
    assert page.input_value('[name="members[2].documents[0].number"]') == "BC-2016-4471"
    assert page.is_checked('[name="members[1].pregnant"]')

    page.click('button[type="submit"].primary')
    page.wait_for_url("**/people/**")
    assert "سُجّلت الأسرة" in page.inner_text(".messages")
    assert page.evaluate("Object.keys(localStorage).length") == 0  # draft cleared once saved
    page.screenshot(path=str(OUT / "person-ar.png"), full_page=True)

    page.goto(f"{live_server.url}/facilities/{point.pk}/")
    persons = page.inner_text("#persons")
    for name in ("Khalid Hamad Saleh al-Jubouri", "فاطمة حسن الشمري", "Yusuf Khalid al-Jubouri"):
        assert name in persons
    assert page.inner_text('[data-testid="arrivals-today"]') == "3"
    page.screenshot(path=str(OUT / "facility-ar.png"), full_page=True)

    # Live search across scripts (htmx), then the same pages in English.
    page.goto(f"{live_server.url}/people/")
    page.fill('[name="q"]', "خالد")
    page.wait_for_selector("#results table")
    assert "Khalid Hamad Saleh al-Jubouri" in page.inner_text("#results")
    page.screenshot(path=str(OUT / "search-ar.png"), full_page=True)

    page.click('[data-testid="lang-en"]')
    page.wait_for_selector('html[lang="en"][dir="ltr"]')
    page.goto(f"{live_server.url}/reception/")
    page.screenshot(path=str(OUT / "reception-en.png"), full_page=True)
    page.goto(f"{live_server.url}/facilities/{point.pk}/")
    page.screenshot(path=str(OUT / "facility-en.png"), full_page=True)

    assert Person.objects.filter(household__isnull=False).count() == 3
    assert Person.objects.get(given_name="فاطمة").pregnant is True

    # A draft belongs to its officer, expires, and does not survive signing out (shared laptops).
    officer_id = Person.objects.get(given_name="Yusuf").registered_by_id
    page.goto(f"{live_server.url}/reception/")
    fill_member(page, 0, given_name="Draftname")
    page.wait_for_timeout(600)
    draft = page.evaluate(f"JSON.parse(localStorage.getItem('muster:reception:{officer_id}'))")
    hours_left = (draft["expires"] - draft["at"]) / 3_600_000
    assert draft["values"]["members[0].given_name"] == "Draftname" and 11.9 < hours_left <= 12
    page.evaluate(
        "localStorage.setItem('muster:reception:999999', JSON.stringify("
        "{v: 2, expires: Date.now() - 1, rows: [{i: 0, docs: []}], values: {}}))"
    )
    page.goto(f"{live_server.url}/people/")
    keys = page.evaluate("Object.keys(localStorage)")
    assert keys == [f"muster:reception:{officer_id}"]  # the expired one went, the live one stays
    page.click(".tools button.link")  # Sign out
    page.wait_for_url("**/account/login/**")
    assert page.evaluate("Object.keys(localStorage).length") == 0
    assert not problems, problems
