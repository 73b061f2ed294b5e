"""`muster trace match`: the output a batch user reads, and one-line errors for bad files."""

import csv

import pytest

from muster.cli import main
from muster.scenario.tracing import REQUEST_COLUMNS

REGISTRY = [
    "record_id,given_name,father_name,family_name,mother_name,sex,birth_year,place_of_origin",
    "r1,Aisha,Abdullah,al-Obeidi,Gulistan,F,2005,Kocho",
    "r2,Nadia,Ahmed,al-Jubouri,Fatima,F,2005,Mosul",
    "r3,Omar,Hassan,al-Ani,Khadija,M,1990,Hit",
]
REQUESTS = [
    ",".join(REQUEST_COLUMNS),
    "q1,family,Nadia,Khalaf,,Haji,Gulistan,,F,,,,IRQ,2014-08-15,Kocho,9,scar on the left hand",
    "q2,family,كولستان,زانا,,نايف,ديلفين,,F,,2004,,IRQ,2014-08-07,كوجو,,",
]


def _write(path, lines, encoding="utf-8"):
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding) if lines else b"")
    return str(path)


def _run(tmp_path, requests=REQUESTS, registry=REGISTRY, *extra):
    req = _write(tmp_path / "requests.csv", requests)
    reg = _write(tmp_path / "registry.csv", registry)
    out = tmp_path / "out.csv"
    code = main(["trace", "match", req, reg, "--out", str(out), "--quiet", *extra])
    return code, out


def test_writes_ranked_candidates_per_request_best_first(tmp_path):
    code, out = _run(tmp_path)
    assert code == 0
    with out.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == [
        "record_id_a",
        "record_id_b",
        "score",
        "rank",
        "confident",
        "explanation",
    ]
    q1 = [r for r in rows if r["record_id_a"] == "q1"]
    assert [r["rank"] for r in q1] == [str(i) for i in range(1, len(q1) + 1)]
    assert q1[0]["record_id_b"] == "r1"
    scores = [float(r["score"]) for r in q1]
    assert scores == sorted(scores, reverse=True)
    assert "mother_name agree" in q1[0]["explanation"]


def test_top_limits_the_candidates_per_request(tmp_path):
    code, out = _run(tmp_path, REQUESTS, REGISTRY, "--top", "1")
    assert code == 0
    with out.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len([r for r in rows if r["record_id_a"] == "q1"]) == 1


@pytest.mark.parametrize(
    ("which", "lines", "message"),
    [
        ("requests", ["record_id,father_name", "q1,Khalaf"], "no given_name column"),
        ("registry", ["record_id,father_name", "r1,Khalaf"], "no given_name column"),
        ("requests", [], "empty"),
        ("registry", [], "empty"),
        ("requests", [REQUESTS[0], REQUESTS[1], REQUESTS[1]], "appears twice"),
        ("registry", [REGISTRY[0], REGISTRY[1], REGISTRY[1]], "appears twice"),
        ("requests", ["record_id,given_name,colour", "q1,Nadia,red"], "unknown column"),
        ("requests", ["record_id,given_name,age_at_separation", "q1,Nadia,9"], "separation_date"),
        ("requests", ["record_id,given_name,birth_year", "q1,Nadia,85"], "birth_year"),
    ],
)
def test_bad_input_is_one_line_and_a_non_zero_exit(tmp_path, capsys, which, lines, message):
    args = (lines, REGISTRY) if which == "requests" else (REQUESTS, lines)
    code, out = _run(tmp_path, *args)
    err = capsys.readouterr().err.strip()
    assert code != 0
    assert message in err
    assert len(err.splitlines()) == 1
    assert err.startswith("muster trace match: error:")
    assert "Traceback" not in err


@pytest.mark.parametrize("which", ["requests", "registry"])
def test_a_file_not_in_utf8_is_refused(tmp_path, capsys, which):
    req = _write(tmp_path / "requests.csv", REQUESTS)
    reg = _write(tmp_path / "registry.csv", REGISTRY)
    bad = tmp_path / f"{which}.csv"
    # Windows Arabic (the registry reads UTF-16 with its byte-order mark, as muster match does).
    bad.write_bytes("record_id,given_name\nr9,شيرين\n".encode("cp1256"))
    code = main(["trace", "match", req, reg, "--out", str(tmp_path / "o.csv"), "--quiet"])
    err = capsys.readouterr().err.strip()
    assert code != 0
    assert "UTF-8" in err
    assert len(err.splitlines()) == 1


