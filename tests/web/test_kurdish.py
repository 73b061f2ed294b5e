"""The pages in Kurdish: Sorani (ckb) right-to-left in Arabic script, Kurmanji (kmr) left-to-right in
Latin script; both catalogues complete, with every placeholder kept and each dialect's own letters."""

import datetime as dt
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import formats, translation

LOCALE = Path(settings.LOCALE_PATHS[0])
KURDISH = ("ckb", "kmr")
# %(name)s, %s and {0} / {name}: what Python and Django substitute into a message.
PLACEHOLDER = re.compile(r"%\(\w+\)[sdifr]|%[sdifr]|\{\w*\}")
TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def read_po(lang: str, locale: Path = LOCALE) -> dict[tuple[str | None, str], dict]:
    """The entries of locale/<lang>/django.po by (msgctxt, msgid): plural, msgstrs, fuzzy.

    A small reader of what makemessages writes (no polib in the dependencies); obsolete ``#~``
    entries are left out, as gettext does.
    """
    entries: dict[tuple[str | None, str], dict] = {}
    current: dict = {}
    field: tuple = ()

    def close():
        if "msgid" in current and current["msgid"]:
            key = (current.get("msgctxt"), current["msgid"])
            entries[key] = {
                "plural": current.get("msgid_plural"),
                "msgstr": [current["msgstr"][i] for i in sorted(current["msgstr"])],
                "fuzzy": current.get("fuzzy", False),
            }

    text = (locale / lang / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    for line in text.splitlines() + [""]:
        if not line.strip():
            close()
            current, field = {}, ()
        elif line.startswith("#,"):
            current["fuzzy"] = "fuzzy" in line
        elif line.startswith("#"):
            continue
        elif match := re.match(
            r"(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(\".*\")$", line
        ):
            keyword, index, value = match.groups()
            value = _unquote(value)
            if keyword == "msgstr":
                field = ("msgstr", int(index or 0))
                current.setdefault("msgstr", {})[field[1]] = value
            else:
                field = (keyword,)
                current[keyword] = value
        elif line.startswith('"'):
            if field[0] == "msgstr":
                current["msgstr"][field[1]] += _unquote(line)
            else:
                current[field[0]] += _unquote(line)
    return entries


def _unquote(quoted: str) -> str:
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
    return re.sub(r"\\(.)", lambda m: escapes.get(m.group(1), m.group(0)), quoted[1:-1])


def switch(client, lang: str):
    client.post(reverse("set_language"), {"language": lang, "next": "/"})
    return client


# --- the pages --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_sorani_pages_are_right_to_left_in_sorani(registered, officer_client):
    switch(officer_client, "ckb")
    pages = {
        reverse("home"): ("تۆمارکردنی خێزان", "دۆزینەوەی کەسێک"),
        reverse("person-search") + "?q=Omar": ("دۆزینەوەی کەسێک", "ناوی دایک", "Omar"),
        reverse("reception"): (
            "سەرۆکی خێزان",
            "ناوی باوک",
            "منداڵی بێ یاوەر",
            "زیادکردنی ئەندامی خێزان",
        ),
    }
    for url, texts in pages.items():
        html = officer_client.get(url).content.decode()
        assert '<html lang="ckb" dir="rtl">' in html, url
        # The menu of every page: home, reception, search, sign out.
        for text in ("سەرەکی", "پێشوازی", "گەڕان", "چوونەدەرەوە", *texts):
            assert text in html, (url, text)
        assert "Register a household" not in html and "Sign out" not in html, url


@pytest.mark.django_db
def test_kurmanji_pages_are_left_to_right_in_kurmanji(registered, officer_client):
    switch(officer_client, "kmr")
    pages = {
        reverse("home"): ("Tomarkirina malbatê", "Dîtina kesekî"),
        reverse("person-search") + "?q=Omar": ("Dîtina kesekî", "Navê dayikê", "Omar"),
        reverse("reception"): (
            "Serokê malbatê",
            "Navê bav",
            "Zarokê bê hevrê",
            "Endamekî malbatê zêde bike",
        ),
    }
    for url, texts in pages.items():
        html = officer_client.get(url).content.decode()
        assert '<html lang="kmr" dir="ltr">' in html, url
        for text in ("Destpêk", "Pêşwazî", "Lêgerîn", "Derketin", *texts):
            assert text in html, (url, text)
        assert "Register a household" not in html and "Sign out" not in html, url


@pytest.mark.django_db
def test_person_page_in_sorani_keeps_names_as_typed(registered, officer_client):
    switch(officer_client, "ckb")
    head = registered.members.order_by("id").first()
    html = officer_client.get(reverse("person-detail", kwargs={"number": head.number})).content
    html = html.decode()
    assert "هێڵی کات" in html and "سەرۆکی خێزان" in html  # timeline, head of household
    assert "al-Obeidi" in html and "عائشة علي الجبوري" in html


@pytest.mark.django_db
def test_validation_message_comes_back_in_sorani(facilities, officer_client, household_data):
    from tests.factories import household_post

    switch(officer_client, "ckb")
    household_data[0]["date_of_birth"] = "1985-13-02"
    html = officer_client.post(
        reverse("reception"), household_post(household_data, facilities["reception"])
    ).content.decode()
    assert "1985-13-02\u2069&#x27; بەروار نییە (YYYY-MM-DD)" in html


@pytest.mark.django_db
def test_language_switch_names_each_language_in_itself_whatever_the_page_language(officer_client):
    """Someone who chose a language by mistake finds theirs again: "English" stays "English" on a
    Sorani page, never ئینگلیزی, and each name is isolated in its own direction."""
    for lang, _ in settings.LANGUAGES:
        html = switch(officer_client, lang).get(reverse("home")).content.decode()
        for code, name in settings.LANGUAGES:
            assert (
                f'value="{code}" lang="{code}" dir="auto"' in html
                and f'data-testid="lang-{code}">{name}</button>' in html
            ), (lang, code)


def test_django_knows_both_dialects_and_their_direction():
    assert translation.get_language_info("ckb")["bidi"] is True
    assert translation.get_language_info("kmr")["bidi"] is False
    for lang in KURDISH:
        with translation.override(lang):
            assert translation.get_language() == lang
            assert translation.gettext("Register a household") != "Register a household"


def test_kurdish_dates_are_numbers_not_month_names():
    """Django's Sorani month names are the solar months (ڕێبەندان begins on 21 January): a Gregorian
    date written with them would land in the wrong month."""
    day = dt.date(2026, 1, 5)
    moment = dt.datetime(2026, 1, 5, 14, 5)
    for lang in KURDISH:
        with translation.override(lang):
            assert formats.date_format(day) == "2026-01-05"
            assert formats.date_format(day, "SHORT_DATE_FORMAT") == "2026-01-05"
            assert formats.date_format(moment, "DATETIME_FORMAT") == "2026-01-05 14:05"
            assert formats.localize(0.95) == "0.95"


# --- the catalogues ---------------------------------------------------------------------------


@pytest.mark.parametrize("lang", KURDISH)
def test_every_arabic_message_is_translated(lang):
    """A string added to the interface (and so to the Arabic catalogue) fails here until Kurdish has it."""
    arabic = {key for key, entry in read_po("ar").items() if not entry["fuzzy"]}
    kurdish = read_po(lang)
    missing = sorted(msgid for ctx, msgid in arabic - kurdish.keys())
    assert not missing, f"{len(missing)} not in {lang}: {missing[:5]}"
    empty = [
        k[1] for k, e in kurdish.items() if e["fuzzy"] or not all(s.strip() for s in e["msgstr"])
    ]
    assert not empty, f"{len(empty)} untranslated or fuzzy in {lang}: {empty[:5]}"
    assert len(kurdish) >= len(arabic) > 500


@pytest.mark.parametrize("lang", KURDISH)
def test_translations_keep_every_placeholder_and_tag(lang):
    wrong = []
    for (_, msgid), entry in read_po(lang).items():
        for i, msgstr in enumerate(entry["msgstr"]):
            source = msgid if i == 0 or entry["plural"] is None else entry["plural"]
            if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(msgstr)):
                wrong.append((msgid, msgstr))
            if TAG.findall(source) != TAG.findall(msgstr):
                wrong.append((msgid, msgstr))
    assert not wrong, wrong[:5]


