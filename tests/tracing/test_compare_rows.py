"""The side-by-side comparison says when the request's given name agreed with another name the
registered person gives (the birth name kept as an alias)."""

from muster.tracing.forms import compare_rows


def test_a_given_name_that_agreed_through_the_alias_says_so():
    explanation = {
        "given_name": {
            "level": "agree",
            "request": "Nazdar",
            "registry": "Suad (alias Nazdar)",
            "weight": "9.58",
        },
        "father_name": {"level": "agree", "request": "Baran", "registry": "Baran", "weight": "9"},
    }
    rows = {
        r.field: r
        for r in compare_rows(explanation, {"given_name": "Suad", "father_name": "Baran"})
    }
    assert rows["given_name"].person == "Suad (other name: Nazdar)"
    assert rows["father_name"].person == "Baran"


def test_an_age_at_separation_reads_in_the_readers_language():
    from django.utils import translation

    explanation = {
        "year": {"level": "1 year", "request": "age 10 on 2014-08-12", "registry": "2005"},
    }
    with translation.override("ar"):
        row = next(r for r in compare_rows(explanation, {}) if r.field == "year")
        assert "بعمر 10" in row.request and "2014-08-12" in row.request
        assert "age" not in row.request


def _year_row(registry: str, request: str, level: str, shown: dict):
    explanation = {"year": {"level": level, "request": request, "registry": registry}}
    return next(r for r in compare_rows(explanation, shown) if r.field == "year")


def test_a_registered_year_only_reads_the_same_year_not_one_year_apart():
    # The matcher compares a year-only registration a year earlier: its level is "1 year".
    row = _year_row("2015", "2015", "1 year", {"birth_year": "2015"})
    assert row.request == "2015"
    assert row.person == "2015 (year only)"
    assert row.how == "same year"
    assert row.level == "1 year"  # the matcher's level (and weight) are as scored


def test_a_registered_year_only_a_year_off_reads_about_one_year_apart():
    row = _year_row("2014", "2015", "2 years", {"birth_year": "2014"})
    assert row.how == "about 1 year apart"
    row = _year_row("2011", "2015", "5-6 years", {"birth_year": "2011"})
    assert row.how == "about 4 years apart"


def test_a_registered_year_only_against_an_age_at_separation():
    # Aged 9 in August 2014: born 2004 or 2005.
    row = _year_row("2005", "age 9 on 2014-08-15", "same", {"birth_year": "2005"})
    assert row.how == "same year"
    row = _year_row("2007", "age 9 on 2014-08-15", "2 years", {"birth_year": "2007"})
    assert row.how == "about 2 years apart"


def test_a_registered_date_of_birth_keeps_the_matchers_words():
    shown = {"birth_year": "2015", "date_of_birth": "2015-03-01"}
    row = _year_row("2015", "2015", "same", shown)
    assert row.person == "2015" and row.how == "same year"


def test_the_year_only_comparison_in_every_language():
    from django.utils import translation

    for lang in ("ar", "ckb", "kmr"):
        with translation.override(lang):
            same = _year_row("2015", "2015", "1 year", {"birth_year": "2015"})
            apart = _year_row("2013", "2015", "3 years", {"birth_year": "2013"})
            assert "year only" not in same.person and "2015" in same.person, lang
            assert same.how != "same year", lang
            assert "apart" not in apart.how and "2" in apart.how, lang
