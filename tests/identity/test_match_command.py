"""`muster match`: the model report, --save-model / --model, and bad input in one line."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from muster.identity import read_person_csv
from muster.identity.cli import main as match_main
from muster.identity.internals import records as records_module

from .test_matching import HEADER, ROWS, write


def run(args: list[str]) -> subprocess.CompletedProcess:
    """``muster match`` in a process of its own: each command's exit code and standard error as a
    user gets them (about two seconds of imports each)."""
    return subprocess.run(
        [sys.executable, "-m", "muster.identity.cli", "match", *args],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


@pytest.fixture
def match(capsys):
    """``match(args)``: ``muster match`` run in this process (its ``main``, as the command's
    ``__main__`` calls it), with the exit code and the standard output and error of
    :func:`run`. For the checks of what one run reads, refuses or writes; :func:`run` keeps a
    real process for dedupe, link, ``--out -`` and the engine's memory cap."""

    def in_process(args: list[str]) -> subprocess.CompletedProcess:
        capsys.readouterr()
        try:
            code = match_main(["match", *args])
        except SystemExit as exc:  # argparse's refusals
            code = exc.code
        out, err = capsys.readouterr()
        return subprocess.CompletedProcess(args, code, out, err)

    return in_process


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_dedupe_prints_the_model_report_and_reuses_a_saved_model(tmp_path: Path, match) -> None:
    source = write(tmp_path, "in.csv", [HEADER, *ROWS])
    model = tmp_path / "model.json"
    first = run(
        ["dedupe", str(source), "--out", str(tmp_path / "a.csv"), "--save-model", str(model)]
    )
    assert first.returncode == 0, first.stderr
    # Eight records give too few pairs to train on: the report says so, with the weights.
    assert "muster match: model: not trained" in first.stderr
    assert "candidate pairs" in first.stderr and "prior" in first.stderr
    assert "date_of_birth: disagree" in first.stderr
    assert model.exists()

    # The saved model read back by the command's main in this process (the first run's was real).
    second = match(["dedupe", str(source), "--out", str(tmp_path / "b.csv"), "--model", str(model)])
    assert second.returncode == 0, second.stderr
    assert "muster match: model: given" in second.stderr
    assert read(tmp_path / "a.csv") == read(tmp_path / "b.csv")


