"""In a real browser, what a Kurdish-speaking officer types on the forms reaches the server whole:
a nationality written out in Sorani, a file chosen on a page in Kurdish. Screenshots go to
test-output/e2e/.
"""

from tests.e2e.conftest import OUT, sign_in


def test_a_nationality_typed_in_sorani_is_registered_as_its_country(
    live_server, facilities, make_user, browser_page, totp_code
):
    """The box took three letters: "عێراق" was cut to "عێر" and refused as no country code."""
    from muster.people.models import Person

    code = totp_code(make_user("registration_officer", username="rebwar"))
    page, problems = browser_page
    sign_in(page, live_server.url, "rebwar", code=code)
    page.click('[data-testid="lang-ckb"]')
    page.wait_for_selector('html[lang="ckb"][dir="rtl"]')

    page.goto(f"{live_server.url}/reception/")
    page.select_option('[name="reception_point"]', str(facilities["reception"].pk))
    page.fill('[name="members[0].given_name"]', "ڕێبوار")
    page.fill('[name="members[0].family_name"]', "ئەحمەدی")
    page.select_option('[name="members[0].sex"]', "M")
    page.fill('[name="members[0].birth_year"]', "1984")
    nationality = page.locator('[name="members[0].nationality"]')
    nationality.fill("")
    nationality.press_sequentially("عێراق")
    assert nationality.input_value() == "عێراق"
    assert nationality.evaluate("e => getComputedStyle(e).direction") == "rtl"
    page.screenshot(path=str(OUT / "reception-nationality-ckb.png"), full_page=True)
    # The possible matches for the name typed (htmx) are asked before the form is sent.
    page.wait_for_timeout(300)
    while page.evaluate("document.querySelector('.htmx-request') !== null"):
        page.wait_for_timeout(100)
    page.click('form button.primary[type="submit"]')
    page.wait_for_url(f"{live_server.url}/people/P*/")

    assert Person.objects.get(given_name="ڕێبوار").nationality == "IRQ"
    assert not problems, problems


# The left edges of the first and the last piece of ``typed`` (a date) as drawn inside ``selector``:
# in the order typed, the year is left of the day; reordered by a right-to-left line, right of it.
PIECES_DRAWN = """([selector, typed]) => {
    const root = document.querySelector(selector);
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const at = node.data.indexOf(typed);
        if (at < 0) continue;
        const left = (start, end) => {
            const range = document.createRange();
            range.setStart(node, start);
            range.setEnd(node, end);
            return range.getBoundingClientRect().left;
        };
        return [left(at, at + 4), left(at + typed.length - 2, at + typed.length)];
    }
    return null;
}"""


def test_a_date_refused_in_sorani_is_shown_in_the_order_it_was_typed(
    live_server, facilities, make_user, browser_page, totp_code
):
    """After Arabic-script words ("کەسی 1 · بەرواری لەدایکبوون · ") a date's digits are Arabic
    numbers to the bidi algorithm: the summary showed '1984-13-02' as '02-13-1984'."""
    from muster.people.models import Person

    code = totp_code(make_user("registration_officer", username="shilan"))
    page, problems = browser_page
    sign_in(page, live_server.url, "shilan", code=code)
    page.click('[data-testid="lang-ckb"]')
    page.wait_for_selector('html[lang="ckb"][dir="rtl"]')

    page.goto(f"{live_server.url}/reception/")
    page.select_option('[name="reception_point"]', str(facilities["reception"].pk))
    page.fill('[name="members[0].given_name"]', "شیلان")
    page.select_option('[name="members[0].sex"]', "F")
    page.fill('[name="members[0].date_of_birth"]', "1984-13-02")
    page.wait_for_timeout(300)
    while page.evaluate("document.querySelector('.htmx-request') !== null"):
        page.wait_for_timeout(100)
    page.click('form button.primary[type="submit"]')
    page.wait_for_selector(".error-summary")
    page.screenshot(path=str(OUT / "reception-date-refused-ckb.png"), full_page=True)

    for where in (".error-summary", '[name="members[0].date_of_birth"] ~ .field-error'):
        year, day = page.evaluate(PIECES_DRAWN, [where, "1984-13-02"])
        assert year < day, where
    assert not Person.objects.exists()
    assert [p for p in problems if "HTTP 400" not in p and "status of 400" not in p] == []