def test_requests_saved_as_utf16_without_its_mark_are_refused_naming_it(tmp_path, capsys):
    req = _write(tmp_path / "requests.csv", REQUESTS, encoding="utf-16-le")
    reg = _write(tmp_path / "registry.csv", REGISTRY)
    code = main(["trace", "match", req, reg, "--out", str(tmp_path / "o.csv"), "--quiet"])
    err = capsys.readouterr().err
    assert code != 0 and err.count("\n") == 1 and "\x00" not in err
    assert "requests.csv: is not UTF-8 text, it looks like UTF-16; save it as CSV UTF-8" in err


def test_a_registry_saved_with_semicolons_or_as_unicode_text_is_read(tmp_path):
    # Read as `muster match` reads it; its header was read again as UTF-8 with commas, and
    # failed with a traceback.
    req = _write(tmp_path / "requests.csv", REQUESTS)
    for name, lines, encoding in (
        ("semicolons.csv", [line.replace(",", ";") for line in REGISTRY], "utf-8"),
        ("unicode.txt", [line.replace(",", "\t") for line in REGISTRY], "utf-16"),
    ):
        reg = _write(tmp_path / name, lines, encoding)
        out = tmp_path / f"{name}.out.csv"
        assert main(["trace", "match", req, reg, "--out", str(out), "--quiet"]) == 0, name
        assert out.exists()


@pytest.mark.parametrize("which", ["requests.csv", "registry.csv"])
def test_out_naming_an_input_is_refused_and_the_input_is_kept(tmp_path, capsys, which):
    # `--out requests.csv` used to exit 0 having replaced the requests with the candidates.
    req = _write(tmp_path / "requests.csv", REQUESTS)
    reg = _write(tmp_path / "registry.csv", REGISTRY)
    before = (tmp_path / which).read_bytes()
    code = main(["trace", "match", req, reg, "--out", str(tmp_path / which), "--quiet"])
    assert code == 2
    err = capsys.readouterr().err.strip()
    assert err == (
        f"muster trace match: error: --out: {tmp_path / which} is also an input file; "
        "write to another file"
    )
    assert (tmp_path / which).read_bytes() == before


def test_out_naming_a_folder_is_refused_before_reading(tmp_path, capsys):
    req = _write(tmp_path / "requests.csv", REQUESTS)
    reg = _write(tmp_path / "registry.csv", REGISTRY)
    code = main(["trace", "match", req, reg, "--out", str(tmp_path), "--quiet"])
    assert code == 2
    assert capsys.readouterr().err.strip() == (
        f"muster trace match: error: --out: {tmp_path} is a folder; name a file to write"
    )


def test_a_separation_typed_in_eastern_arabic_digits_is_read_as_in_ascii(tmp_path):
    # Every other day Muster reads may be typed on an Arabic keyboard; the matcher's file refused
    # ٢٠١٤-٠٨-١٥ as "not a date".
    typed = REQUESTS[1].replace("2014-08-15", "٢٠١٤-٠٨-١٥").replace(",9,", ",٩,")
    assert "٢٠١٤-٠٨-١٥" in typed and ",٩," in typed
    (tmp_path / "ascii").mkdir()
    (tmp_path / "arabic").mkdir()
    code, ascii_out = _run(tmp_path / "ascii")
    assert code == 0
    code, arabic_out = _run(tmp_path / "arabic", [REQUESTS[0], typed, REQUESTS[2]])
    assert code == 0
    assert arabic_out.read_text(encoding="utf-8") == ascii_out.read_text(encoding="utf-8")


@pytest.mark.parametrize("typed", ["2014-02-30", "20140815", "2014-W33-5", "15/08/2014"])
def test_a_separation_date_that_is_not_a_day_names_its_row_and_column(tmp_path, capsys, typed):
    # ISO's basic (20140815) and week (2014-W33-5) shapes were read as days by fromisoformat.
    requests = [REQUESTS[0], REQUESTS[1], REQUESTS[2].replace("2014-08-07", typed)]
    code, out = _run(tmp_path, requests)
    err = capsys.readouterr().err
    assert code == 2 and not out.exists()
    assert err == (
        f"muster trace match: error: {tmp_path / 'requests.csv'}: row 3, column separation_date: "
        f"'{typed}' is not a date (YYYY-MM-DD)\n"
    )
