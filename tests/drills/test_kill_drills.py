"""kill -9 drills: a process registering, dispatching, receiving and importing lists in a loop is
killed at a random moment; nothing it was doing is left half-written. Runs on the embedded SQLite
database, and on PostgreSQL in the PostgreSQL pass (a scratch database next to the test one)."""

import os
import random
import signal
import subprocess
import sys
import time

import pytest

WORK = r"""
import django, os
os.environ["DJANGO_SETTINGS_MODULE"] = "muster.settings"
django.setup()
from django.contrib.auth import get_user_model
from muster.access import services as access
from muster.custody import services as custody
from muster.custody.models import Facility
from muster.intake import services as intake
from muster.people.validation import clean_household
from muster.screening import imports

def user(name, role):
    found = get_user_model().objects.filter(username=name).first()
    return found or access.create_user(name, "a long enough password", roles=[role], check_password=False)

officer, manager = user("ro", "registration_officer"), user("cm", "camp_manager")
screener, admin = user("so", "screening_officer"), user("ad", "administrator")

def facility(name, kind):
    found = Facility.objects.filter(name=name).first()
    return found or custody.create_facility({"name": name, "kind": kind}, by=admin)

reception, camp = facility("Reception", "reception_point"), facility("Camp", "displacement_camp")
header = "record_id,source,given_name,father_name,grandfather_name,family_name,mother_name,alias,sex,date_of_birth,birth_year,place_of_origin,nationality"
rows = "\n".join(f"R-{i},,Name,Father,,Family,,,M,,1970,,IRQ" for i in range(3000))
data = (header + "\n" + rows + "\n").encode()
n = os.getpid() * 1000
while True:
    n += 1
    tag = "".join(chr(97 + int(d)) for d in str(n))  # letters: names hold no digits
    members = [
        {"given_name": "Omar", "father_name": "Ali", "family_name": "Hassan" + tag, "sex": "M",
         "birth_year": "1980", "relationship_to_head": "head"},
        {"given_name": "Huda", "father_name": "Ali", "family_name": "Hassan" + tag, "sex": "F",
         "birth_year": "1982", "relationship_to_head": "spouse"},
    ]
    household = intake.register_household(clean_household(members), reception_point=reception, by=officer)
    people = list(household.members.all())
    movement = custody.dispatch(people, from_facility=reception, to_facility=camp, by=manager)
    custody.receive(movement, by=manager)
    custody.dispatch(people, from_facility=camp, to_facility=reception, by=manager)
    imports.import_reference_list(data, name="Drill list", owner="MoI", legal_basis="Decree 1",
                                  list_date="2026-11-01", by=screener)
    print("cycle", n, flush=True)
"""

CHECK = r"""
import django, os
os.environ["DJANGO_SETTINGS_MODULE"] = "muster.settings"
django.setup()
from django.db import connection
from django.db.models import Count, Q
from muster.audit.services import verify
from muster.custody.models import ManifestLine, Movement, Placement
from muster.people.models import Person
from muster.screening.models import ReferenceList

problems = []
persons = Person.objects.annotate(current=Count("placements", filter=Q(placements__is_current=True)))
bad = persons.exclude(current=1).count()
if bad:
    problems.append(f"{bad} persons without exactly one current placement")
empty = Movement.objects.annotate(n=Count("lines")).filter(n=0).count()
if empty:
    problems.append(f"{empty} movements without a manifest")
for ref in ReferenceList.objects.all():
    if ref.entries.values("ref_id").distinct().count() != ref.entry_count:
        problems.append(f"list {ref.pk} has {ref.entries.count()} entries, says {ref.entry_count}")
if ReferenceList.objects.filter(name="Drill list", is_current=True).count() > 1:
    problems.append("two current versions of one list")
transit = Placement.objects.filter(is_current=True, state="in_transit")
unlisted = sum(
    1 for pl in transit.select_related("movement")
    if not ManifestLine.objects.filter(movement=pl.movement, person_id=pl.person_id).exists()
)
if unlisted:
    problems.append(f"{unlisted} persons in transit on a movement that does not list them")
result = verify()
ok = getattr(result, "ok", result)
if not ok:
    problems.append(f"audit chain: {result}")
print("PROBLEMS:" + " | ".join(problems) if problems else "CONSISTENT")
print("persons", Person.objects.count(), "movements", Movement.objects.count(),
      "lists", ReferenceList.objects.count())
"""


def _database_env(tmp_path, migrated_data, migrated_postgres) -> dict:
    """The environment of the drill's processes: a migrated database of its own."""
    env = {**os.environ, "MUSTER_DATA": str(tmp_path), "MUSTER_TOTP_REQUIRED_ROLES": ""}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        scratch = f"{url.rpartition('/')[2]}_drill"
        env["DATABASE_URL"] = migrated_postgres(url, scratch)
    else:
        env.pop("DATABASE_URL", None)
        migrated_data(tmp_path)
    return env


def _run(code: str, env: dict) -> str:
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_kill_9_during_register_dispatch_receive_and_import_leaves_nothing_half_written(
    tmp_path, migrated_data, migrated_postgres
):
    env = _database_env(tmp_path, migrated_data, migrated_postgres)
    rng = random.Random(12)
    kills = 0
    for attempt in range(3):
        log = tmp_path / f"work{attempt}.log"
        with log.open("w") as out:
            worker = subprocess.Popen(
                [sys.executable, "-c", WORK], env=env, stdout=out, stderr=subprocess.STDOUT
            )
            deadline = time.monotonic() + 120
            while "cycle" not in log.read_text() and time.monotonic() < deadline:
                if worker.poll() is not None:
                    pytest.fail(log.read_text()[-2000:])
                time.sleep(0.2)
            time.sleep(rng.uniform(0.2, 2.5))
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=30)
            kills += 1
        report = _run(CHECK, env)
        assert report.startswith("CONSISTENT"), report
    assert kills == 3
