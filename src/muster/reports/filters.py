"""The dashboard's filters (window, facility, governorate), read from a query and checked field by field.

The dashboard, the HXL export and the PDF sitrep read the same filters.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from muster.core.parsing import parse_day
from muster.core.text import isolate
from muster.custody.models import Facility

DEFAULT_DAYS = 14
MAX_DAYS = 366
# Dates a filter may name: any operation's records lie well inside, and the ends of the calendar
# (year 1, year 9999) would overflow the time zone arithmetic.
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)


class FilterError(ValueError):
    """A filter value the dashboard cannot use; ``field`` names the parameter."""

    def __init__(self, field_name: str, message: str):
        super().__init__(f"{field_name}: {message}")
        self.field = field_name
        self.message = message


@dataclass(frozen=True)
class Filters:
    date_from: date
    date_to: date
    facility: int | None = None
    governorate: str = ""

    @property
    def narrowed(self) -> bool:
        return self.facility is not None or bool(self.governorate)

    def as_dict(self) -> dict:
        return {
            "date_from": self.date_from.isoformat(),
            "date_to": self.date_to.isoformat(),
            "facility": self.facility,
            "governorate": self.governorate,
        }

    def days(self) -> list[date]:
        n = (self.date_to - self.date_from).days + 1
        return [self.date_from + timedelta(days=i) for i in range(n)]


def default_filters() -> Filters:
    today = timezone.localdate()
    return Filters(today - timedelta(days=DEFAULT_DAYS - 1), today)


def parse_filters(params) -> Filters:
    """Read ``date_from``, ``date_to``, ``facility``, ``governorate`` from a query dict.

    Raises :class:`FilterError` naming the field and what is wrong with it.
    """
    base = default_filters()

    def _date(name: str, default: date) -> date:
        raw = (params.get(name) or "").strip()
        if not raw:
            return default
        day = parse_day(raw)  # typed on an Arabic or Sorani keyboard too: ٢٠٢٦-١١-٠١
        if day is None:
            raise FilterError(
                name, _("'%(v)s' is not a date (YYYY-MM-DD)") % {"v": isolate(raw[:40])}
            )
        if not EARLIEST <= day <= LATEST:
            raise FilterError(
                name,
                _("'%(v)s' is outside %(a)s to %(b)s")
                % {
                    "v": isolate(raw[:40]),
                    "a": isolate(EARLIEST.isoformat()),
                    "b": isolate(LATEST.isoformat()),
                },
            )
        return day

    date_to = _date("date_to", base.date_to)
    date_from = _date("date_from", date_to - timedelta(days=DEFAULT_DAYS - 1))
    if date_from > date_to:
        raise FilterError("date_from", _("is after the end of the period"))
    if (date_to - date_from).days + 1 > MAX_DAYS:
        raise FilterError("date_from", _("the window is longer than %(n)d days") % {"n": MAX_DAYS})
    facility = None
    raw = (params.get("facility") or "").strip()
    if raw:
        if not raw.isdigit() or not Facility.objects.filter(pk=int(raw)).exists():
            raise FilterError("facility", _("'%(v)s' is not a facility") % {"v": isolate(raw[:40])})
        facility = int(raw)
    governorate = (params.get("governorate") or "").strip().upper()
    if governorate and governorate_of(governorate) != governorate:
        raise FilterError(
            "governorate",
            _("'%(v)s' is not a governorate P-code (e.g. SY09, or IQG15 as Iraq's are written)")
            % {"v": isolate(governorate[:40])},
        )
    if governorate and governorate not in governorates():
        # (XX99 gave charts of zeros beside the whole registry's figures, and no word)
        raise FilterError(
            "governorate", _("no facility is in governorate %(v)s") % {"v": isolate(governorate)}
        )
    return Filters(date_from, date_to, facility, governorate)


# A P-code's administrative level, read from its shape, for the facility model holds a code of any
# level ("SY0901" as its help says, "SY090301" in the demo) and not the level itself. OCHA's
# pattern, Syria's and the demo's: two letters, then two digits for each level (SY09 governorate,
# SY0903 district, SY090300 sub-district), each code its parents' followed by two digits. Iraq's
# as the scenario writes them: G and two digits a governorate (IQG15), D and four a district in
# it (IQD1501). Any other shape has no level that can be read.
_PCODE_BY_PAIRS = re.compile(r"^([A-Z]{2})((?:[0-9]{2}){1,3})$")
_PCODE_G_D = re.compile(r"^([A-Z]{2})(?:G([0-9]{2})|D([0-9]{2})([0-9]{2}))$")
# The levels a P-code may be read at: 1 governorate, 2 district, 3 sub-district.
ADMIN_LEVELS = (1, 2, 3)


def admin_codes(pcode: str) -> dict[int, str]:
    """The P-code at each administrative level that ``pcode`` lies in, by level, read from the
    code's shape; empty when the shape tells no level.

    >>> admin_codes("SY090301")
    {1: 'SY09', 2: 'SY0903', 3: 'SY090301'}
    >>> admin_codes("SY0901"), admin_codes("IQD1501"), admin_codes("Baghouz")
    ({1: 'SY09', 2: 'SY0901'}, {1: 'IQG15', 2: 'IQD1501'}, {})
    """
    code = (pcode or "").strip().upper()
    if m := _PCODE_BY_PAIRS.match(code):
        country, digits = m.groups()
        return {n: country + digits[: 2 * n] for n in range(1, len(digits) // 2 + 1)}
    if m := _PCODE_G_D.match(code):
        country, governorate, district_governorate, _district = m.groups()
        if governorate:
            return {1: f"{country}G{governorate}"}
        return {1: f"{country}G{district_governorate}", 2: code}
    return {}


def governorate_of(pcode: str) -> str:
    """The first-level P-code of a P-code (``SY0901`` -> ``SY09``, ``IQD1501`` -> ``IQG15``), or
    ``""`` where its shape tells no level: :func:`admin_codes`' reading, the one the dashboard's
    governorate filter and the export's level columns share.

    >>> governorate_of("SY090301"), governorate_of("IQD1501"), governorate_of("IQG15")
    ('SY09', 'IQG15', 'IQG15')
    >>> governorate_of("Camp 7"), governorate_of("SY09X")
    ('', '')
    """
    return admin_codes(pcode).get(1, "")


def governorates() -> list[str]:
    codes = {governorate_of(p) for p in Facility.objects.values_list("pcode", flat=True)}
    return sorted(c for c in codes if c)


def selected_facilities(filters: Filters) -> list[Facility]:
    qs = Facility.objects.order_by("kind", "name")
    if filters.facility is not None:
        qs = qs.filter(pk=filters.facility)
    facilities = list(qs)
    if filters.governorate:
        # Read as the export reads the code (an Iraqi district IQD1501 lies in IQG15), not by its
        # first letters: a few hundred facilities at most.
        facilities = [f for f in facilities if governorate_of(f.pcode) == filters.governorate]
    return facilities
