"""The import page (Kobo / ODK submissions) on the officer's laptop and on a phone, in English and
in Sorani: the reception point readable in its select, the Import button a button's height, and the
page no wider than the screen. Screenshots go to test-output/e2e/."""

import pytest

from tests.e2e.conftest import OUT, fits_the_screen, new_page, sign_in

# The select's own arrow and padding, beside the text it shows.
SELECT_CHROME_PX = 40

MEASURE = """() => {
  const select = document.querySelector('select[name=reception_point]');
  const button = document.querySelector('main form button[type=submit]');
  const probe = document.createElement('span');
  probe.style.font = getComputedStyle(select).font;
  probe.style.whiteSpace = 'nowrap';
  probe.textContent = select.options[select.selectedIndex].text;
  document.body.appendChild(probe);
  const text = probe.getBoundingClientRect().width;
  probe.remove();
  return {
    text, select: select.getBoundingClientRect().width,
    selectHeight: select.getBoundingClientRect().height,
    buttonHeight: button.getBoundingClientRect().height,
  };
}"""


def signed_in(browser, live_server, user, totp_code, language, problems):  # noqa: ANN001, ANN201
    """A context and its page, ``user`` signed in and reading ``language``: each test reads its
    page on the laptop and then on the phone in that one session (the layout is the screen's, not
    the session's; a second user and sign-in per screen cost about a second)."""
    context, page = new_page(browser, problems)
    sign_in(page, live_server.url, user.username, code=totp_code(user))
    page.click(f'[data-testid="lang-{language}"]')
    page.wait_for_selector(f'html[lang="{language}"]')
    return context, page


@pytest.mark.parametrize("language", ["en", "ckb"])
def test_the_import_form_shows_the_reception_point_and_a_plain_button(
    live_server, browser, facilities, make_user, totp_code, language
):
    point = facilities["reception"]
    point.name = "Reception point 1 (Baghouz)"  # as named in the demo, where it was cut off
    point.save()
    problems: list[str] = []
    context, page = signed_in(browser, live_server, make_user("registration_officer"),
                              totp_code, language, problems)  # fmt: skip
    for width, height in ((1366, 768), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{live_server.url}/reception/import/")
        page.select_option("select[name=reception_point]", str(point.pk))
        page.evaluate("document.fonts.ready.then(() => true)")
        page.screenshot(path=str(OUT / f"import-{language}-{width}.png"), full_page=True)
        sizes = page.evaluate(MEASURE)
        assert sizes["select"] >= sizes["text"] + SELECT_CHROME_PX - 8, (width, sizes)
        assert sizes["buttonHeight"] <= sizes["selectHeight"] + 12, (width, sizes)
        assert fits_the_screen(page), width
    context.close()
    assert problems == []


# The other pages that take a file, and who uses them: their Import button was stretched to the
# height of the grid row beside it (82px on the tracing import at 1366x768) or set alone on a row.
OTHER_UPLOADS = {
    "tracing": ("tracing_caseworker", "/tracing/import/"),
    "reference-lists": ("screening_officer", "/screening/lists/"),
}

BUTTON_BESIDE_FIELDS = """() => {
  const form = [...document.querySelectorAll('main form')].find(f => f.querySelector('input[type=file]'));
  const button = form.querySelector('button[type=submit]');
  const file = form.querySelector('input[type=file]');
  return {
    buttonHeight: button.getBoundingClientRect().height,
    buttonWidth: button.getBoundingClientRect().width,
    fieldHeight: file.getBoundingClientRect().height,
    formWidth: form.getBoundingClientRect().width,
  };
}"""


@pytest.mark.parametrize("upload", sorted(OTHER_UPLOADS))
@pytest.mark.parametrize("language", ["en", "ckb"])
def test_every_import_form_has_a_plain_button(
    live_server, browser, make_user, totp_code, language, upload
):
    role, path = OTHER_UPLOADS[upload]
    problems: list[str] = []
    context, page = signed_in(browser, live_server, make_user(role), totp_code, language, problems)
    for width, height in ((1366, 768), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{live_server.url}{path}")
        page.evaluate("document.fonts.ready.then(() => true)")
        page.screenshot(path=str(OUT / f"import-{upload}-{language}-{width}.png"), full_page=True)
        sizes = page.evaluate(BUTTON_BESIDE_FIELDS)
        assert sizes["buttonHeight"] <= sizes["fieldHeight"] + 12, (width, sizes)
        # A button as wide as its word, not a column of the form's grid.
        assert sizes["buttonWidth"] < sizes["formWidth"] / 2, (width, sizes)
        assert fits_the_screen(page), width
    context.close()
    assert problems == []
