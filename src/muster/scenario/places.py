"""Places of origin and facility locations, with P-codes shaped like OCHA's (admin codes as text).

The codes follow the OCHA pattern (``SY09`` governorate, ``SY0903`` district, ``SY090300``
sub-district; ``IQG15`` governorate, ``IQD…`` district) but are illustrative, not an authoritative
gazetteer: the scenario is synthetic.
"""

from __future__ import annotations

from itertools import accumulate
from typing import NamedTuple


class Place(NamedTuple):
    name: str
    arabic: str
    pcode: str
    weight: float


def _table(rows: str) -> tuple[list[Place], list[float]]:
    places = []
    for line in rows.strip().splitlines():
        name, arabic, pcode, weight = line.split("|")
        places.append(Place(name.strip(), arabic.strip(), pcode.strip(), float(weight)))
    return places, list(accumulate(p.weight for p in places))


# Middle Euphrates valley and the Syrian east, where most evacuees came from.
SYRIA, SYRIA_CUM = _table(
    """
Baghouz Fawqani|الباغوز فوقاني|SY090301|10
Baghouz Tahtani|الباغوز تحتاني|SY090301|8
Al-Marashida|المراشدة|SY090301|6
Al-Sousa|السوسة|SY090301|8
Al-Shafa|الشعفة|SY090302|8
Hajin|هجين|SY090302|12
Al-Kishma|الكشمة|SY090302|5
Gharanij|غرانيج|SY090302|6
Abu Hamam|أبو حمام|SY090302|6
Al-Bahra|البحرة|SY090302|4
Abu Kamal|البوكمال|SY090300|12
Al-Mayadin|الميادين|SY090200|12
Al-Quriya|القورية|SY090201|5
Al-Ashara|العشارة|SY090202|6
Dhiban|ذيبان|SY090103|5
Al-Busayra|البصيرة|SY090102|6
Al-Shuhayl|الشحيل|SY090103|5
Deir ez-Zor|دير الزور|SY090000|10
Al-Sour|الصور|SY090101|4
Markada|مركدة|SY080201|4
Al-Shaddadi|الشدادي|SY080202|5
Raqqa|الرقة|SY110000|12
Al-Tabqa|الطبقة|SY110200|5
Maadan|معدان|SY110102|3
Manbij|منبج|SY020500|4
Al-Bab|الباب|SY020200|3
Palmyra|تدمر|SY040400|3
"""
)

# Anbar, Ninewa, Salah al-Din and Kirkuk: where Iraqis in the pocket came from.
IRAQ, IRAQ_CUM = _table(
    """
Al-Qaim|القائم|IQD0104|12
Rawa|راوة|IQD0105|6
Anah|عنة|IQD0103|6
Hit|هيت|IQD0106|6
Al-Fallujah|الفلوجة|IQD0102|10
Al-Ramadi|الرمادي|IQD0101|8
Mosul|الموصل|IQD1501|20
Tal Afar|تلعفر|IQD1507|10
Al-Baaj|البعاج|IQD1502|5
Qayyarah|القيارة|IQD1501|5
Al-Shirqat|الشرقاط|IQD1806|6
Baiji|بيجي|IQD1802|5
Tikrit|تكريت|IQD1807|5
Al-Hawija|الحويجة|IQD1302|6
"""
)

# Sinjar villages from which Yazidi women and children were taken in August 2014.
SINJAR, SINJAR_CUM = _table(
    """
Kocho|كوجو|IQD1506|10
Tel Ezer|تل عزير|IQD1506|8
Siba Sheikh Khidir|صيبا شيخ خضر|IQD1506|8
Hardan|حردان|IQD1506|6
Sinjar|سنجار|IQD1506|10
Khanasor|خانصور|IQD1506|5
Solagh|سولاغ|IQD1506|4
"""
)

# Home towns of foreign nationals (no P-code: outside the response area).
FOREIGN_TOWNS: dict[str, tuple[str, ...]] = {
    "TUN": ("Tunis", "Bizerte", "Ben Guerdane", "Sousse", "Kairouan"),
    "MAR": ("Casablanca", "Tetouan", "Fes", "Tangier"),
    "DZA": ("Algiers", "Oran", "Constantine"),
    "EGY": ("Cairo", "Alexandria", "Giza", "Minya"),
    "SAU": ("Riyadh", "Jeddah", "Buraydah", "Dammam"),
    "JOR": ("Zarqa", "Irbid", "Salt", "Amman"),
    "TUR": ("Istanbul", "Gaziantep", "Adiyaman", "Konya", "Ankara"),
    "RUS": ("Grozny", "Makhachkala", "Khasavyurt", "Nazran", "Argun"),
    "UZB": ("Tashkent", "Andijan", "Namangan", "Fergana"),
    "TJK": ("Dushanbe", "Khujand", "Kulob"),
    "KAZ": ("Almaty", "Aktobe", "Shymkent"),
    "FRA": ("Paris", "Toulouse", "Nice", "Lyon", "Strasbourg", "Roubaix"),
    "DEU": ("Berlin", "Hamburg", "Frankfurt", "Dinslaken", "Bonn"),
    "GBR": ("London", "Birmingham", "Manchester", "Cardiff"),
    "BEL": ("Brussels", "Antwerp", "Vilvoorde", "Liege"),
    "NLD": ("The Hague", "Rotterdam", "Amsterdam", "Utrecht"),
    "IDN": ("Jakarta", "Bandung", "Surabaya", "Solo"),
}
