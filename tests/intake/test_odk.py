"""Households from ODK Central: the CSV zip (members in their own CSV) and the OData JSON."""

import csv
import io
import json
import zipfile

import pytest

from muster.intake.kobo import MEMBER_FIELDS, ImportFileError, read_export
from tests.intake.test_kobo import HOUSEHOLDS, _assert_three_households_read, _cell, check

SYSTEM_COLUMNS = ["SubmitterID", "SubmitterName", "AttachmentsPresent", "AttachmentsExpected",
                  "Status", "ReviewState", "DeviceID", "Edits", "FormVersion"]  # fmt: skip


def _csv(header, rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def write_central_zip(path, households=HOUSEHOLDS, *, prefix=""):
    """What Central's 'Download all submissions (CSV)' gives: FORM.csv and FORM-members.csv."""
    main_rows, member_rows = [], []
    for hh in households:
        key = f"uuid:{hh['_uuid']}"
        main_rows.append(
            ["2019-03-20T06:01:02.000Z", "2019-03-20T09:00:00.000+03:00", "", hh["reception_point"],
             key, key, "5", "officer1", "0", "0", "", "", "collect:abc", "0", "vX9"]
        )  # fmt: skip
        for i, m in enumerate(hh["members"], start=1):
            values = [_cell(m.get(name)) or "" for name in MEMBER_FIELDS]
            member_rows.append([*values, key, f"{key}/members[{i}]"])
    main_header = ["SubmissionDate", "start", "end", "reception_point", "meta-instanceID", "KEY",
                   *SYSTEM_COLUMNS]  # fmt: skip
    member_header = [*(prefix + name for name in MEMBER_FIELDS), "PARENT_KEY", "KEY"]
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("muster_household.csv", _csv(main_header, main_rows))
        archive.writestr("muster_household-members.csv", _csv(member_header, member_rows))
        archive.writestr("media/", "")
    return path


def write_odata(path, households=HOUSEHOLDS, *, expanded=True):
    """Submissions?$expand=* from Central's OData feed: groups nested, repeats as lists."""
    value = []
    for hh in households:
        key = f"uuid:{hh['_uuid']}"
        item = {
            "__id": key,
            "start": "2019-03-20T09:00:00.000+03:00",
            "household": {"reception_point": hh["reception_point"]},
            "meta": {"instanceID": key},
            "__system": {"submissionDate": "2019-03-20T06:01:02.000Z", "submitterId": "5"},
        }
        if expanded:
            item["members"] = [
                {"__id": f"m{i}", **{k: _cell(v) for k, v in m.items() if v is not None}}
                for i, m in enumerate(hh["members"])
            ]
        else:
            item["members@odata.navigationLink"] = f"Submissions('{key}')/members"
        value.append(item)
    page = {"@odata.context": "https://central.example/v1/projects/1/forms/x.svc/$metadata#Submissions",
            "value": value}  # fmt: skip
    path.write_text(json.dumps(page, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.parametrize("prefix", ["", "members-"])
def test_central_csv_zip_joins_members_by_parent_key(tmp_path, prefix):
    batch = check(read_export(write_central_zip(tmp_path / "export.zip", prefix=prefix)))
    assert batch.source == "odk-central-csv-zip"
    _assert_three_households_read(batch, future_row=3)
    assert batch.submissions[0].submission_id == HOUSEHOLDS[0]["_uuid"]  # uuid: prefix dropped


def test_central_odata_json_with_nested_groups_and_repeats(tmp_path):
    batch = check(read_export(write_odata(tmp_path / "Submissions.json")))
    assert batch.source == "odk-central-odata"
    _assert_three_households_read(batch, future_row=2)


def test_odata_without_expand_says_how_to_download_the_members(tmp_path):
    with pytest.raises(ImportFileError, match=r"Submissions\?\$expand=\*"):
        read_export(write_odata(tmp_path / "s.json", expanded=False))


def test_a_member_of_no_submission_is_reported_not_dropped(tmp_path):
    path = write_central_zip(tmp_path / "export.zip")
    # Rewritten with one member pointing at a submission that is not in the file.
    with zipfile.ZipFile(path) as archive:
        members = archive.read("muster_household-members.csv").decode()
        main = archive.read("muster_household.csv").decode()
    members = members.replace(f"uuid:{HOUSEHOLDS[2]['_uuid']},", "uuid:gone,", 1)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("muster_household.csv", main)
        archive.writestr("muster_household-members.csv", members)
    batch = read_export(path)
    assert len(batch.orphans) == 1 and "PARENT_KEY=uuid:gone" in batch.orphans[0].message


@pytest.mark.parametrize(
    "files, message",
    [
        ({"readme.txt": "hello"}, "holds no CSV file"),
        ({"a.csv": "x\n1\n", "b.csv": "y\n2\n"}, "expected FORM.csv and FORM-members.csv"),
    ],
)
def test_a_zip_that_is_not_a_central_export_says_so(tmp_path, files, message):
    path = tmp_path / "x.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    with pytest.raises(ImportFileError, match=message):
        read_export(path)
