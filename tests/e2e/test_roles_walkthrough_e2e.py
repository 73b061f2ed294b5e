"""Day one in the field, in a real browser at 1366x768: each role's day on a demo database, in
English, Arabic and Sorani. Fails on any console error, page error or HTTP 5xx. Screenshots of every
page of the English walk, and of each role's home page in Arabic and Sorani, go to
test-output/e2e/walk-<language>-<role>-<page>.png (a full-page screenshot costs about a seventh of a
second: one of every page in all three languages was a third of the test's time).

One demo of a few hundred persons; each role walks their day in English, then sees their key pages
in Arabic and in Sorani (right-to-left, fitting the screen). The walk follows USERS.md: the
registration officer registers a family, prints the slip and adds a late relative with two
documents; the screening
officer decides a hit and proposes "held", a second screening officer approves it, the camp manager
reads the figures of their camp and receives a bus, the coordinator reads the sitrep, the auditor
opens the log, the tracing caseworker and the repatriation officer find a person.
"""

import time

import pytest

from tests.e2e.conftest import OUT, fits_the_screen, new_page

PERSONS = 300


@pytest.fixture
def demo(load_demo_once):
    summary = load_demo_once(persons=PERSONS, seed=3)
    return {user: (password, secret) for _role, user, password, secret in summary.logins}


# Elements drawn outside the card that holds them (a card too small for its content overlaps the
# next one): "<card classes> > <tag.classes>", the first of each card.
SPILLS = """[...document.querySelectorAll('.card')].flatMap(card => {
  const box = card.getBoundingClientRect();
  const out = [...card.querySelectorAll('*')].find(e => {
    const r = e.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(e).position !== 'fixed' &&
      (r.bottom > box.bottom + 2 || r.right > box.right + 2 || r.left < box.left - 2);
  });
  return out ? [card.className + ' > ' + out.tagName.toLowerCase() + '.' + out.className] : [];
})"""


class Walk:
    """One role's browser session in one language, collecting every problem it meets."""

    def __init__(self, browser, base: str, lang: str, problems: list[str]):
        self.base, self.lang, self.problems = base, lang, problems
        self.user = ""
        self.context, self.page = new_page(browser, problems, where=lambda: self.where() + " ")
        self.context.add_cookies([{"name": "django_language", "value": lang, "url": base}])

    def where(self) -> str:
        return f"[{self.lang} {self.user}]"

    def sign_in(self, username: str, logins: dict) -> None:
        import pyotp

        self.user = username
        password, secret = logins[username]
        page = self.page
        page.goto(f"{self.base}/account/login/")
        page.fill('[name="username"]', username)
        page.fill('[name="password"]', password)
        page.press('[name="password"]', "Enter")
        page.wait_for_load_state()
        if "/account/2fa/" in page.url:
            # The demo used this step's code to enrol the authenticator, and a code is accepted
            # once: give the next step's (one step of clock drift is accepted).
            page.fill('[name="code"]', pyotp.TOTP(secret).at(time.time() + 30))
            page.press('[name="code"]', "Enter")
        page.wait_for_url(f"{self.base}/")
        assert page.get_attribute("html", "dir") == "ltr"
        assert page.get_attribute("html", "lang") == "en"

    def shot(self, name: str) -> None:
        self.page.wait_for_load_state()
        self.page.screenshot(
            path=str(OUT / f"walk-{self.lang}-{self.user}-{name}.png"), full_page=True
        )

    def visit(self, path: str, name: str, shot: bool = True) -> None:
        response = self.page.goto(f"{self.base}{path}")
        assert response is not None and response.status < 400, (path, response and response.status)
        if shot:
            self.shot(name)
        else:
            self.page.wait_for_load_state()
        for spill in self.page.evaluate(SPILLS):
            self.problems.append(f"{self.where()} {path}: {spill} spills out of its card")

    def in_language(self, lang: str, pages: list[tuple[str, str]]) -> None:
        """The key pages again in ``lang`` (the session's language cookie, as the switch sets it);
        a screenshot of the first only."""
        self.lang = lang
        self.context.add_cookies([{"name": "django_language", "value": lang, "url": self.base}])
        for i, (path, name) in enumerate(pages):
            self.visit(path, name, shot=i == 0)
            assert self.page.get_attribute("html", "lang") == lang, path
            assert self.page.evaluate("getComputedStyle(document.body).direction") == "rtl", path
            if not fits_the_screen(self.page):
                self.problems.append(f"{self.where()}: {path} is wider than the screen")

    def close(self) -> None:
        self.context.close()


