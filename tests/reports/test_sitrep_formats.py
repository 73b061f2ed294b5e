"""The sitrep as partners and printers take it: HXL-tagged CSV and the A4 PDF in Arabic and English."""

import csv
import io
import re
import shutil
import subprocess

import pytest
from django.urls import reverse

from muster.audit.models import AuditEvent
from muster.cli import main
from muster.reports import hxl, pdf

PDFTOTEXT = shutil.which("pdftotext")
PDFTOPPM = shutil.which("pdftoppm")
needs_weasyprint = pytest.mark.skipif(
    pdf.available() is not None, reason=f"no PDF renderer here: {pdf.available()}"
)
needs_poppler = pytest.mark.skipif(
    not (PDFTOTEXT and PDFTOPPM),
    reason="pdftotext/pdftoppm missing (apt-get install poppler-utils; ./dev test installs it)",
)


def _hxl_text(capsys) -> str:
    capsys.readouterr()
    assert main(["sitrep", "--hxl"]) == 0
    return capsys.readouterr().out


def test_hxl_has_a_hashtag_row_under_the_header_following_the_standard(registered, capsys):
    text = _hxl_text(capsys)
    rows = list(csv.reader(io.StringIO(text)))
    header, tags = rows[0], rows[1]
    assert len(header) == len(tags)
    assert all(hxl.HASHTAG.match(t) for t in tags if t), tags
    by_tag = dict(zip(tags, range(len(tags)), strict=True))
    for required in (
        "#adm2+code+current",
        "#loc+name",
        "#affected+ind+current",
        "#affected+ind+f+children",
    ):
        assert required in by_tag
    reception = next(r for r in rows[2:] if r[by_tag["#loc+name"]] == "Reception Point 1")
    assert reception[by_tag["#adm2+code+current"]].startswith("SY09")
    assert reception[by_tag["#affected+ind+current"]] == "3"
    # The household: a man, a woman of 34, a boy born 2015.
    assert reception[by_tag["#affected+ind+f+total"]] == "1"
    assert reception[by_tag["#affected+ind+m+children"]] == "1"
    assert reception[by_tag["#affected+ind+f+children"]] == "0"
    assert AuditEvent.objects.filter(action="export", detail__format="hxl").count() == 1


def test_the_command_lines_hxl_is_the_web_exports_table_unaccounted_and_its_note_included(
    registered, make_user, login, capsys
):
    # `muster sitrep --hxl` had no unaccounted row nor the note on it that the web's CSV has.
    text = _hxl_text(capsys)
    cli_rows = list(csv.reader(io.StringIO(text)))
    client = login(make_user("coordinator"))
    web = client.get(reverse("export-sitrep-csv")).content.decode("utf-8-sig")
    web_rows = list(csv.reader(io.StringIO(web)))
    header = cli_rows[0]
    assert header == web_rows[0] and cli_rows[1] == web_rows[1]
    assert "note" in header and cli_rows[1][header.index("note")] == "#description"
    # The same figures, row for row (but the time each was taken).
    assert [r for r in cli_rows if "generated" not in r] == [
        r for r in web_rows if "generated" not in r
    ]
    section, item, note = (header.index(c) for c in ("section", "item", "note"))
    unaccounted = next(r for r in cli_rows if (r[section], r[item]) == ("figure", "unaccounted"))
    assert unaccounted[note].startswith("part of in transit")


def test_hxl_file_parses_with_the_hxl_library(registered, capsys):
    libhxl = pytest.importorskip("hxl", reason="libhxl not installed (pip install libhxl)")
    text = _hxl_text(capsys)
    dataset = libhxl.data(io.BytesIO(text.encode("utf-8")))
    columns = [c.display_tag for c in dataset.columns]
    assert "#adm2+code+current" in columns and "#affected+ind+f+children" in columns
    values = {row.get("#loc+name"): row.get("#affected+ind+current") for row in dataset}
    assert values["Reception Point 1"] == "3"
    girls = sum(int(v or 0) for v in dataset.get_value_set("#affected+ind+f+children"))
    assert girls == 0


