"""The demo loaded in Arabic (``muster demo --language ar``): what its officers wrote (the
discrepancy notes, the convoys, the authorities, the reasons, the lists' names) reads in Arabic,
as the notes of a team writing in Arabic would, not in English beside the Arabic interface."""

import re

from django.urls import reverse

from muster import cli
from muster.departures.models import Departure, DepartureLine
from tests.factories import shared_demo

_demo, demo = shared_demo(persons=400, seed=2, language="ar")


def _user(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


def arabic(client):
    client.post(reverse("set_language"), {"language": "ar", "next": "/"})
    return client


def test_the_discrepancy_notes_and_the_departures_read_in_arabic(demo, login):
    # A field walk in Arabic read "Not presented (not on the bus at the checkpoint)" and
    # "Tribal council of Hajin" in English.
    client = arabic(login(_user("repatriation-officer")))
    page = client.get(reverse("departure-discrepancies")).content.decode()
    assert "لم يكن في الحافلة عند الحاجز" in page
    assert "not on the bus" not in page
    notes = DepartureLine.objects.exclude(note="").values_list("note", flat=True)
    assert notes and all(not re.search("[A-Za-z]", n) for n in notes), list(notes)
    convoy = Departure.objects.filter(kind="return").order_by("id").first()
    page = client.get(reverse("departure-detail", args=[convoy.number])).content.decode()
    # (which convoy leaves first follows the demo's population: any number, in Arabic)
    assert re.search(r"القافلة \d+", page) and "مجلس عشائر" in page
    assert "Convoy" not in page and "Tribal council" not in page
    handover = Departure.objects.filter(kind="handover").order_by("id").first()
    page = client.get(reverse("departure-detail", args=[handover.number])).content.decode()
    assert "قوات الأمن العراقية" in page and "معبر القائم الحدودي" in page


def test_the_lists_reasons_and_tracing_notes_read_in_arabic(demo, login):
    page = arabic(login(_user("screening-officer"))).get(reverse("screening-lists")).content
    page = page.decode()
    assert "المطلوبون لدى وزارة الداخلية" in page and "Ministry of Interior" not in page
    assert "سيناريو العرض" in page and "Demo scenario" not in page
    from muster.tracing.models import TracingRequest

    req = TracingRequest.objects.exclude(notes="").order_by("id").first()
    client = arabic(login(_user("tracing-caseworker")))
    page = client.get(reverse("tracing-request", args=[req.number])).content.decode()
    assert "أُعطي اسماً آخر" in page or "لا يزال مفقوداً" in page
    assert "The family believes" not in page and "tracing office" not in page


def test_the_requesters_relationship_reads_in_arabic(demo, login):
    # A Sorani demo's request page read "father" in English.
    from muster.tracing.models import TracingRequest

    requests = TracingRequest.objects.exclude(requester_name="")
    relationships = set(requests.values_list("requester_relationship", flat=True))
    assert relationships and relationships <= {"الأم", "الأب"}, relationships
    req = requests.order_by("id").first()
    client = arabic(login(_user("tracing-caseworker")))
    page = client.get(reverse("tracing-request", args=[req.number])).content.decode()
    assert req.requester_relationship in page and ">father<" not in page


def test_the_families_requests_are_written_in_sorani_in_a_sorani_demo():
    # "scar on the forehead", "limps on the right leg" and "father" on the Sorani pages.
    from django.utils import translation

    from muster.demo.tracing import DEMO_SHAPE, family_requests
    from muster.scenario import generate

    with translation.override("ckb"):
        requests = family_requests(generate(persons=3000, seed=1, shape=DEMO_SHAPE), 1)
    assert {r["requester_relationship"] for r in requests} == {"دایک", "باوک"}
    marks = {r["distinguishing_marks"] for r in requests} - {""}
    assert marks and not any(re.search("[A-Za-z]", m) for m in marks), marks


def test_the_demo_command_takes_the_language():
    args = cli.build_parser().parse_args(["demo", "--language", "ar", "--no-serve"])
    assert args.language == "ar"
    assert cli.build_parser().parse_args(["demo"]).language == "en"