def test_dedupe_writes_its_accepted_pairs_with_the_reasons_and_which_were_kept_apart(
    tmp_path: Path,
    match,
) -> None:
    # Two men named Ali al-Jubouri born in 1990, of other fathers, and a checkpoint's record
    # of an Ali al-Jubouri born in 1990 with nothing more: it fits both alike, joins neither.
    rows = [
        *ROWS,
        "a1,reception,Ali,Hasan,Karim,al-Jubouri,Zahra,,M,1990-02-10,,Mosul,IRQ",
        "a2,reception,Ali,Khalil,Salih,al-Jubouri,Amal,,M,1990-08-21,,Mosul,IRQ",
        "a3,checkpoint,Ali,,,al-Jubouri,,,M,,1990,,IRQ",
    ]
    source = write(tmp_path, "in.csv", [HEADER, *rows])
    out, pairs = tmp_path / "out.csv", tmp_path / "pairs.csv"
    proc = match(["dedupe", str(source), "--out", str(out), "--pairs", str(pairs)])
    assert proc.returncode == 0, proc.stderr
    assert "accepted pairs (2 kept apart)" in proc.stderr
    written = {(r["record_id_a"], r["record_id_b"]): r for r in read(pairs)}
    assert set(written) == {("r1", "r2"), ("r1", "r3"), ("r2", "r3"), ("r4", "r5"), ("a1", "a3"),
                            ("a2", "a3")}  # fmt: skip
    # Why r1 and r3 were joined: Muhammad and محمد are one name in two scripts, the full date
    # against a year only.
    r1_r3 = written["r1", "r3"]
    assert r1_r3["given_name"] == "transliteration"
    assert r1_r3["date_of_birth"] == "partial"
    assert r1_r3["same_person"] == "True" and float(r1_r3["score"]) >= 0.3
    assert written["a1", "a3"]["same_person"] == written["a2", "a3"]["same_person"] == "False"
    persons = {r["record_id"]: r["cluster_id"] for r in read(out)}
    assert persons["a3"] not in (persons["a1"], persons["a2"])
    # A folder that does not exist is refused before the run, in one line.
    proc = match(
        ["dedupe", str(source), "--out", str(out), "--pairs", str(tmp_path / "no" / "p.csv")]
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines()[-1] == (
        f"muster match: error: cannot write {tmp_path / 'no' / 'p.csv'}: folder "
        f"{tmp_path / 'no'} not found"
    )


def test_link_takes_a_model_and_a_bad_model_file_is_one_line(tmp_path: Path) -> None:
    a = write(tmp_path, "a.csv", [HEADER, ROWS[0]])
    b = write(tmp_path, "b.csv", [HEADER, ROWS[2]])
    bad = tmp_path / "model.json"
    bad.write_text('{"m": {}, "u": {}, "prior": 2}', encoding="utf-8")
    proc = run(["link", str(a), str(b), "--out", str(tmp_path / "o.csv"), "--model", str(bad)])
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines() == [
        f"muster match: error: model {bad}: m['given_name'] must be a list of 5 probabilities "
        "between 0 and 1"
    ]


def _one_error_line(proc: subprocess.CompletedProcess) -> str:
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    errors = [line for line in proc.stderr.splitlines() if "error" in line]
    assert len(errors) == 1, proc.stderr
    return errors[0]


def test_a_file_in_another_encoding_is_one_line(tmp_path: Path, match) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes((HEADER + "\n" + ROWS[0].replace("Hit", "Hît") + "\n").encode("latin-1"))
    line = _one_error_line(match(["dedupe", str(path), "--out", str(tmp_path / "o.csv")]))
    assert "row 2" in line and "not UTF-8" in line
    assert "--encoding cp1252" in line  # what it may be, and how to read it
    # UTF-16 says so by its byte-order mark: read.
    utf16 = tmp_path / "utf16.csv"
    utf16.write_text(HEADER + "\n" + ROWS[0] + "\n", encoding="utf-16")
    assert match(["dedupe", str(utf16), "--out", str(tmp_path / "o.csv")]).returncode == 0
    assert match(["dedupe", str(path), "--out", str(tmp_path / "o.csv"), "--encoding", "latin-1"]
               ).returncode == 0  # fmt: skip


def test_a_name_in_a_script_muster_cannot_read_is_one_line_not_a_missing_name(
    tmp_path: Path,
    match,
) -> None:
    # Greek letters would fold to nothing: the record would be compared as having no name.
    row = ROWS[1].split(",")
    row[2] = "Γιώργος"
    path = write(tmp_path, "greek.csv", [HEADER, ROWS[0], ",".join(row)])
    line = _one_error_line(match(["dedupe", str(path), "--out", str(tmp_path / "o.csv")]))
    assert "row 3, column given_name" in line and "Greek letters" in line
    # Cyrillic is read (a Russian authority's list), as are Arabic and Latin.
    row[2] = "Мухаммад"
    path = write(tmp_path, "cyrillic.csv", [HEADER, ROWS[0], ",".join(row)])
    assert match(["dedupe", str(path), "--out", str(tmp_path / "o.csv")]).returncode == 0


DAY_FIRST_HEADER = "record_id,source,given_name,family_name,date_of_birth,place_of_origin"


def test_dates_with_the_day_first_are_read_when_the_file_says_so(tmp_path: Path, match) -> None:
    # A European authority's list: 25/12/1990 can only be day first, so 03/05/1991 is 3 May.
    rows = [DAY_FIRST_HEADER, "a1,x,Hans,Muller,25/12/1990,Berlin", "a2,x,Hans,Mueller,25.12.1990,Berlin",
            "a3,x,Ivan,Petrov,03/05/1991,Moskva", "a4,x,Ivan,Petrov,1991-05-03,Moskva"]  # fmt: skip
    path = write(tmp_path, "dmy.csv", rows)
    assert [r["date_of_birth"] for r in read_person_csv(path)][2] == "1991-05-03"
    out = tmp_path / "o.csv"
    assert match(["dedupe", str(path), "--out", str(out)]).returncode == 0
    clusters = dict(line.split(",") for line in out.read_text().splitlines()[1:])
    assert clusters["a1"] == clusters["a2"] and clusters["a3"] == clusters["a4"]


def test_dates_whose_order_nothing_says_are_one_line_until_the_order_is_given(
    tmp_path: Path,
    match,
) -> None:
    rows = [DAY_FIRST_HEADER, "a1,x,Hans,Muller,03/05/1991,Berlin"]
    path = write(tmp_path, "amb.csv", rows)
    line = _one_error_line(match(["dedupe", str(path), "--out", str(tmp_path / "o.csv")]))
    assert "row 2, column date_of_birth" in line and "--dates dmy or mdy" in line
    assert (
        match(["dedupe", str(path), "--out", str(tmp_path / "o.csv"), "--dates", "mdy"]).returncode
        == 0
    )
    assert read_person_csv(path, dates="mdy")[0]["date_of_birth"] == "1991-03-05"
    both = write(tmp_path, "both.csv", [*rows, "a2,x,Hans,Muller,25/12/1990,Berlin",
                                        "a3,x,Hans,Muller,12/25/1990,Berlin"])  # fmt: skip
    line = _one_error_line(match(["dedupe", str(both), "--out", str(tmp_path / "o.csv")]))
    assert "row 4" in line and "month first" in line and "row 3" in line


def test_duplicate_record_ids_are_one_line(tmp_path: Path, match) -> None:
    path = write(tmp_path, "dup.csv", [HEADER, ROWS[0], ROWS[1].replace("r2,", "r1,", 1)])
    line = _one_error_line(match(["dedupe", str(path), "--out", str(tmp_path / "o.csv")]))
    assert "row 3, column record_id" in line and "appears twice" in line


def test_a_column_named_twice_is_one_line_not_one_column_dropped(tmp_path: Path, match) -> None:
    # Which of two given_name columns would be read? Neither silently: the file is refused.
    path = write(tmp_path, "twice.csv", ["record_id,given_name,family_name,given_name",
                                         "a,Ali,Kaya,Omar", "b,Omar,Kaya,Ali"])  # fmt: skip
    for args in (["dedupe", str(path)], ["link", str(path), str(path)]):
        line = _one_error_line(match([*args, "--out", str(tmp_path / "o.csv")]))
        assert "row 1, column given_name" in line and "appears twice in the header" in line
        assert not (tmp_path / "o.csv").exists()


def test_an_output_that_is_an_input_or_a_folder_is_one_line_and_the_input_is_kept(
    tmp_path: Path,
    match,
) -> None:
    path = write(tmp_path, "people.csv", [HEADER, *ROWS[:3]])
    before = path.read_bytes()
    for args in (
        ["dedupe", str(path), "--out", str(path)],
        ["dedupe", str(path), "--out", str(tmp_path / "o.csv"), "--pairs", str(path)],
        ["dedupe", str(path), "--out", str(tmp_path / "o.csv"), "--pairs", str(tmp_path / "o.csv")],
        ["link", str(tmp_path / "o2.csv"), str(path), "--out", str(path)],
    ):
        if args[0] == "link":
            (tmp_path / "o2.csv").write_bytes(before)
        line = _one_error_line(match(args))
        assert "is also an input or output file" in line, line
        assert path.read_bytes() == before
    line = _one_error_line(match(["dedupe", str(path), "--out", str(tmp_path)]))
    assert f"--out: {tmp_path} is a folder" in line


def test_a_file_without_a_header_row_names_its_first_line(tmp_path: Path, match) -> None:
    # A list saved without its header: the first data row is shown, not called "missing".
    path = write(tmp_path, "bare.csv", [ROWS[0], ROWS[1]])
    line = _one_error_line(match(["dedupe", str(path), "--out", str(tmp_path / "o.csv")]))
    assert "row 1" in line and "names no known column" in line and "'r1'" in line
    assert "record_id" in line and not (tmp_path / "o.csv").exists()


@pytest.mark.parametrize("rows", [0, 1])
def test_no_record_or_one_record_is_a_correct_result(tmp_path: Path, rows: int) -> None:
    path = write(tmp_path, "few.csv", [HEADER, *ROWS[:rows]])
    out = tmp_path / "o.csv"
    assert match_main(["match", "dedupe", str(path), "--out", str(out), "--quiet"]) == 0
    assert [r["record_id"] for r in read(out)] == [f"r{i}" for i in range(1, rows + 1)]
    assert [r["cluster_id"] for r in read(out)] == [f"r{i}" for i in range(1, rows + 1)]
    link_out = tmp_path / "l.csv"
    assert match_main(["match", "link", str(path), str(path), "--out", str(link_out)]) == 0
    # A list linked with itself: each record is its own pair.
    assert [(r["record_id_a"], r["record_id_b"]) for r in read(link_out)] == [("r1", "r1")] * rows


def test_missing_person_columns_are_empty_fields_not_an_error(tmp_path: Path) -> None:
    # Only the record id is required (DESIGN.md): a list of given and family names and years
    # is resolved on what it has.
    lines = ["record_id,given_name,family_name,birth_year", "x1,Omar,al-Ani,1990",
             "x2,Umar,Alani,1990", "x3,Ali,al-Ani,1990"]  # fmt: skip
    path = write(tmp_path, "some.csv", lines)
    out = tmp_path / "o.csv"
    assert match_main(["match", "dedupe", str(path), "--out", str(out), "--quiet"]) == 0
    clusters = {r["record_id"]: r["cluster_id"] for r in read(out)}
    assert clusters["x1"] == clusters["x2"] != clusters["x3"]


def test_a_file_above_the_size_ceiling_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    # The real ceiling is a gigabyte; the test lowers it rather than write one.
    path = write(tmp_path, "big.csv", [HEADER, *ROWS])
    monkeypatch.setattr(records_module, "MAX_CSV_BYTES", 200)
    out = tmp_path / "o.csv"
    assert match_main(["match", "dedupe", str(path), "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("muster match: error: ")
    assert f"{path}: the file is 723 bytes, more than the 200 bytes" in err[0]
    assert not (tmp_path / "o.csv").exists()


def test_an_engine_out_of_memory_is_one_line_naming_the_setting(
    tmp_path: Path, monkeypatch
) -> None:
    from muster.scenario.presets import labelled_records

    records, _ = labelled_records("project", 3000, 1)
    path = tmp_path / "people.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(records[0]))
        writer.writeheader()
        writer.writerows(records)
    monkeypatch.setenv("MUSTER_DUCKDB_MEMORY_LIMIT", "16MB")
    proc = run(["dedupe", str(path), "--out", str(tmp_path / "out.csv")])
    line = _one_error_line(proc)
    assert "memory cap of 16MB" in line and "MUSTER_DUCKDB_MEMORY_LIMIT" in line, line
    assert not (tmp_path / "out.csv").exists()


def test_an_empty_file_is_named_once_and_out_dash_is_standard_output(tmp_path: Path, match) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    line = _one_error_line(match(["dedupe", str(empty), "--out", str(tmp_path / "o.csv")]))
    assert line.count(str(empty)) == 1 and "the file is empty" in line, line
    # '-' is standard output, as for most tools (it wrote a file named '-'); the report and the
    # progress stay on standard error, so the CSV can be piped.
    path = write(tmp_path, "in.csv", [HEADER, *ROWS])
    proc = subprocess.run(
        [sys.executable, "-m", "muster.identity.cli", "match", "dedupe", str(path), "--out", "-"],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert not (tmp_path / "-").exists()
    rows = list(csv.DictReader(proc.stdout.splitlines()))
    assert len(rows) == len(ROWS) and "record_id" in rows[0]
    assert "standard output" in proc.stderr
    line = _one_error_line(
        match(["dedupe", str(path), "--out", str(tmp_path / "o.csv"), "--pairs", "-"])
    )
    assert "--pairs" in line and "'-' is for --out" in line


@pytest.mark.parametrize(
    ("column", "length"), [("given_name", 2 * 1024 * 1024), ("place_of_origin", 201)]
)
def test_a_cell_longer_than_any_name_is_one_line_naming_its_row_column_and_length(
    tmp_path: Path, capsys, column: str, length: int
) -> None:
    # A name cell of 1 MB (a paste gone wrong) was read and compared, 10 s more for seven rows; one
    # of 2 MB, past the csv module's 128 KB, was "malformed CSV: field larger than field limit"
    # of the row, no column. The registry's names and places hold 200 characters at most.
    rows = [HEADER, *ROWS[:3]]
    cells = rows[2].split(",")
    cells[HEADER.split(",").index(column)] = "a" * length
    rows[2] = ",".join(cells)
    path = write(tmp_path, "long.csv", rows)
    out = tmp_path / "o.csv"
    assert match_main(["match", "dedupe", str(path), "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    what = "name too long" if column == "given_name" else "too long"
    assert err == [
        f"muster match: error: {path}: row 3, column {column}: {what}: {length:,} characters, "
        "at most 200"
    ]
    assert not out.exists()
    cells[HEADER.split(",").index(column)] = "a" * 200
    rows[2] = ",".join(cells)
    assert read_person_csv(write(tmp_path, "long.csv", rows))[1][column] == "a" * 200