def test_a_facility_named_like_a_formula_is_neutralised_in_hxl(facilities, capsys):
    facilities["camp"].name = "=cmd|' /C calc'!A0"
    facilities["camp"].save()
    assert "\n'=cmd" in _hxl_text(capsys).replace(",'=cmd", "\n'=cmd")


def _pdf_text(path) -> str:
    out = subprocess.run([PDFTOTEXT, str(path), "-"], capture_output=True, check=True)
    return out.stdout.decode("utf-8")


def _letters(text: str) -> str:
    """Arabic as pdftotext gives it back: without the direction marks, spaces and vowel signs it
    puts between the shaped letters."""
    return re.sub(r"[\u202a-\u202e\u200e\u200f\u064b-\u065f\u0670\s]", "", text)


def test_the_arabic_pdf_prints_the_charts_as_tables_not_as_backwards_drawings(registered):
    # WeasyPrint draws SVG text letter by letter left to right: مخيم روج printed as "جور ميخم".
    from muster.reports import pdf
    from muster.reports.filters import default_filters

    arabic, english = (pdf.render_html(default_filters(), lang) for lang in ("ar", "en"))
    assert ".grid figure .plot, .grid figure ul.legend { display: none; }" in arabic
    assert ".grid figure .chart-table { display: table; font-size: 7pt; }" in arabic
    assert ".chart-table { display: table" not in english and "<svg" in english
    # The headline's tiles in a table's cells: WeasyPrint laid the flex boxes right to left one
    # over the other (the field walk's Arabic PDF).
    assert ".figure { display: table-cell;" in arabic


def test_a_filtered_pdf_names_its_facility_and_says_what_the_filter_covers(registered, facilities):
    from muster.reports import pdf
    from muster.reports.filters import Filters, default_filters

    camp = facilities["camp"]
    base = default_filters()
    html = pdf.render_html(Filters(base.date_from, base.date_to, facility=camp.pk), "en")
    assert f"Facility <bdi>{camp.display_name}</bdi>" in html
    assert "Now, at Al-Hol Camp; the dates do not apply to these figures." in html
    assert "Departures by kind from the selected facilities, to date" in html
    assert 'data-testid="headline-scope"' not in pdf.render_html(base, "en")


def _header_cells_lines(html: str, text: str) -> list[list[str]]:
    """The lines WeasyPrint lays out in each of the PDF's table header cells that hold ``text``."""
    from weasyprint import HTML
    from weasyprint.formatting_structure import boxes

    def descendants(box):
        yield box
        for child in getattr(box, "children", ()):
            yield from descendants(child)

    def words(box) -> str:
        return "".join(b.text for b in descendants(box) if isinstance(b, boxes.TextBox))

    document = HTML(string=html, base_url=pdf.STATIC.as_uri() + "/", url_fetcher=pdf._fetcher)
    return [
        [words(line) for line in descendants(cell) if isinstance(line, boxes.LineBox)]
        for page in document.render().pages
        for cell in descendants(page._page_box)
        if isinstance(cell, boxes.TableCellBox) and cell.element_tag == "th" and text in words(cell)
    ]


@needs_weasyprint
@pytest.mark.parametrize("language", ["ar", "ckb", "en"])
def test_the_pdfs_p_code_headers_are_not_broken_at_their_hyphen(registered, language):
    # The facilities' table, and in Arabic and Sorani the capacity chart printed as a table.
    from muster.reports.filters import default_filters

    cells = _header_cells_lines(pdf.render_html(default_filters(), language), "code")
    assert cells
    for lines in cells:  # it printed "(P-" on one line and "code)" on the next
        assert any("P-code" in line for line in lines), lines