RTL = ("ar", "ckb")


def test_each_role_walks_their_day(live_server, demo, browser):
    from muster.custody.models import Facility
    from muster.people.models import Person
    from muster.screening.models import Hit

    problems: list[str] = []
    base = live_server.url

    def walk(username: str) -> Walk:
        w = Walk(browser, base, "en", problems)
        w.sign_in(username, demo)
        w.shot("home")
        return w

    # Registration officer: a family of two at the reception point, then the slip.
    w = walk("registration-officer")
    page = w.page
    w.visit("/reception/", "reception")
    point = Facility.objects.filter(kind="reception_point").order_by("name").first()
    page.select_option('[name="reception_point"]', str(point.pk))
    page.fill('[name="members[0].given_name"]', "Khalid")
    page.fill('[name="members[0].father_name"]', "Hamad")
    page.fill('[name="members[0].family_name"]', "al-Jubouri")
    page.select_option('[name="members[0].sex"]', "M")
    page.fill('[name="members[0].birth_year"]', "1979")
    page.click("[data-add-member]")
    page.fill('[name="members[1].given_name"]', "فاطمة")
    page.fill('[name="members[1].father_name"]', "حسن")
    page.fill('[name="members[1].family_name"]', "الشمري")
    page.select_option('[name="members[1].sex"]', "F")
    page.fill('[name="members[1].estimated_age"]', "38")
    page.select_option('[name="members[1].relationship_to_head"]', "spouse")
    w.shot("reception-filled")
    page.click('button[type="submit"].primary')
    page.wait_for_url("**/people/**")
    w.shot("person")
    # The camera's view and its shutter appear once the camera is started, not before.
    assert page.is_visible("[data-camera-start]")
    assert not page.is_visible("[data-camera-shoot]") and not page.is_visible("video.camera-view")
    page.click('[data-testid="print-slip"]')
    page.wait_for_selector('[data-testid="slip-qr"] svg')
    assert page.inner_text('[data-testid="slip-number"]').startswith("P")
    w.shot("slip")
    person_path = page.url.split(base, 1)[1].split("slip/")[0]
    # A late-arriving daughter with two documents, added from the person page.
    w.visit(f"{person_path}add-member/", "add-member")
    assert not page.is_visible("[data-remove-member]")  # the one relative cannot be removed
    page.select_option('[name="reception_point"]', str(point.pk))
    page.fill('[name="members[0].given_name"]', "Huda")
    page.fill('[name="members[0].family_name"]', "al-Jubouri")
    page.select_option('[name="members[0].sex"]', "F")
    page.fill('[name="members[0].birth_year"]', "2012")
    page.select_option('[name="members[0].relationship_to_head"]', "daughter")
    page.select_option('[name="members[0].documents[0].doc_type"]', "birth_certificate")
    page.fill('[name="members[0].documents[0].number"]', "BC-2012-31")
    page.click("[data-add-document]")
    page.select_option('[name="members[0].documents[1].doc_type"]', "passport")
    page.fill('[name="members[0].documents[1].number"]', "N7654321")
    w.shot("add-member-filled")
    page.click('button[type="submit"].primary')
    page.wait_for_url("**/people/**")
    w.shot("late-relative")
    from muster.people.models import Person as _Person

    huda = _Person.objects.get(given_name="Huda", family_name="al-Jubouri")
    assert huda.documents.count() == 2
    pages = [
        ("/", "home"),
        ("/reception/", "reception"),
        (person_path, "person"),
        (f"{person_path}slip/", "slip"),
        (f"{person_path}correct/", "correct"),
        (f"{person_path}add-member/", "add-member"),
        ("/people/?q=al-Jubouri", "search"),
        (f"/facilities/{point.pk}/", "reception-point"),
    ]
    for lang in RTL:
        w.in_language(lang, pages)
    w.close()

    # Screening officer: the cards on the home page, the queue, a list hit decided, "held" proposed.
    w = walk("screening-officer")
    page = w.page
    cards = page.inner_text('[data-testid="screening-cards"]')
    assert int(page.inner_text('[data-testid="pending-reference_list"]')) > 0, cards
    w.visit("/screening/?kind=reference_list", "queue")
    hit = Hit.objects.filter(kind=Hit.Kind.REFERENCE_LIST, status="open").order_by("-score").first()
    w.visit(f"/screening/hits/{hit.pk}/", "hit")
    page.check('[name="decision"][value="confirm"]')
    page.fill('[name="reason"]', "Same person: date of birth and mother's name agree.")
    page.click('form:has([name="decision"]) button[type="submit"]')
    page.wait_for_load_state()
    w.shot("hit-decided")
    held_form = page.locator(f'form[action$="/screening/hits/{hit.pk}/held/"]')
    if held_form.count():
        held_form.locator('[name="reason"]').fill("Listed by the Ministry; interview confirms.")
        held_form.locator('button[type="submit"]').click()
        page.wait_for_load_state()
        w.shot("held-proposed")
    w.visit("/screening/lists/", "lists")
    open_hit = Hit.objects.filter(status="open").order_by("-score").first()
    child = Person.objects.filter(separated_child=True).order_by("id").first()
    pages = [
        ("/", "home"),
        ("/screening/", "queue"),
        (f"/screening/hits/{hit.pk}/", "hit"),
        (f"/screening/hits/{open_hit.pk}/", "open-hit"),
        ("/screening/lists/", "lists"),
        ("/screening/approvals/", "approvals"),
        ("/screening/children/", "children"),
        ("/screening/separated-families/", "separated-families"),
        (f"/screening/protection/{child.number}/", "protection-review"),
    ]
    for lang in RTL:
        w.in_language(lang, pages)
        # The decision radio buttons sit beside their words, on the reading side.
        w.visit(f"/screening/hits/{open_hit.pk}/", "open-hit", shot=False)
        for label in page.locator('label:has(> input[name="decision"])').all():
            box = label.locator("input").bounding_box()
            words = label.bounding_box()
            assert words["height"] < 2.2 * box["height"] + 8, (lang, words, box)
            assert abs((words["x"] + words["width"]) - (box["x"] + box["width"])) < 3, (lang,)
    w.close()

    # The second screening officer approves what the first proposed (four eyes).
    w = walk("screening-officer-2")
    w.visit("/screening/approvals/", "approvals")
    approve = w.page.locator('button[name="action"][value="approve"]')
    if approve.count():
        approve.first.click()
        w.page.wait_for_load_state()
        w.shot("approved")
    for lang in RTL:
        w.in_language(lang, [("/", "home"), ("/screening/approvals/", "approvals")])
    w.close()

    # The family registered above leaves the reception point by bus for the camp manager's camp
    # (whether the demo itself has a bus on the road there depends on its size and the hour).
    from django.contrib.auth import get_user_model

    from muster.access import policy
    from muster.custody import services as custody

    manager = get_user_model().objects.get(username="camp-manager")
    (camp_pk,) = policy.facility_scope(manager, "facility.view")
    family = list(Person.objects.filter(family_name="al-Jubouri", given_name="Khalid"))
    family += list(Person.objects.filter(household=family[0].household).exclude(pk=family[0].pk))
    movement = custody.dispatch(
        family,
        from_facility=point,
        to_facility=Facility.objects.get(pk=camp_pk),
        by=get_user_model().objects.get(username="administrator"),
        vehicle="Bus 12",
        override_reason="Walk-through: a bus to receive",
    )

    # Camp manager: their camp's figures on the home page, the camp, and a bus received.
    w = walk("camp-manager")
    page = w.page
    assert page.locator('[data-testid="my-facility"] [data-testid="expected"]').count() >= 1
    camp_link = page.locator('[data-testid="my-facility"] h3 a').first
    camp_href = camp_link.get_attribute("href")
    w.visit(camp_href, "facility")
    assert int(camp_href.rstrip("/").rsplit("/", 1)[-1]) == camp_pk
    w.visit(f"/facilities/{camp_pk}/receive/", "receive")
    boxes = page.locator('input[type="checkbox"][name="person"]')
    assert boxes.count() > 0, "no bus to receive at the camp manager's camp"
    # The whole bus of the first manifest: receiving a family apart needs a reason (family split).
    form = page.locator("form", has=page.locator('input[type="checkbox"][name="person"]')).first
    for box in form.locator('input[type="checkbox"][name="person"]').all():
        box.check()
    form.locator('button[name="action"][value="receive"]').first.click()
    page.wait_for_load_state()
    w.shot("received")
    w.visit(f"/facilities/{camp_pk}/dispatch/", "dispatch")
    w.visit("/unaccounted/", "unaccounted")
    for lang in RTL:
        w.in_language(
            lang,
            [
                ("/", "home"),
                ("/facilities/", "facilities"),
                (camp_href, "facility"),
                (f"/facilities/{camp_pk}/receive/", "receive"),
                (f"/facilities/{camp_pk}/dispatch/", "dispatch"),
                (f"/movements/{movement.number}/", "movement"),
                ("/unaccounted/", "unaccounted"),
            ],
        )
    w.close()

    # Coordinator: the situation report and the unaccounted figures; no names.
    w = walk("coordinator")
    assert w.page.locator(".figures .figure").count() >= 5
    w.visit("/unaccounted/figures/", "unaccounted-figures")
    for lang in RTL:
        w.in_language(
            lang,
            [
                ("/", "home"),
                ("/unaccounted/figures/", "unaccounted-figures"),
                ("/facilities/", "facilities"),
            ],
        )
    w.close()

    # Auditor: the log.
    w = walk("auditor")
    w.visit("/audit/", "audit-log")
    assert w.page.locator('[data-testid="audit-events"] tbody tr').count() > 0
    # A username is not broken inside a word to make room for the detail column ("audito r").
    broken = w.page.evaluate(
        """() => [...document.querySelectorAll('[data-testid=audit-events] td.who bdi')]
             .filter(b => /^[a-z]+$/.test(b.textContent.trim()) && b.getClientRects().length > 1)
             .map(b => b.textContent.trim())"""
    )
    assert broken == []
    w.visit("/audit/verify/", "audit-verify")
    for lang in RTL:
        w.in_language(
            lang, [("/", "home"), ("/audit/", "audit-log"), ("/audit/verify/", "audit-verify")]
        )
    w.close()

    # Tracing caseworker and repatriation officer: find a person of the demo.
    someone = Person.objects.filter(merged_into__isnull=True).order_by("id").first()
    for username in ("tracing-caseworker", "repatriation-officer"):
        w = walk(username)
        w.visit("/people/?q=P", "search")
        w.visit(f"/people/{someone.number}/", "person")
        pages = [
            ("/", "home"),
            ("/people/?q=P", "search"),
            (f"/people/{someone.number}/", "person"),
        ]
        if username == "tracing-caseworker":
            w.visit("/screening/children/", "children")
            pages.append(("/screening/children/", "children"))
        for lang in RTL:
            w.in_language(lang, pages)
        w.close()

    assert not problems, "\n".join(problems)
