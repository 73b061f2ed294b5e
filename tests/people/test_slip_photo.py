"""The registration slip (number as a QR code, no sensitive field) and the reception photo (stored
with access rules, every read audited, never exported)."""

import re

import pytest

from muster.audit.models import AuditEvent

# The smallest valid JPEG header is enough for the type check; the bytes are never decoded.
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _head(registered):
    return registered.members.get(relationship_to_head="head")


def _child(registered):
    return registered.members.get(relationship_to_head="son")


def _slip_svg(html: str) -> str:
    return re.search(r'data-testid="slip-qr"[^>]*>(<svg.*?</svg>)', html, re.S).group(1)


def _qr_matrix_from_svg(svg: str) -> list[list[bool]]:
    """Read segno's inline SVG back into modules: its "qrline" path is horizontal runs of dark modules
    ("M x y h n" moves, relative "m" moves), at scale 1 after dividing by the transform's scale."""
    size = re.search(r'<svg[^>]*width="(\d+)"', svg)
    scale = re.search(r"scale\(([\d.]+)\)", svg)
    path = re.search(r'<path class="qrline"[^>]* d="([^"]+)"', svg).group(1)
    factor = float(scale.group(1)) if scale else 1.0
    n = round(int(size.group(1)) / factor)
    grid = [[False] * n for _ in range(n)]
    x = y = 0.0
    for op, a, b in re.findall(r"([MmHhVv])(-?[\d.]+)(?:[ ,](-?[\d.]+))?", path):
        a = float(a)
        if op == "M":
            x, y = a, float(b)
        elif op == "m":
            x, y = x + a, y + float(b)
        elif op == "h":
            for i in range(int(round(a))):
                grid[int(y)][int(x) + i] = True
            x += a
        elif op == "H":
            for i in range(int(round(a - x))):
                grid[int(y)][int(x) + i] = True
            x = a
    return grid


def test_slip_shows_number_names_and_a_qr_code_of_the_number_and_nothing_sensitive(
    registered, make_user, login
):
    import segno

    child = _child(registered)  # flagged separated child
    client = login(make_user("registration_officer"))
    response = client.get(f"/people/{child.number}/slip/")
    assert response.status_code == 200
    html = response.content.decode()
    assert child.number in html
    assert "Omar Muhammad Jasim al-Obeidi" in html
    assert "عمر محمد جاسم" in html  # the transliteration, from the attested spellings
    # No category, no protection flag, no documents on something a person wears.
    assert "separated" not in html.lower() and "Separated" not in html
    assert "Category" not in html and "Civilian" not in html
    svg = _slip_svg(html)
    matrix = _qr_matrix_from_svg(svg)
    expected = segno.make_qr(child.number, error="m")
    assert not expected.is_micro
    border = len(matrix) - expected.symbol_size(scale=1, border=0)[0]
    assert border % 2 == 0
    b = border // 2
    decoded = [row[b : len(row) - b] for row in matrix[b : len(matrix) - b]]
    assert decoded == [[bool(m) for m in row] for row in expected.matrix]
    assert AuditEvent.objects.filter(action="person.slip.print", object_id=str(child.pk)).exists()


def test_a_childs_slip_carries_her_full_date_of_birth_an_adults_the_year(
    registered, make_user, login
):
    # A child born on 2015-03-02 read "Born: 2015": the day she turns 18 changes how she is
    # protected, and whoever checks her slip must be able to tell it.
    client = login(make_user("registration_officer"))
    child_slip = client.get(f"/people/{_child(registered).number}/slip/").content.decode()
    assert 'data-testid="slip-born">2015-03-02<' in child_slip
    head_slip = client.get(f"/people/{_head(registered).number}/slip/").content.decode()
    assert 'data-testid="slip-born">1985<' in head_slip


def test_slip_decodes_to_the_number_with_a_qr_reader(registered, make_user, login):
    zxingcpp = pytest.importorskip("zxingcpp")
    np = pytest.importorskip("numpy")

    head = _head(registered)
    html = (
        login(make_user("screening_officer")).get(f"/people/{head.number}/slip/").content.decode()
    )
    matrix = _qr_matrix_from_svg(_slip_svg(html))
    image = np.kron(
        np.array([[0 if m else 255 for m in row] for row in matrix], dtype=np.uint8),
        np.ones((6, 6), dtype=np.uint8),
    )
    results = zxingcpp.read_barcodes(image)
    assert [r.text for r in results] == [head.number]


