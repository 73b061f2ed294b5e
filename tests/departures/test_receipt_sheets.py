"""The receiving side's sheet as it arrives: saved with ';' by a spreadsheet in an Arabic or French
locale, a column named twice, only empty rows. The command line, the upload page and the API read
it the same way and say plainly what is wrong."""

import io

import pytest
from django.urls import reverse

from muster import cli
from muster.departures import services
from muster.departures.models import DepartureLine
from tests.factories import JsonClient, signed_in

from .test_services import RETURN


@pytest.fixture
def dispatched(crowd, facilities, officers):
    camp = facilities["camp"]
    people = crowd(camp, 1)
    departure = services.plan_departure(
        people, kind="return", from_facility=camp, details=RETURN, by=officers["planner"]
    )
    services.dispatch_departure(departure, by=officers["planner"])
    return departure, people


def run(capsys, *args):
    code = cli.main([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out, out.err


def upload(client, departure, content: str):
    sheet = io.BytesIO(content.encode())
    sheet.name = "receipt.csv"
    return client.post(reverse("departure-import", args=[departure.number]), {"file": sheet})


def received(departure) -> int:
    return DepartureLine.objects.filter(departure=departure, outcome="received").count()


def test_a_semicolon_sheet_is_read_at_the_command_line(dispatched, capsys, tmp_path):
    departure, people = dispatched
    sheet = tmp_path / "receipt.csv"
    sheet.write_text(
        "number;outcome;note\n" + "".join(f"{p.number};received;on the bus\n" for p in people)
    )
    code, out, err = run(capsys, "departures", "import", departure.number, sheet)
    assert code == 0, err
    assert received(departure) == len(people)


def test_a_semicolon_sheet_is_read_by_the_upload_page(dispatched, officers):
    departure, people = dispatched
    client = signed_in(officers["planner"])
    content = "number;outcome;note\n" + "".join(f"{p.number};received;\n" for p in people)
    response = upload(client, departure, content)
    assert response.status_code == 200, response.content.decode()[:500]
    assert received(departure) == len(people)


def test_a_column_named_twice_is_refused_by_name(dispatched, officers, capsys, tmp_path):
    departure, people = dispatched
    content = f"number,number,outcome\n{people[0].number},{people[1].number},received\n"
    sheet = tmp_path / "receipt.csv"
    sheet.write_text(content)
    code, out, err = run(capsys, "departures", "import", departure.number, sheet)
    assert code != 0
    assert "column 'number' appears twice" in err and "\n" not in err.strip()
    response = upload(signed_in(officers["planner"]), departure, content)
    assert response.status_code == 400
    assert "column &#x27;number&#x27; appears twice" in response.content.decode()
    api = JsonClient(signed_in(officers["planner"]))
    response = api.post(f"/api/departures/{departure.number}/receipt/", {"csv": content})
    assert response.status_code == 400
    assert "column 'number' appears twice" in response.json()["csv"][0]
    assert received(departure) == 0


def test_a_sheet_of_empty_rows_says_so_and_fails(dispatched, officers, capsys, tmp_path):
    departure, _people = dispatched
    content = "number,outcome,note\n,,\n , , \n,,\n"
    sheet = tmp_path / "receipt.csv"
    sheet.write_text(content)
    code, out, err = run(capsys, "departures", "import", departure.number, sheet)
    assert code != 0
    assert "no rows" in err and "nothing applied" not in err
    response = upload(signed_in(officers["planner"]), departure, content)
    assert response.status_code == 400
    assert "no rows" in response.content.decode()
    # A header alone is no more a confirmation.
    sheet.write_text("number,outcome,note\n")
    code, out, err = run(capsys, "departures", "import", departure.number, sheet)
    assert code != 0 and "no rows" in err


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("ckb", "ڕیزی 2، \u2068note\u2069: خانەکە زیاتر لە 131072 پیتی تێدایە (128 KiB)"),
        ("kmr", "rêza 2, note: di xaneyê de ji 131072 tîpan zêdetir hene (128 KiB)"),
    ],
)
def test_a_broken_csv_line_is_named_in_the_officers_language(dispatched, officers, language, words):
    """A stray quote or a giant cell was told in English on the Kurdish (and Arabic) pages."""
    departure, people = dispatched
    client = signed_in(officers["planner"])
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    content = f'number,outcome,note\n{people[0].number},received,"{"A" * 200_000}"\n'
    response = upload(client, departure, content)
    assert response.status_code == 400
    page = response.content.decode()
    assert words in page and "is not valid CSV" not in page and "field larger" not in page
    assert received(departure) == 0
