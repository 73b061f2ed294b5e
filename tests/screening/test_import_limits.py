"""Large reference lists: a row ceiling, control characters refused, the list index rebuilt off the
request thread, and readers answered while an import writes."""

import io
import os
import subprocess
import sys
import threading
import time
import urllib.request
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from muster.screening import imports, matching
from tests.factories import join_list_index_builds
from tests.screening.test_reference_lists import HEADER, LATIN_ROW, csv_bytes, do_import


def _rows(n: int) -> list[str]:
    return [f"R-{i},,Name{i},Father{i},,Family{i},,,M,,1970,,IRQ" for i in range(n)]


@override_settings(MUSTER={"LIST_MAX_ROWS": 5})
def test_a_csv_over_the_row_ceiling_is_refused_naming_the_limit(officer):
    with pytest.raises(ValidationError) as exc:
        do_import(officer, csv_bytes(*_rows(6)))
    assert "more than 5 rows" in exc.value.message_dict["file"][0]
    assert do_import(officer, csv_bytes(*_rows(5))).imported == 5


@override_settings(MUSTER={"LIST_MAX_ROWS": 5})
def test_an_xlsx_over_the_row_ceiling_is_refused_before_its_rows_are_read(officer):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    for row in _rows(6):
        sheet.append(row.split(","))
    buf = io.BytesIO()
    book.save(buf)
    with pytest.raises(ValidationError) as exc:
        do_import(officer, buf.getvalue(), file_name="list.xlsx")
    assert "more than 5 rows" in exc.value.message_dict["file"][0]


@pytest.mark.parametrize("bad", ["\x00", "\x07", "\x1b"])
def test_control_characters_in_a_list_are_refused_with_row_and_column(officer, bad):
    with pytest.raises(imports.ImportRefused) as exc:
        do_import(officer, csv_bytes(f"L-1,,Ibra{bad}him,,,al-Badri,,,M,,1971,,IRQ"))
    assert exc.value.message_dict["file"] == [
        "row 2, given_name: contains a control character (e.g. NUL)"
    ]


def test_after_an_import_the_index_is_rebuilt_in_the_background_and_nobody_escapes_the_new_list(
    transactional_db, officer, facilities, make_user
):
    from muster.intake import services as intake
    from muster.people.validation import clean_household
    from muster.screening.models import Hit

    do_import(officer, csv_bytes(LATIN_ROW), name="First list")
    # The first list's own rebuild reads the entries on a thread of its own: on the test's
    # shared-cache SQLite the second list's insert beside that read failed at once ("database
    # table is locked", a CI run of 2026-12-06); wait for it first.
    join_list_index_builds()
    old = matching.REGISTRY.lists()
    started = threading.Event()
    release = threading.Event()
    real_build = matching.REGISTRY._build_lists

    def slow_build(signature):  # hold the rebuild until the registration below is done
        started.set()
        release.wait(30)
        return real_build(signature)

    matching.REGISTRY._build_lists = slow_build
    try:
        do_import(
            officer, csv_bytes("W-1,,Ibrahim,Awwad,,al-Badri,,,M,1971-07-28,,,IRQ"), name="Second"
        )
        assert started.wait(10), "the import did not start a rebuild"
        t0 = time.monotonic()
        intake.register_household(
            clean_household(
                [{"given_name": "Ibrahim", "father_name": "Awwad", "family_name": "al-Badri",
                  "sex": "M", "date_of_birth": "1971-07-28", "nationality": "IRQ"}]
            ),
            reception_point=facilities["reception"],
            by=make_user("registration_officer"),
        )  # fmt: skip
        assert time.monotonic() - t0 < 10, "the registration waited for the rebuild"
        assert matching.REGISTRY.lists_index is old
        assert not Hit.objects.filter(kind="reference_list").exists()
        release.set()
        # Wait for the rebuild thread rather than poll the table (see join_list_index_builds).
        join_list_index_builds()
        assert Hit.objects.filter(kind="reference_list", reference_entry__ref_id="W-1").count() == 1
    finally:
        release.set()
        matching.REGISTRY._build_lists = real_build


# --- a reader during an import, against `muster serve` on SQLite --------------------------------

SETUP = """
import django, os
os.environ["DJANGO_SETTINGS_MODULE"] = "muster.settings"
django.setup()
from rest_framework.authtoken.models import Token
from muster.access import services as access
so = access.create_user("so", "a long enough password", roles=["screening_officer"], check_password=False)
ro = access.create_user("ro", "a long enough password", roles=["registration_officer"], check_password=False)
print(Token.objects.create(user=so).key, Token.objects.create(user=ro).key)
"""


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the lock that made readers fail is SQLite's; `muster serve` runs on it in the SQLite pass",
)
def test_a_reader_during_a_large_import_gets_200(tmp_path, migrated_data):
    from tests.test_worker import Served, _env, _wait_for

    env = _env(migrated_data(tmp_path))
    keys = subprocess.run(
        [sys.executable, "-c", SETUP], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    served = Served(tmp_path)
    try:
        port = _wait_for(lambda: _port(served.output()), 60, "the server to listen")
        base = f"http://127.0.0.1:{port}"
        _wait_for(lambda: _get(f"{base}/api/people/", keys[1])[0] == 200, 60, "the first answer")
        body, ctype = _multipart(csv_bytes(*_rows(40_000)))
        done: dict = {}

        def upload():
            request = urllib.request.Request(
                f"{base}/api/screening/lists/", data=body, method="POST"
            )
            request.add_header("Authorization", f"Token {keys[0]}")
            request.add_header("Content-Type", ctype)
            try:
                with urllib.request.urlopen(request, timeout=300) as response:
                    done["status"] = response.status
            except urllib.error.HTTPError as exc:
                done["status"] = exc.code

        writer = threading.Thread(target=upload)
        writer.start()
        statuses = []
        while writer.is_alive():
            statuses.append(_get(f"{base}/api/people/?limit=5", keys[1])[0])
        writer.join()
        assert done["status"] == 201
        assert statuses and set(statuses) == {200}, statuses
    finally:
        served.stop()


def _port(output: str):
    import re

    found = re.search(r"serving on http://127.0.0.1:(\d+)/", output)
    return int(found.group(1)) if found else None


def _get(url: str, key: str) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Authorization": f"Token {key}"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, b""
    except OSError:
        return 0, b""


def _multipart(data: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    fields = {
        "name": "Big list",
        "owner": "MoI",
        "legal_basis": "Decree 1",
        "list_date": "2026-11-01",
    }
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n'
        "Content-Type: text/csv\r\n\r\n".encode()
        + data
        + b"\r\n"
    )
    return b"".join(
        parts
    ) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"