def test_wristband_carries_number_and_name_only(registered, make_user, login):
    head = _head(registered)
    html = (
        login(make_user("registration_officer"))
        .get(f"/people/{head.number}/slip/?kind=wristband")
        .content.decode()
    )
    assert head.number in html and "Muhammad Jasim Hamad al-Obeidi" in html
    assert "1985" not in html


def test_coordinator_and_auditor_get_no_slip(registered, make_user, login, client):
    head = _head(registered)
    for role in ("coordinator", "auditor"):
        client.logout()
        assert login(make_user(role)).get(f"/people/{head.number}/slip/").status_code in (403, 404)


def test_registration_officer_uploads_a_photo_and_it_is_read_through_the_audited_view(
    registered, make_user, login
):
    from muster.people.models import Photo

    head = _head(registered)
    officer = make_user("registration_officer")
    client = login(officer)
    response = client.post(
        f"/people/{head.number}/photo/upload/",
        {"photo": _file(JPEG)},
    )
    assert response.status_code == 302
    photo = Photo.objects.get(person=head, is_current=True)
    assert photo.taken_by == officer
    assert AuditEvent.objects.filter(action="person.photo.add", object_id=str(head.pk)).exists()

    page = client.get(f"/people/{head.number}/").content.decode()
    assert f"/people/{head.number}/photo/" in page

    before = AuditEvent.objects.filter(action="person.photo.read").count()
    response = client.get(f"/people/{head.number}/photo/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response.content == JPEG
    assert "no-store" in response["Cache-Control"]
    assert AuditEvent.objects.filter(action="person.photo.read").count() == before + 1

    # A second photo replaces the first; the first stays on record.
    client.post(f"/people/{head.number}/photo/upload/", {"photo": _file(PNG, "b.png")})
    assert Photo.objects.filter(person=head).count() == 2
    assert client.get(f"/people/{head.number}/photo/")["Content-Type"] == "image/png"


def _file(data: bytes, name: str = "a.jpg"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def test_photo_upload_refuses_what_is_not_an_image(registered, make_user, login):
    head = _head(registered)
    client = login(make_user("registration_officer"))
    response = client.post(f"/people/{head.number}/photo/upload/", {"photo": _file(b"GIF89a...")})
    assert response.status_code == 400
    assert response.content.decode().startswith("photo:")
    response = client.post(f"/people/{head.number}/photo/upload/", {})
    assert response.status_code == 400


@pytest.mark.parametrize(
    "role, upload, view",
    [
        ("registration_officer", 302, 200),
        ("screening_officer", 403, 200),
        ("tracing_caseworker", 403, 200),
        ("coordinator", 403, 403),
        ("auditor", 403, 403),
        ("administrator", 403, 403),
    ],
)
def test_photo_access_per_role(registered, make_user, login, role, upload, view):
    from muster.people import services as people
    from muster.people.models import Photo

    head = _head(registered)
    people.add_photo(head, JPEG, by=None)
    client = login(make_user(role))
    assert (
        client.post(f"/people/{head.number}/photo/upload/", {"photo": _file(JPEG)}).status_code
        == upload
    )
    response = client.get(f"/people/{head.number}/photo/")
    assert response.status_code == view
    if view != 200:
        assert response.content != JPEG
    assert Photo.objects.filter(person=head).count() == (2 if upload == 302 else 1)


def test_camp_manager_sees_photos_only_of_persons_in_their_facility(
    registered, facilities, make_user, login, client
):
    from muster.people import services as people

    head = _head(registered)
    people.add_photo(head, JPEG, by=None)
    here = login(make_user("camp_manager", facility=facilities["reception"]))
    assert here.get(f"/people/{head.number}/photo/").status_code == 200
    client.logout()
    elsewhere = login(make_user("camp_manager", facility=facilities["camp"]))
    assert elsewhere.get(f"/people/{head.number}/photo/").status_code == 404


def test_photos_never_leave_in_exports(registered, facilities, make_user, login):
    from muster.people import services as people

    head = _head(registered)
    people.add_photo(head, JPEG, by=None)
    client = login(make_user("camp_manager", facility=facilities["reception"]))
    response = client.get(f"/reports/facilities/{facilities['reception'].pk}/roll.csv")
    if response.status_code == 404:
        pytest.skip("no roll export at this address")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert head.number.encode() in body
    assert b"photo" not in body.lower() and JPEG[:4] not in body
