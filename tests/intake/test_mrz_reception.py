"""The machine-readable zone on the reception form: read as it is scanned or typed, filling the
document and the person's empty fields when every check digit agrees, shown as not accepted when one
does not; a zone with a failed check digit is refused when the household is saved."""

import ast
import datetime as dt
import json
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from muster.intake import documents, mrz
from muster.intake.mrz import check_digit
from muster.people.models import IdentityDocument, Person
from tests.factories import household_post

# ICAO Doc 9303 part 4's specimen passport (TD3) and part 5's specimen ID card (TD1).
TD3 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"
TD1 = (
    "I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<"
)
FIELD = "members[0].documents[0].mrz"


def read(client, text, field=FIELD):
    return client.post(reverse("reception-mrz"), {field: text}).content.decode()


def fill_of(html, attribute="data-mrz-fill"):
    import html as html_lib

    start = html.index(f'{attribute}="') + len(attribute) + 2
    return json.loads(html_lib.unescape(html[start : html.index('"', start)]))


def test_a_good_passport_zone_fills_the_document_and_the_persons_empty_fields(officer_client):
    html = read(officer_client, TD3)
    assert "Check digits agree" in html
    assert fill_of(html) == {
        "members[0].documents[0].doc_type": "passport",
        "members[0].documents[0].number": "L898902C3",
        "members[0].documents[0].issuing_country": "UTO",
        "members[0].documents[0].mrz": TD3,
        "members[0].documents[0].expires_on": "2012-04-15",
    }
    assert fill_of(html, "data-mrz-fill-empty") == {
        "members[0].given_name": "ANNA MARIA",
        "members[0].family_name": "ERIKSSON",
        "members[0].sex": "F",
        "members[0].nationality": "UTO",
        "members[0].date_of_birth": "1974-08-12",
    }
    assert "2012-04-15" in html and "expired" in html  # the expiry, shown to the officer


def test_an_id_card_zone_of_three_lines_for_the_third_member(officer_client):
    html = read(officer_client, TD1, field="members[2].documents[1].mrz")
    fill = fill_of(html)
    assert fill["members[2].documents[1].doc_type"] == "national_id"
    assert fill["members[2].documents[1].number"] == "D23145890"


def test_a_bad_check_digit_is_shown_and_fills_nothing(officer_client):
    html = read(officer_client, TD3[:-1] + "9")
    assert "Not accepted" in html and "check digit failed:" in html
    assert "Composite" in html and "data-mrz-fill" not in html


def test_a_zone_typed_with_o_for_0_and_missing_fillers_is_read_with_a_note(officer_client):
    typed = TD3.replace("7408122F", "74O8122F").rstrip("<")
    html = read(officer_client, typed.split("\n")[0].rstrip("<") + "\n" + typed.split("\n")[1])
    assert "Check digits agree" in html
    assert fill_of(html)["members[0].documents[0].number"] == "L898902C3"


def test_lines_that_are_no_zone_say_why(officer_client):
    html = read(officer_client, "hello\nworld")
    assert "cannot be read" in html and 'data-testid="mrz-error"' in html


def test_saving_a_household_with_a_failed_check_digit_is_refused_beside_the_zone(
    officer_client, facilities, household_data
):
    household_data[0]["documents"] = [
        {"doc_type": "passport", "number": "L898902C3", "issuing_country": "UTO",
         "mrz": TD3[:-1] + "9"}
    ]  # fmt: skip
    response = officer_client.post(
        reverse("reception"), household_post(household_data, facilities["reception"])
    )
    assert response.status_code == 400
    html = response.content.decode()
    start = html.index('name="members[0].documents[0].mrz"')
    assert "check digit failed" in html[start : html.index("</label>", start)]
    assert not Person.objects.exists()


def test_a_household_saved_with_a_good_zone_keeps_it_on_the_document(
    officer_client, facilities, household_data
):
    household_data[0]["documents"] = [
        {"doc_type": "passport", "number": "l898902c3", "issuing_country": "UTO", "mrz": TD3}
    ]
    response = officer_client.post(
        reverse("reception"), household_post(household_data, facilities["reception"])
    )
    assert response.status_code == 302
    doc = IdentityDocument.objects.get()
    assert (doc.number, doc.mrz) == ("L898902C3", TD3)
    assert doc.expires_on == dt.date(2012, 4, 15)  # read from the zone, stored
    page = officer_client.get(reverse("person-detail", args=[doc.person.number])).content.decode()
    start = page.index(">L898902C3<")
    assert "2012-04-15" in page[start : page.index("</tr>", start)] and "expired" in page