@needs_weasyprint
@needs_poppler
def test_sitrep_pdf_in_arabic_has_the_arabic_text_and_its_pages_render(
    registered, tmp_path, capsys
):
    target = tmp_path / "sitrep-ar.pdf"
    assert main(["sitrep", "--pdf", str(target), "--language", "ar"]) == 0
    assert target.read_bytes().startswith(b"%PDF")
    text = _pdf_text(target)
    # Words whose letters pdftotext maps back one to one (glyphs shared by several letters, as the
    # initial teh and qaf of Noto Naskh, come back as one of them).
    for arabic in ("الوضع", "مسجّل", "إلى"):
        assert _letters(arabic) in _letters(text), arabic
    assert "Reception Point 1" in text
    pages = subprocess.run(
        [PDFTOPPM, "-r", "40", "-png", str(target), str(tmp_path / "page")], capture_output=True
    )
    assert pages.returncode == 0
    rendered = sorted(tmp_path.glob("page*.png"))
    assert 1 <= len(rendered) <= 2
    # Drawn, not blank (a blank A4 page at 40 dpi is under 1 kB; the second may hold one table).
    assert rendered[0].stat().st_size > 5000 and all(p.stat().st_size > 2000 for p in rendered)
    event = AuditEvent.objects.filter(action="export", detail__format="pdf").get()
    assert event.detail["filters"]["language"] == "ar"