@pytest.mark.parametrize("lang", KURDISH)
def test_compiled_catalogue_is_the_po_file(lang):
    """The .mo Django reads is compiled from the .po as committed (compilemessages was run)."""
    with open(LOCALE / lang / "LC_MESSAGES" / "django.mo", "rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    for (ctx, msgid), entry in read_po(lang).items():
        key = f"{ctx}\x04{msgid}" if ctx else msgid
        if entry["plural"] is None:
            assert compiled._catalog.get(key) == entry["msgstr"][0], msgid
        else:
            assert [compiled._catalog.get((key, i)) for i in range(2)] == entry["msgstr"], msgid
    assert compiled.info()["plural-forms"] == "nplurals=2; plural=(n != 1);"


@pytest.mark.parametrize("lang", ["ar", "ckb"])
def test_a_value_quoted_in_a_right_to_left_message_keeps_the_order_it_was_typed_in(lang):
    """'%(v)s' in an Arabic-script sentence is isolated (FSI ... PDI): after Arabic letters the
    digits of a date typed '1984-13-02' are Arabic numbers to the bidi algorithm, and an error
    summary ("کەسی 1 · بەرواری لەدایکبوون · '1984-13-02' بەروار نییە") showed '02-13-1984'."""
    bare = re.compile(r"(?<!\u2068)%\(\w+\)[sd](?=')|'%\(\w+\)[sd](?!\u2069)")
    wrong = [
        msgstr
        for entry in read_po(lang).values()
        for msgstr in entry["msgstr"]
        if bare.search(msgstr)
    ]
    assert not wrong, wrong[:5]
    with translation.override(lang):
        message = translation.gettext("'%(v)s' is not a date (YYYY-MM-DD)") % {"v": "1984-13-02"}
    assert "'\u20681984-13-02\u2069'" in message


def test_sorani_says_where_someone_is_with_its_circumposition_not_a_stray_ending():
    """ "ئێستا لە ⁨خاڵی پێشوازی 1 (باغۆز)⁩ ە" left the copula hanging alone after the place's name
    (after a closing bracket it reads as a letter ە on its own): Sorani says لە … دایە."""
    stray = re.compile(r"%\(\w+\)s [ەن][ ،:.]")
    wrong = [m for e in read_po("ckb").values() for m in e["msgstr"] if stray.search(m)]
    assert not wrong, wrong[:5]
    with translation.override("ckb"):
        said = translation.gettext(
            "%(p)s was at %(a)s and is now at %(b)s, with no movement recorded between them."
        ) % {"p": "P1", "a": "کەمپی هەول", "b": "خاڵی پێشوازی 1 (باغۆز)"}
    assert "ئێستا لە خاڵی پێشوازی 1 (باغۆز) دایە،" in said


def test_sorani_is_written_with_kurdish_letters():
    """ی ک ە, never Arabic ي ك ة ى: they look alike in places but sort, search and shape differently."""
    arabic_only = re.compile("[\u064a\u0643\u0629\u0649]")
    wrong = [
        msgstr
        for entry in read_po("ckb").values()
        for msgstr in entry["msgstr"]
        if arabic_only.search(msgstr)
    ]
    assert not wrong, wrong[:5]


def test_kurmanji_is_written_in_the_hawar_alphabet():
    """Latin letters and ç ê î ş û only: no Turkish ı ğ ö ü, no Arabic script."""
    allowed = re.compile(r"[A-Za-zÇçÊêÎîŞşÛû]")
    foreign = {
        char
        for entry in read_po("kmr").values()
        for msgstr in entry["msgstr"]
        for char in PLACEHOLDER.sub("", msgstr)
        if char.isalpha() and not allowed.match(char)
    }
    assert not foreign, sorted(foreign)


def test_kurmanji_calls_the_score_by_one_word():
    """A match's score is 'xal' in the tables and the queues; the tracing page's explanation
    under the 'Xal' column called it 'pûan' (a Turkish loan), as if it were another figure."""
    loans = sorted(
        msgid
        for (_context, msgid), entry in read_po("kmr").items()
        for msgstr in entry["msgstr"]
        if re.search(r"\bpûan", msgstr, re.IGNORECASE)
    )
    assert not loans, loans