def test_an_expiry_date_typed_on_the_form_is_kept_and_a_wrong_one_named(
    officer_client, facilities, household_data
):
    household_data[0]["documents"] = [
        {"doc_type": "passport", "number": "N1234567", "expires_on": "2031-02-30"}
    ]
    post = household_post(household_data, facilities["reception"])
    response = officer_client.post(reverse("reception"), post)
    assert response.status_code == 400
    html = response.content.decode()
    start = html.index('name="members[0].documents[0].expires_on"')
    assert "is not a date" in html[start : html.index("</label>", start)]
    post["members[0].documents[0].expires_on"] = "2031-02-28"
    assert officer_client.post(reverse("reception"), post).status_code == 302
    assert IdentityDocument.objects.get().expires_on == dt.date(2031, 2, 28)


def test_the_zone_box_is_wired_on_the_form(officer_client):
    html = officer_client.get(reverse("reception")).content.decode()
    assert f'hx-post="{reverse("reception-mrz")}"' in html
    assert 'hx-params="members[0].documents[0].mrz"' in html


def test_without_the_script_a_document_given_by_its_zone_alone_is_saved_from_it(
    officer_client, facilities, household_data
):
    household_data[0]["documents"] = [{"doc_type": "", "number": "", "mrz": TD1}]
    response = officer_client.post(
        reverse("reception"), household_post(household_data, facilities["reception"])
    )
    assert response.status_code == 302
    doc = IdentityDocument.objects.get()
    assert (doc.doc_type, doc.number, doc.issuing_country) == ("national_id", "D23145890", "UTO")
    assert doc.expires_on == dt.date(2012, 4, 15)


def test_a_zone_alone_that_cannot_be_read_is_not_dropped_silently(
    officer_client, facilities, household_data
):
    household_data[0]["documents"] = [{"doc_type": "", "number": "", "mrz": "P<UTO\nnonsense"}]
    response = officer_client.post(
        reverse("reception"), household_post(household_data, facilities["reception"])
    )
    assert response.status_code == 400
    html = response.content.decode()
    start = html.index('name="members[0].documents[0].mrz"')
    assert "unreadable" in html[start : html.index("</label>", start)]
    assert not Person.objects.exists()


def test_a_failed_check_digit_is_named_in_the_officers_language(officer_client):
    # The officer read "check digit failed: document_number: check digit is '7', the data gives
    # '6'; compare 0, 2, 8 in L898902C3 with the printed document" on the Arabic page.
    officer_client.post(reverse("set_language"), {"language": "ar", "next": "/"})
    import html as html_lib

    html = html_lib.unescape(read(officer_client, TD3.replace("L898902C36", "L898902C37")))
    failed = [
        line.split(">", 1)[1].split("</li>")[0]
        for line in html.split("<li ")
        if 'data-testid="mrz-failed-check"' in line
    ]
    assert len(failed) == 2
    assert failed[0].startswith("فشل رقم التحقق: رقم الوثيقة:") and "'\u20687\u2069'" in failed[0]
    assert "'\u20686\u2069'" in failed[0] and "0, 2, 8" in failed[0] and "L898902C3" in failed[0]
    assert "the data gives" not in html and "document_number" not in html


# --- the reader's messages in the officer's language ---------------------------------------------

MRZ_PACKAGE = Path(mrz.__file__).parent


def _templates() -> set[str]:
    """Every message the MRZ reader can say: the English templates it marks with gettext_noop."""
    found = set()
    for path in MRZ_PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", "") == "gettext_noop"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                found.add(node.args[0].value)
    return found


def _words(text: str) -> str:
    return re.sub(r"%\(\w+\)s|[^A-Za-z]", "", text)


@pytest.mark.parametrize("language", ["ar", "ckb", "kmr"])
def test_every_message_of_the_mrz_reader_has_a_translation(language):
    templates = _templates()
    assert len(templates) > 30 and "typed in lowercase: read as capitals" in templates
    with translation.override(language):
        untranslated = [t for t in templates if _words(t) and gettext(t) == t]
        labels = [documents.mrz_field_label("document_code"), documents.mrz_document_type("visa")]
    assert untranslated == []
    assert "Document code" not in labels and "Visa" not in labels


def _drop(line: str, i: int) -> str:
    return line[:i] + line[i + 1 :]


