"""The catalogues hold what the code says, no more and no less: makemessages, run on a copy of the
code as the .po files' header says to regenerate them, marks no entry obsolete and finds none new."""

import os
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

from tests.web.test_kurdish import LOCALE, read_po

LANGUAGES = ("ar", "ckb", "kmr")


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory) -> Path:
    """A copy of the package's code and catalogues after ``makemessages -l ar -l ckb -l kmr
    --no-location --ignore identity/* --ignore scenario/*`` (the catalogues' header), its locale
    directory."""
    if not shutil.which("xgettext") or not shutil.which("msgmerge"):
        pytest.skip("gettext's xgettext/msgmerge missing (apt-get install gettext)")
    package = LOCALE.parent
    copy = tmp_path_factory.mktemp("catalogues") / "muster"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__", "static", "*.mo"))
    catalogues = {lang: _po(LOCALE, lang).read_bytes() for lang in LANGUAGES}
    here = os.getcwd()
    os.chdir(copy)
    try:
        # Written into the copy's catalogues only, never the package's.
        with override_settings(LOCALE_PATHS=[str(copy / "locale")]):
            call_command(
                "makemessages",
                locale=list(LANGUAGES),
                no_location=True,
                ignore_patterns=["identity/*", "scenario/*"],
                verbosity=0,
            )
    finally:
        os.chdir(here)
    assert {lang: _po(LOCALE, lang).read_bytes() for lang in LANGUAGES} == catalogues
    return copy / "locale"


def _po(locale: Path, lang: str) -> Path:
    return locale / lang / "LC_MESSAGES" / "django.po"


def _keys(lang: str, locale: Path = LOCALE) -> set:
    # A template's {% translate "… %(n)s …" %} is looked up as written but extracted with its
    # '%' doubled: the catalogue holds it as looked up.
    return {(ctx, msgid.replace("%%", "%")) for ctx, msgid in read_po(lang, locale)}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_entry_of_the_catalogue_is_one_the_code_no_longer_says(regenerated, lang):
    # "Departures by kind", "Result", ... stayed translated after the code stopped saying them.
    unused = sorted(_keys(lang) - _keys(lang, regenerated), key=str)
    assert not unused, unused


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_the_code_says_is_in_the_catalogue(regenerated, lang):
    missing = sorted(_keys(lang, regenerated) - _keys(lang), key=str)
    assert not missing, missing


def _cldr_category(lang: str, n: int) -> str:
    """The browser's plural category of ``n`` (CLDR's rules, as Intl.PluralRules applies them)."""
    if lang != "ar":
        return "one" if n == 1 else "other"
    if n in (0, 1, 2):
        return ("zero", "one", "two")[n]
    return "few" if 3 <= n % 100 <= 10 else "many" if 11 <= n % 100 <= 99 else "other"


@pytest.mark.parametrize("lang", ("en", *LANGUAGES))
def test_a_count_of_each_plural_category_stands_for_every_count_of_it(lang):
    """A question whose count is the browser's is written once per plural category with the count
    of PLURAL_SAMPLES; the catalogue's Plural-Forms must say every count of that category so."""
    from django.utils import translation

    from muster.core.text import PLURAL_SAMPLES

    sample = dict(PLURAL_SAMPLES)
    with translation.override(lang):
        index = translation.trans_real.translation(lang).plural  # the form's index for a count
        wrong = [n for n in range(0, 1200) if index(n) != index(sample[_cldr_category(lang, n)])]
    assert not wrong, wrong[:10]
