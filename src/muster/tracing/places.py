"""Places of separation the matcher can read in any spelling: the villages of Sinjar district.

Families name the village a child was taken from (Kocho, Tel Ezer), in Kurmanji, English or
Arabic spelling, while a register may hold the village, the district ("Sinjar", "Shingal") or
the captors' town.  A village is told apart from its district so that "taken from Kocho"
against "from Sinjar" counts as some evidence, less than the same village.  Spellings are
those in common use in reports on the August 2014 abductions; the list is not a gazetteer.
"""

from __future__ import annotations

from functools import lru_cache

from muster.identity import normalise_name

SINJAR = "sinjar"

# place id -> spellings (Latin, Kurmanji, Arabic script); every place here lies in Sinjar district.
SINJAR_VILLAGES: dict[str, tuple[str, ...]] = {
    SINJAR: ("Sinjar", "Shingal", "Şingal", "Shengal", "Shingaal", "سنجار", "شنگال", "شنكال"),
    "kocho": ("Kocho", "Kojo", "Koço", "Kochu", "Kucho", "كوجو", "كوچو", "كوتشو"),
    "tel_ezer": ("Tel Ezer", "Til Ezer", "Tal Uzair", "Tel Uzer", "Tal Azir", "Tal Ezer", "تل عزير"),
    "siba_sheikh_khidir": (
        "Siba Sheikh Khidir", "Siba Shaykh Khidr", "Sîba Şêx Xidir", "Siba Sheikh Khider",
        "Siba", "صيبا شيخ خضر", "صيبا",
    ),
    "hardan": ("Hardan", "Herdan", "حردان"),
    "khanasor": ("Khanasor", "Khana Sor", "Xanesor", "Khanasour", "Khanesor", "خانصور", "خانسور"),
    "solagh": ("Solagh", "Solax", "Sologh", "سولاغ"),
    "tel_qasab": ("Tel Qasab", "Tal Qasab", "Til Qesab", "تل قصب"),
    "gir_zerik": ("Gir Zerik", "Girzerik", "Kar Zarik", "كرزرك"),
    "zorava": ("Zorava", "Zorafa", "زورافا"),
    "snune": ("Snune", "Sinune", "Sinuni", "سنوني"),
    "dugure": ("Dugure", "Duguri", "Dogure", "دوكري"),
    "borek": ("Borek", "Burak", "بورك"),
    "jidala": ("Jidala", "Cidale", "جدالة"),
    "tel_banat": ("Tel Banat", "Tal Banat", "Til Benat", "تل بنات"),
    "wardiya": ("Wardiya", "Wardiyah", "Werdiye", "وردية"),
}  # fmt: skip


@lru_cache(maxsize=1)
def _lookup() -> dict[str, str]:
    table: dict[str, str] = {}
    for place, spellings in SINJAR_VILLAGES.items():
        for text in spellings:
            key = normalise_name(text, "place")
            for k in (key.folded, key.key1, key.key2):
                if k:
                    table.setdefault(k, place)
    return table


def sinjar_place(text: str) -> str:
    """The id of a Sinjar place named by ``text`` in any listed spelling, or ``""``.

    >>> sinjar_place("Koço"), sinjar_place("كوجو"), sinjar_place("Shingal"), sinjar_place("Mosul")
    ('kocho', 'kocho', 'sinjar', '')
    """
    key = normalise_name(text, "place")
    if not key.folded:
        return ""
    table = _lookup()
    for k in (key.folded, key.key1, key.key2):
        if k in table:
            return table[k]
    return ""