def _zones() -> list[str]:
    """Zones, typed or scanned wrong in every way the reader names, as the officer enters them."""
    from tests.intake.test_mrz import compose

    l1, l2 = TD3.split("\n")
    id1, id2, id3 = TD1.split("\n")
    long_number = id1[:14] + "<1" + "<" * 14  # the rest of a long number without its check digit
    year_only = l2[:13] + "74<<<<" + check_digit("74<<<<") + l2[20:]
    return [
        # cannot be read
        "P<UTO",
        f"{id1}\n{id2}",
        f"{l1}\n{l2[:11]}-{l2[12:]}",
        f"{l1}\n{l2[:15]}X{l2[16:]}",
        f"{l1}\n{l2[:10]}U3O{l2[13:]}",
        f"{l1}\n{_drop(l2, 40)}",
        f"{l1}\n{l2}99",
        # read, with problems
        f"P<U<O{l1[5:]}\n{l2}",
        f"<<UTO{l1[5:]}\n{l2}",
        f"{l1}\n{l2[:13]}741312{check_digit('741312')}Q{l2[21:]}",
        f"{l1}\n{l2[:13]}74<<12{check_digit('74<<12')}{l2[20:]}",
        "\n".join(compose("TD3", number="", primary="", secondary="")),
        f"{long_number}\n{id2}\n{id3}",
        # read, with notes
        f"p<uto0riksson<<anna<maria\n{l2}",
        f"{id1.replace('<', ' ')}\n{id2}\n{id3}",
        f"{l1}\nl898902c36uto 7408122f1204159ze184226b<<<<<10",
        f"{l1}<<\n{l2}",
        "\n".join(compose("TD3", primary="A" * 39, secondary="")),
        f"{l1}\n{year_only}",
        "\n".join(compose("TD3", state="XXA", nationality="XXB")),
    ]


def _messages(text: str, *, notes: bool = True) -> list:
    try:
        read = mrz.parse_mrz(text)
    except mrz.MRZError as exc:
        return [exc.text]
    return [*read.problems, *(read.warnings if notes else [])]


def _inner(message) -> set[str]:
    """The templates of a message and of the messages it holds."""
    out = {message.template}
    for value in message.params.values():
        if hasattr(value, "template"):
            out |= _inner(value)
    return out


def test_the_scan_page_says_each_of_the_readers_messages_in_arabic(officer_client):
    # "line 2: has 43 characters; ...", "typed in lowercase: read as capitals", "issuing_state UTO:
    # Utopia ..." came in English on the Arabic page.
    import html as html_lib

    from tests.web.bidi import unisolated_ltr_runs

    officer_client.post(reverse("set_language"), {"language": "ar", "next": "/"})
    shown = set()
    for text in _zones():
        page = html_lib.unescape(read(officer_client, text))
        messages = _messages(text)
        assert messages, text
        for message in messages:
            with translation.override("ar"):
                arabic = documents.mrz_message(message)
            assert re.search("[\u0600-\u06ff]", arabic), arabic
            assert arabic in page, (text, arabic)
            assert str(message) not in page, (text, str(message))
            shown |= _inner(message)
        # Codes, positions and characters of the zone are isolated in the Arabic sentences.
        assert unisolated_ltr_runs(page) == [], text
        if "mrz-result" in page:
            assert re.search(r"<dd>(جواز سفر|بطاقة هوية|تأشيرة|أخرى) \(", page), text
    # Every message but the special states' names not met here, and "no MRZ lines given", which
    # the page never asks about (it reads nothing from an empty box).
    special = {mrz.SPECIAL_CODES[c] for c in mrz.SPECIAL_CODES if c not in ("UTO", "XXA", "XXB")}
    assert _templates() - shown == special | {"no MRZ lines given"}


def test_a_zone_refused_on_saving_the_household_says_why_in_arabic(
    officer_client, facilities, household_data
):
    import html as html_lib

    officer_client.post(reverse("set_language"), {"language": "ar", "next": "/"})
    l1, l2 = TD3.split("\n")
    for zone, alone in (
        ("P<UTO\nnonsense", True),  # given alone and unreadable
        (f"{l1}\n{l2[:20]}Q{l2[21:]}", False),  # read, with a problem (sex Q)
    ):
        household_data[0]["documents"] = [{"doc_type": "", "number": "", "mrz": zone}]
        if not alone:
            household_data[0]["documents"][0].update(
                doc_type="passport", number="L898902C3", issuing_country="UTO"
            )
        response = officer_client.post(
            reverse("reception"), household_post(household_data, facilities["reception"])
        )
        assert response.status_code == 400
        html = html_lib.unescape(response.content.decode())
        start = html.index('name="members[0].documents[0].mrz"')
        beside = html[start : html.index("</label>", start)]
        with translation.override("ar"):
            expected = [documents.mrz_message(m) for m in _messages(zone, notes=False)]
        assert expected and all(e in beside for e in expected), (beside, expected)
        assert not re.search(r"lines of|is not M, F", beside)
    assert not Person.objects.exists()
