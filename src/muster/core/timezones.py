"""The local time zone named for the reader: "Damascus time" in their language, not "Asia/Damascus"."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The zones Muster is configured for in the region (MUSTER_TIME_ZONE); any other is shown as named.
TIME_ZONE_LABELS = {
    "Asia/Damascus": _("Damascus time"),
    "Asia/Baghdad": _("Baghdad time"),
    "Asia/Amman": _("Amman time"),
    "Asia/Beirut": _("Beirut time"),
    "Europe/Istanbul": _("Istanbul time"),
    "UTC": _("UTC"),
}


def time_zone_label(name: str | None = None) -> str:
    """The current (or named) time zone as the reader says it."""
    name = name or timezone.get_current_timezone_name()
    return str(TIME_ZONE_LABELS.get(name, name))