def test_a_file_is_chosen_in_kurmanji_and_sent(
    live_server, make_user, browser_page, totp_code, tmp_path
):
    """The browser drew its file box in its own language: "Choose File" and "No file chosen" in
    English on the Kurmanji and Sorani pages (cut to "No fil…osen" in the tracing form)."""
    from PIL import Image

    from muster.tracing.models import TracingRequest

    photo = tmp_path / "nadiya.png"
    Image.new("RGB", (8, 8), "white").save(photo)
    code = totp_code(make_user("tracing_caseworker", username="nesrin"))
    page, problems = browser_page
    sign_in(page, live_server.url, "nesrin", code=code)
    page.click('[data-testid="lang-kmr"]')
    page.wait_for_selector('html[lang="kmr"]')

    page.goto(f"{live_server.url}/tracing/new/")
    box = page.locator("#f-photo .filepick")
    assert box.inner_text().split() == "Dosyeyekê hilbijêre Tu dosye nehatiye hilbijartin".split()
    page.fill('[name="given_name"]', "Nadiya")
    page.fill('[name="mother_name"]', "Gulîstan")
    page.fill('[name="birth_year"]', "2005")
    with page.expect_file_chooser() as chooser:
        box.locator(".button").click(force=True)  # the click lands on the input lying over it
    chooser.value.set_files(str(photo))
    assert box.locator(".filename").inner_text() == "nadiya.png"
    page.screenshot(path=str(OUT / "tracing-photo-kmr.png"), full_page=True)
    page.click('form button.primary[type="submit"]')
    page.wait_for_url(f"{live_server.url}/tracing/requests/TR*/")

    assert TracingRequest.objects.get().photo_content_type == "image/png"
    page.click('[data-testid="lang-ckb"]')
    page.wait_for_selector('html[lang="ckb"]')
    page.goto(f"{live_server.url}/tracing/import/")
    assert "فایلێک هەڵبژێرە" in page.inner_text("main form")
    assert "Choose" not in page.content() and "No file" not in page.inner_text("main")
    assert not problems, problems


COVERED_LABELS = """() => {
    const member = document.querySelectorAll('fieldset.member')[1];
    const button = member.querySelector('.remove').getBoundingClientRect();
    return [...member.querySelectorAll('label')].filter((label) => {
        const r = label.getBoundingClientRect();
        return !(r.right <= button.left || r.left >= button.right
                 || r.bottom <= button.top || r.top >= button.bottom);
    }).map((label) => label.innerText.trim());
}"""


def test_a_members_remove_button_covers_no_label_in_kurmanji_or_sorani(
    live_server, browser, make_user, totp_code
):
    """ "× Rakirin" lay over the end of "Leqeb / kunye (Ebû ...)" (and over "Navê bav" on a phone)."""
    from tests.e2e.conftest import PHONE, VIEWPORT, new_page

    problems: list[str] = []
    user = make_user("registration_officer", username="zozan")
    # One session: the language switched and the screen resized in it (a sign-in each was four).
    context, page = new_page(browser, problems)
    sign_in(page, live_server.url, user.username, code=totp_code(user))
    for language in ("kmr", "ckb"):
        page.set_viewport_size(VIEWPORT)
        page.click(f'[data-testid="lang-{language}"]')
        page.wait_for_selector(f'html[lang="{language}"]')
        for size in (VIEWPORT, PHONE):
            page.set_viewport_size(size)
            page.goto(f"{live_server.url}/reception/")
            page.click("[data-add-member]")
            page.screenshot(path=str(OUT / f"reception-member-{language}-{size['width']}.png"))
            assert page.evaluate(COVERED_LABELS) == [], (language, size)
    context.close()
    assert not problems, problems
