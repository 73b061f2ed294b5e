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