@needs_weasyprint
@needs_poppler
def test_the_pdf_button_gives_the_english_sitrep(registered, make_user, login, tmp_path):
    client = login(make_user("coordinator"))
    page = client.get(reverse("dashboard")).content.decode()
    href = re.search(r'href="([^"]+)"[^>]*data-testid="pdf-button"', page).group(1)
    response = client.get(href.replace("&amp;", "&"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    target = tmp_path / "sitrep.pdf"
    target.write_bytes(response.content)
    text = _pdf_text(target)
    assert "Situation report" in text and "Population against capacity" in text
    assert "Muhammad" not in text


def test_a_pdf_in_an_unknown_language_is_refused_in_one_line(registered, capsys, tmp_path):
    with pytest.raises(SystemExit):
        main(["sitrep", "--pdf", str(tmp_path / "x.pdf"), "--language", "fr"])
    assert not (tmp_path / "x.pdf").exists()


# The sitrep table's header, exactly: the columns partners read, a facility's persons by sex and
# age, the P-code at each administrative level, the note on what a figure holds always last.
SITREP_HEADER = [
    "facility", "kind", "pcode", "population", "capacity", "occupancy", "expected", "section",
    "item", "date", "persons", "women_and_girls", "men_and_boys", "children", "girls", "boys",
    "sex_unknown", "adm1_pcode", "adm2_pcode", "adm3_pcode", "dest_adm1_pcode", "dest_adm2_pcode",
    "dest_adm3_pcode", "note",
]  # fmt: skip
# Its hashtag row: ``pcode`` (a code of any level) untagged, each level's code under its own.
SITREP_HASHTAGS = [
    "#loc+name", "#loc+type", "", "#affected+ind+current", "#capacity+ind", "#capacity+pct",
    "#affected+ind+transit", "#meta+section", "#indicator+name", "#date", "#indicator+value+num",
    "#affected+ind+f+total", "#affected+ind+m+total", "#affected+ind+children+total",
    "#affected+ind+f+children", "#affected+ind+m+children", "#affected+ind+sex_unknown+total",
    "#adm1+code+current", "#adm2+code+current", "#adm3+code+current",
    "#adm1+code+dest", "#adm2+code+dest", "#adm3+code+dest", "#description",
]  # fmt: skip


def test_the_sitrep_header_is_the_same_in_csv_xlsx_and_the_command_line_with_the_note_last(
    registered, make_user, login, capsys
):
    # Five columns of the facilities' persons by sex and age came after the note.
    from openpyxl import load_workbook

    client = login(make_user("coordinator"))
    csv_text = client.get(reverse("export-sitrep-csv")).content.decode("utf-8-sig")
    csv_rows = list(csv.reader(io.StringIO(csv_text)))
    sheet = load_workbook(io.BytesIO(client.get(reverse("export-sitrep-xlsx")).content)).active
    xlsx_rows = [["" if v is None else v for v in r] for r in sheet.iter_rows(values_only=True)]
    cli_rows = list(csv.reader(io.StringIO(_hxl_text(capsys))))
    assert csv_rows[0] == xlsx_rows[0] == cli_rows[0] == SITREP_HEADER
    assert csv_rows[1] == xlsx_rows[1] == cli_rows[1] == SITREP_HASHTAGS


def test_each_p_code_is_under_the_hashtag_of_its_level_on_the_web_and_the_command_line(
    registered, facilities, make_user, login, capsys
):
    # Every P-code was tagged #adm2+code, the demo's sub-district codes (SY090301) included.
    libhxl = pytest.importorskip("hxl", reason="libhxl not installed (pip install libhxl)")
    for key, pcode in (("camp", "SY090301"), ("small_camp", "IQD1501"), ("holding", "Camp 7")):
        facilities[key].pcode = pcode
        facilities[key].save()
    web = login(make_user("coordinator")).get(reverse("export-sitrep-csv"))
    cli = _hxl_text(capsys)
    web_rows = list(csv.reader(io.StringIO(web.content.decode("utf-8-sig"))))
    rows = list(csv.reader(io.StringIO(cli)))
    assert [r for r in web_rows if "generated" not in r] == [
        r for r in rows if "generated" not in r
    ]
    dataset = libhxl.data(io.BytesIO(cli.encode("utf-8")))
    levels = {
        row.get("#loc+name"): tuple(row.get(f"#adm{n}+code+current") or "" for n in (1, 2, 3))
        for row in dataset
        if row.get("#meta+section") == "facility"
    }
    assert levels == {
        "Reception Point 1": ("SY09", "SY0901", ""),  # a district
        "Al-Hol Camp": ("SY09", "SY0903", "SY090301"),  # a sub-district, as the demo's
        "Small Camp": ("IQG15", "IQD1501", ""),  # an Iraqi district, as the scenario writes them
        "Holding Facility A": ("", "", ""),  # no level to read: only in the untagged pcode
        "Family Camp": ("SY08", "SY0805", ""),
    }
    holding = next(r for r in rows if r[0] == "Holding Facility A")
    assert holding[SITREP_HEADER.index("pcode")] == "Camp 7"


def test_an_hxl_tool_summing_the_facilities_population_counts_each_person_once(
    registered, facilities, make_user, login, capsys
):
    # A total row tagged like the facility rows: HXL Proxy's sum of #affected+ind+current was 6
    # for the household of 3.
    libhxl = pytest.importorskip("hxl", reason="libhxl not installed (pip install libhxl)")
    web = login(make_user("coordinator")).get(reverse("export-sitrep-csv")).content
    for text in (web.decode("utf-8-sig"), _hxl_text(capsys)):

        def dataset(text=text):
            return libhxl.data(io.BytesIO(text.encode("utf-8")))

        assert "total" not in dataset().get_value_set("#meta+section")
        for tag, total in (("#affected+ind+current", 3), ("#capacity+ind", 77403)):
            assert sum(int(row.get(tag) or 0) for row in dataset()) == total
        summed = dataset().count(aggregators="sum(#affected+ind+current) as N#x_n")
        assert [row.get("#x_n") for row in summed] == [3]


def test_no_columns_tag_is_another_columns_with_attributes_added(registered, make_user, login):
    # '#affected+f' (the women and girls) was also matched by the girls' '#affected+f+children':
    # a tool's pattern picks every column whose tag has the pattern's attributes and more.
    rows = list(
        csv.reader(
            io.StringIO(
                login(make_user("coordinator"))
                .get(reverse("export-sitrep-csv"))
                .content.decode("utf-8-sig")
            )
        )
    )
    header, tags = rows[0], rows[1]
    tagged = [(c, t) for c, t in zip(header, tags, strict=True) if t]
    assert len(tagged) == len(header) - 1  # all but the pcode as entered
    for i, (column, tag) in enumerate(tagged):
        name, *attributes = tag.split("+")
        for other, other_tag in tagged[i + 1 :]:
            other_name, *other_attributes = other_tag.split("+")
            if name != other_name:
                continue
            assert not set(attributes) <= set(other_attributes), (column, tag, other, other_tag)
            assert not set(other_attributes) <= set(attributes), (column, tag, other, other_tag)
            assert not hxl.tags_overlap(tag, other_tag)


def test_an_hxl_tool_picks_each_column_by_its_own_tag_and_no_other(registered, capsys):
    libhxl = pytest.importorskip("hxl", reason="libhxl not installed (pip install libhxl)")
    dataset = libhxl.data(io.BytesIO(_hxl_text(capsys).encode("utf-8")))
    columns = [c for c in dataset.columns if c.tag]
    for column in columns:
        pattern = libhxl.model.TagPattern.parse(column.display_tag)
        picked = [c.header for c in columns if pattern.match(c)]
        assert picked == [column.header], (column.display_tag, picked)
    # The women and girls are all the women and girls; the girls' column is not summed with them.
    reception = next(r for r in dataset if r.get("#loc+name") == "Reception Point 1")
    assert reception.get("#affected+ind+f+total") == "1"
    assert reception.get("#affected+ind+f+children") == "0"


def _printed(html: str, tmp_path, name: str) -> bytes:
    """The first page of ``html`` as WeasyPrint prints it, as a picture (PNG bytes)."""
    from weasyprint import HTML

    target = tmp_path / f"{name}.pdf"
    HTML(string=html, base_url=pdf.STATIC.as_uri() + "/", url_fetcher=pdf._fetcher).write_pdf(
        target
    )
    subprocess.run([PDFTOPPM, "-r", "40", "-png", "-f", "1", "-l", "1", str(target),
                    str(tmp_path / name)], check=True)  # fmt: skip
    return next(tmp_path.glob(f"{name}*.png")).read_bytes()


# The shipped faces, each file under a family name of its own: the letters as they must print.
REFERENCE_FACES = """<style>
@font-face { font-family: "Reference Latin"; src: url("fonts/noto-sans-latin-%(w)s-normal.woff2"); }
@font-face { font-family: "Reference Latin Ext"; src: url("fonts/noto-sans-latin-ext-%(w)s-normal.woff2"); }
p { font: 9pt/1.35 "Reference Latin", "Reference Latin Ext"; margin: 0; }
</style>"""


@needs_weasyprint
@needs_poppler
@pytest.mark.parametrize("weight", ["400", "700"])
def test_kurmanji_letters_beyond_latin_1_print_as_themselves(registered, tmp_path, weight):
    """The Kurmanji sitrep printed 'Rapora rewÞê', 'Navenda girtinê ya Ýeddadê': the shipped
    Latin and Latin Extended faces, under one family name, were one font in the PDF, and the
    glyph of ş (from the Latin Extended file) was drawn from the Latin file. Printed in the
    sitrep's fonts, Kurmanji reads as in the two files drawn each on its own."""
    from muster.reports.filters import default_filters

    head = pdf.render_html(default_filters(), "kmr").split("</head>", 1)[0]
    words = "Rapora rewşê · Navenda girtinê ya Şeddadê · Kampa Erîşê"
    sitrep = (
        f"{head}<style>p {{ font-size: 9pt; line-height: 1.35; margin: 0; }}</style></head><body>"
        f'<p style="font-weight: {weight}">{words}</p></body></html>'
    )
    weight_file = "400" if weight == "400" else "700"
    reference = (
        f"{head}{REFERENCE_FACES % {'w': weight_file}}</head><body>"
        f'<p style="font-weight: {weight}">{words}</p></body></html>'
    )
    assert _printed(sitrep, tmp_path, "sitrep") == _printed(reference, tmp_path, "reference")
