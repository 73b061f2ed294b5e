"""Name tables for the synthetic population: canonical Latin, Arabic script and attested Latin spellings.

Each line of a table reads ``Canonical|Arabic|weight|A,B,C|Variant:count;Variant:count``:

- ``weight`` is the relative frequency of the name in the population (heavily skewed, as in the field).
- ``A,B,C`` optionally override the spelling that transliteration styles A (English/Iraqi officer),
  B (camp register, Levantine) and C (French-influenced NGO) produce; empty parts fall back to the
  canonical form (with the article rewritten for ``al-`` family names: ``Alotaibi``, ``El Otaibi``).
- the variants are attested Latin spellings with rough counts. For Arabic names they were picked from
  the CC0 name index shipped in the MIT-licensed ``arabic-name-romanizer`` wheel (Wikidata labels,
  counts restricted to Arab countries); the package itself is not a dependency.

All names are common given names, tribal/family names and place-neutral forms: no row describes a real
person. Tables are parsed once at import into :class:`Name` objects that the generator shares between
persons (no per-person copies, which keeps a million persons cheap).
"""

from __future__ import annotations

from itertools import accumulate
from pathlib import Path

__all__ = [
    "EMPTY",
    "Name",
    "NameTable",
    "MALE",
    "FEMALE",
    "FAMILY",
    "KURDISH_MALE",
    "KURDISH_FEMALE",
    "YAZIDI_FAMILY",
    "FOREIGN",
    "NISBA",
    "kunya",
]


class Name:
    """One name part: its canonical Latin and Arabic forms and how people spell it in Latin.

    >>> MALE.by_latin["Muhammad"].arabic
    'محمد'
    """

    __slots__ = (
        "latin",
        "arabic",
        "weight",
        "kind",
        "styled",
        "variants",
        "variant_cum",
        "feminine",
    )

    def __init__(
        self,
        latin: str,
        arabic: str,
        weight: float = 1.0,
        kind: str = "ar",
        styled: tuple[str, str, str] | None = None,
        variants: tuple[tuple[str, float], ...] = (),
    ) -> None:
        self.latin = latin
        self.arabic = arabic
        self.weight = weight
        # "ar" names get the Arabic transliteration rules; other kinds (ku, eu, ru, tr, ...) are
        # spelled as written, with only their listed variants.
        self.kind = kind
        self.styled: tuple[str, str, str] = styled or (latin, latin, latin)
        forms = variants or ((latin, 1.0),)
        self.variants: tuple[str, ...] = tuple(v for v, _ in forms)
        self.variant_cum: tuple[float, ...] = tuple(accumulate(w for _, w in forms))
        # Gendered surnames (Magomedov/Magomedova): the form a woman carries.
        self.feminine: Name = self

    def __repr__(self) -> str:
        return f"Name({self.latin!r}, {self.arabic!r})"

    def __bool__(self) -> bool:
        return bool(self.latin or self.arabic)


EMPTY = Name("", "", 0.0, kind="none")


class NameTable:
    """A weighted list of names with O(log n) sampling from a ``random.random()`` draw."""

    __slots__ = ("names", "cum", "total", "by_latin")

    def __init__(self, names: list[Name]) -> None:
        self.names = names
        self.cum = list(accumulate(n.weight for n in names))
        self.total = self.cum[-1] if names else 0.0
        self.by_latin = {n.latin: n for n in names}

    def __len__(self) -> int:
        return len(self.names)

    def __iter__(self):
        return iter(self.names)


def _styles(latin: str, given: tuple[str, str, str] | None) -> tuple[str, str, str]:
    a, b, c = given or ("", "", "")
    if latin.startswith("al-"):
        rest = latin[3:]
        # Camp registers glue the article on (Alotaibi); French-trained staff write El Otaibi.
        b = b or "Al" + rest.lower()
        c = c or "El " + rest
    return (a or latin, b or latin, c or latin)


def _parse(text: str, kind: str = "ar") -> NameTable:
    names = []
    for raw in text.strip().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split("|") + ["", "", ""]
        latin, arabic, weight, styled_s, variants_s = (p.strip() for p in parts[:5])
        styled = None
        if styled_s:
            a, b, c = (styled_s.split(",") + ["", "", ""])[:3]
            styled = (a or "", b or "", c or "")
        variants: list[tuple[str, float]] = []
        if variants_s:
            for item in variants_s.split(";"):
                form, _, count = item.partition(":")
                variants.append((form.strip(), float(count or 1)))
        if latin not in (v for v, _ in variants):
            variants.insert(0, (latin, max([w for _, w in variants], default=1.0)))
        names.append(
            Name(latin, arabic, float(weight or 1), kind, _styles(latin, styled), tuple(variants))
        )
    return NameTable(names)


def _gendered(text: str, kind: str) -> NameTable:
    """Surnames with a feminine form: ``Magomedov/Magomedova|ماغوميدوف/ماغوميدوفا|weight``."""
    names = []
    for raw in text.strip().splitlines():
        line = raw.strip()
        if not line:
            continue
        latin, arabic, weight = (line.split("|") + ["1"])[:3]
        m_lat, _, f_lat = latin.partition("/")
        m_ar, _, f_ar = arabic.partition("/")
        male = Name(m_lat, m_ar, float(weight), kind, _styles(m_lat, None))
        if f_lat:
            male.feminine = Name(f_lat, f_ar or m_ar, float(weight), kind, _styles(f_lat, None))
        names.append(male)
    return NameTable(names)


def _table_text(name: str) -> str:
    """A name table's text (``name_tables/NAME.txt``: ``latin|arabic|weight|styles|variants`` a line)."""
    return (Path(__file__).parent / "name_tables" / f"{name}.txt").read_text(encoding="utf-8")


# --- Arabic male given names ---------------------------------------------------------------------
MALE = _parse(_table_text("arabic_male"))

# --- Arabic female given names -------------------------------------------------------------------
FEMALE = _parse(_table_text("arabic_female"))

# --- Arab family / tribal names (Deir ez-Zor, Anbar, Ninewa, Salah al-Din) ------------------------
FAMILY = _parse(_table_text("arabic_family"))

# --- Kurdish names (Syrian and Iraqi Kurds; Yazidi families of Sinjar) ---------------------------
KURDISH_MALE = _parse(_table_text("kurdish_male"))

KURDISH_FEMALE = _parse(_table_text("kurdish_female"))

# Yazidi registers often carry a clan or a patronymic as family name.
YAZIDI_FAMILY = _parse(_table_text("yazidi_family"), kind="ku")

# Kurdish given names are rendered as written, with their listed variants (no Arabic rules).
for _table in (KURDISH_MALE, KURDISH_FEMALE):
    for _n in _table:
        _n.kind = "ku"
for _n in YAZIDI_FAMILY:
    _n.kind = "ku"


class ForeignNames:
    """Names typical for one nationality: given names, family names and the nisba of its kunya."""

    __slots__ = ("male", "female", "family", "arabic_given_share")

    def __init__(
        self, male: NameTable, female: NameTable, family: NameTable, arabic_given_share: float
    ) -> None:
        self.male = male
        self.female = female
        self.family = family
        # Share of persons of this nationality carrying an Arabic given name (converts' children,
        # Maghreb-origin Europeans, renamed converts): they draw from MALE/FEMALE instead.
        self.arabic_given_share = arabic_given_share


def _foreign(kind: str, male: str, female: str, family: str, arabic_share: float) -> ForeignNames:
    return ForeignNames(
        _parse(male, kind), _parse(female, kind), _gendered(family, kind), arabic_share
    )


def _mark(table: ForeignNames, kind: str) -> ForeignNames:
    for sub in (table.male, table.female, table.family):
        for n in sub:
            n.kind = kind
    return table


_MAGHREB_FAMILY_TN = _table_text("maghreb_family_tn")
_MAGHREB_FAMILY_MA = _table_text("maghreb_family_ma")

FOREIGN: dict[str, ForeignNames] = {
    # Arab nationals carry Arabic given names (drawn from MALE/FEMALE); only the family names differ.
    "TUN": _foreign("ar", "", "", _MAGHREB_FAMILY_TN, 1.0),
    "MAR": _foreign("ar", "", "", _MAGHREB_FAMILY_MA, 1.0),
    "DZA": _foreign(
        "ar",
        "",
        "",
        "Belkacem|بلقاسم|8\nBenaissa|بن عيسى|6\nHamidi|حميدي|6\nMansouri|المنصوري|6\nZerrouki|زروقي|5\nBoukhari|البخاري|5",
        1.0,
    ),
    "EGY": _foreign(
        "ar",
        "",
        "",
        "Abdel Aal|عبد العال|6\nEl-Shenawy|الشناوي|6\nEl-Sayed|السيد|10\nMansour|منصور|8\nHassanein|حسنين|6\nEl-Masry|المصري|8\nSoliman|سليمان|6",
        1.0,
    ),
    "SAU": _foreign(
        "ar",
        "",
        "",
        "al-Otaibi|العتيبي|10\nal-Qahtani|القحطاني|10\nal-Ghamdi|الغامدي|8\nal-Shehri|الشهري|8\nal-Harbi|الحربي|8\nal-Zahrani|الزهراني|8\nal-Dosari|الدوسري|6",
        1.0,
    ),
    "JOR": _foreign(
        "ar",
        "",
        "",
        "al-Khalayleh|الخلايلة|6\nal-Zoubi|الزعبي|8\nal-Masri|المصري|6\nal-Momani|المومني|6\nal-Rousan|الروسان|5",
        1.0,
    ),
    "TUR": _mark(
        _foreign(
            "tr",
            "Mehmet|محمد|20|||Mehmet:10;Mehmed:2\nMustafa|مصطفى|15\nAhmet|أحمد|15\nEmre|إمره|8\nBurak|بوراك|8\nYusuf|يوسف|10\nOmer|عمر|8|||Ömer:5;Omer:5\nIbrahim|إبراهيم|8|||İbrahim:5;Ibrahim:5",
            "Ayse|عائشة|15|||Ayşe:10;Ayse:5\nFatma|فاطمة|15\nElif|إليف|10\nZeynep|زينب|10\nMerve|مروة|8\nHatice|خديجة|8",
            "Yilmaz|يلماز|12\nKaya|كايا|10\nDemir|دمير|10\nCelik|تشيليك|8\nSahin|شاهين|8\nOzturk|أوزتورك|6\nAydin|آيدين|6",
            0.0,
        ),
        "tr",
    ),
    "RUS": _mark(
        _foreign(
            "ru",
            "Magomed|ماغوميد|20|||Magomed:10;Magomet:2\nIbragim|إبراغيم|10\nAslan|أصلان|10\nRamzan|رمضان|10\nZelimkhan|زليمخان|8\nAkhmed|أحمد|10|||Akhmed:5;Ahmed:2\nRustam|رستم|8\nShamil|شامل|8\nIslam|إسلام|8",
            "Khava|خافا|10|||Khava:5;Hava:2\nMadina|مدينة|10\nZarema|زاريما|8\nAminat|أمينات|8\nPatimat|باتيمات|8\nMilana|ميلانا|6\nLiana|ليانا|6",
            "Magomedov/Magomedova|ماغوميدوف/ماغوميدوفا|12\nIbragimov/Ibragimova|إبراغيموف/إبراغيموفا|8\nAkhmadov/Akhmadova|أحمدوف/أحمدوفا|8\nGadzhiev/Gadzhieva|غادجييف/غادجييفا|8\nUmarov/Umarova|عمروف/عمروفا|8\nAliev/Alieva|علييف/علييفا|8\nDudurkaev/Dudurkaeva|دودوركاييف/دودوركاييفا|4",
            0.2,
        ),
        "ru",
    ),
    "UZB": _mark(
        _foreign(
            "uz",
            "Jasur|جاسور|8\nRustam|رستم|8\nSardor|سردار|6\nBekzod|بيكزود|6\nOtabek|أوتابيك|6\nAbdulaziz|عبد العزيز|6",
            "Dilnoza|دلنوزا|8\nGulnora|غولنورا|6\nNigora|نيغورا|6\nMalika|مليكة|6\nShahnoza|شاهنوزا|6",
            "Karimov/Karimova|كريموف/كريموفا|8\nTursunov/Tursunova|تورسونوف/تورسونوفا|6\nRakhimov/Rakhimova|رحيموف/رحيموفا|6\nYusupov/Yusupova|يوسوبوف/يوسوبوفا|6\nAbdullaev/Abdullaeva|عبد اللاييف/عبد اللاييفا|6",
            0.2,
        ),
        "uz",
    ),
    "TJK": _mark(
        _foreign(
            "uz",
            "Firdavs|فردوس|6\nDaler|دالير|6\nFarrukh|فرخ|6\nJamshed|جمشيد|6\nUmed|أوميد|5",
            "Zarina|زارينا|6\nMehrona|مهرونا|5\nNilufar|نيلوفر|6\nParvina|بروينا|5",
            "Rahmonov/Rahmonova|رحمونوف/رحمونوفا|6\nSaidov/Saidova|سعيدوف/سعيدوفا|6\nNazarov/Nazarova|نزاروف/نزاروفا|6\nSharipov/Sharipova|شريبوف/شريبوفا|5",
            0.2,
        ),
        "uz",
    ),
    "KAZ": _mark(
        _foreign(
            "uz",
            "Yerlan|يرلان|6\nNurlan|نورلان|6\nDaulet|داوليت|5\nAskar|عسكر|5",
            "Aigerim|آيغيريم|6\nDana|دانا|5\nAinur|آينور|5\nGulnar|غولنار|5",
            "Nurpeisov/Nurpeisova|نوربيسوف/نوربيسوفا|5\nZhakupov/Zhakupova|جاكوبوف/جاكوبوفا|5\nAbenov/Abenova|آبينوف/آبينوفا|5\nSeitkali|سيتكالي|3",
            0.2,
        ),
        "uz",
    ),
    "FRA": _mark(
        _foreign(
            "eu",
            "Thomas|توماس|8\nJulien|جوليان|6\nKevin|كيفن|6\nMaxime|ماكسيم|5\nRomain|رومان|5\nNicolas|نيكولا|5\nJonathan|جوناثان|5\nMehdi|مهدي|8\nKarim|كريم|6\nYassine|ياسين|6\nSofiane|سفيان|6",
            "Emilie|إيميلي|6|||Émilie:3;Emilie:3\nSarah|سارة|8\nLaura|لورا|6\nJulie|جولي|6\nMelanie|ميلاني|5|||Mélanie:3;Melanie:3\nInes|إيناس|6|||Inès:3;Ines:3\nSonia|سونيا|5",
            "Martin|مارتان|8\nBernard|برنار|6\nDubois|دوبوا|6\nLefevre|لوفيفر|5|||Lefèvre:3;Lefevre:3\nMoreau|مورو|5\nHaddad|حداد|6\nBelkacem|بلقاسم|5\nRousseau|روسو|4",
            0.35,
        ),
        "eu",
    ),
    "DEU": _mark(
        _foreign(
            "eu",
            "Dennis|دينيس|6\nMarcel|مارسيل|6\nKevin|كيفن|5\nFlorian|فلوريان|5\nSven|سفين|5\nMustafa|مصطفى|6",
            "Laura|لورا|6\nSarah|سارة|6\nJennifer|جينيفر|5\nLisa|ليزا|5\nSabine|سابينه|4",
            "Mueller|مولر|8|||Müller:6;Mueller:3;Muller:2\nSchmidt|شميت|8\nSchneider|شنايدر|6\nFischer|فيشر|6\nWeber|فيبر|5\nBecker|بيكر|5\nYilmaz|يلماز|5",
            0.35,
        ),
        "eu",
    ),
    "GBR": _mark(
        _foreign(
            "eu",
            "Jack|جاك|6\nThomas|توماس|6\nDaniel|دانيال|6\nJames|جيمس|6\nImran|عمران|6",
            "Sarah|سارة|6\nEmma|إيما|6\nHannah|هانا|5\nAmira|أميرة|5",
            "Smith|سميث|8\nJones|جونز|6\nTaylor|تايلور|6\nBrown|براون|5\nKhan|خان|8\nHussain|حسين|6",
            0.4,
        ),
        "eu",
    ),
    "BEL": _mark(
        _foreign(
            "eu",
            "Kevin|كيفن|5\nJonathan|جوناثان|5\nBilal|بلال|6\nHamza|حمزة|6\nYoussef|يوسف|6",
            "Laura|لورا|5\nSarah|سارة|5\nImane|إيمان|6\nFatima|فاطمة|6",
            "Peeters|بيترز|6\nJanssens|يانسنس|6\nMaes|ماس|5\nEl Amrani|العمراني|6\nBenali|بنعلي|6",
            0.4,
        ),
        "eu",
    ),
    "NLD": _mark(
        _foreign(
            "eu",
            "Daan|دان|5\nJesse|جيسي|5\nMohamed|محمد|8\nAnass|أنس|6",
            "Sanne|سانا|5\nLisa|ليزا|5\nNaima|نعيمة|6",
            "de Vries|دي فريس|6\nJansen|يانسن|6\nvan Dijk|فان دايك|5\nBakker|باكر|5\nEl Idrissi|الإدريسي|5",
            0.4,
        ),
        "eu",
    ),
    "IDN": _mark(
        _foreign(
            "id",
            "Ahmad|أحمد|8\nMuhammad|محمد|10\nBudi|بودي|6\nAgus|أغوس|6\nRizky|رزقي|5",
            "Siti|سيتي|10\nNur|نور|8\nDewi|ديوي|6\nAisyah|عائشة|6",
            "Saputra|سابوترا|6\nHidayat|هداية|6\nWahyudi|وحيودي|5\nKurniawan|كورنياوان|5\nSetiawan|سيتياوان|5",
            0.3,
        ),
        "id",
    ),
}

# Nisba carried in the kunya of foreign and Iraqi/Syrian fighters ("Abu Hamza al-Tunisi").
NISBA: dict[str, Name] = {
    code: Name(latin, arabic, kind="ar", styled=_styles(latin, None), variants=((latin, 1.0),))
    for code, latin, arabic in [
        ("SYR", "al-Shami", "الشامي"),
        ("IRQ", "al-Iraqi", "العراقي"),
        ("TUN", "al-Tunisi", "التونسي"),
        ("MAR", "al-Maghribi", "المغربي"),
        ("DZA", "al-Jazairi", "الجزائري"),
        ("EGY", "al-Masri", "المصري"),
        ("SAU", "al-Jazrawi", "الجزراوي"),
        ("JOR", "al-Urduni", "الأردني"),
        ("TUR", "al-Turki", "التركي"),
        ("RUS", "al-Shishani", "الشيشاني"),
        ("UZB", "al-Uzbeki", "الأوزبكي"),
        ("TJK", "al-Tajiki", "الطاجيكي"),
        ("KAZ", "al-Kazakhi", "الكازاخي"),
        ("FRA", "al-Faransi", "الفرنسي"),
        ("DEU", "al-Almani", "الألماني"),
        ("GBR", "al-Britani", "البريطاني"),
        ("BEL", "al-Beljiki", "البلجيكي"),
        ("NLD", "al-Hollandi", "الهولندي"),
        ("IDN", "al-Indonisi", "الإندونيسي"),
    ]
}

ABU = Name("Abu", "أبو", kind="ar", variants=(("Abu", 6.0), ("Abou", 2.0), ("Abo", 1.0)))
ABU.styled = ("Abu", "Abu", "Abou")
UMM = Name("Umm", "أم", kind="ar", variants=(("Umm", 5.0), ("Um", 3.0), ("Oum", 2.0), ("Om", 1.0)))
UMM.styled = ("Umm", "Um", "Oum")

_KUNYA_CACHE: dict[tuple[int, int, int], Name] = {}


def kunya(sex: str, child: Name, nisba: Name | None = None) -> Name:
    """The kunya ``Abu X`` / ``Umm X`` (optionally with a nisba) as one shared :class:`Name`."""
    prefix = ABU if sex == "M" else UMM
    key = (id(prefix), id(child), id(nisba))
    name = _KUNYA_CACHE.get(key)
    if name is None:
        parts = (prefix, child) + ((nisba,) if nisba else ())
        latin = " ".join(p.latin for p in parts)
        arabic = " ".join(p.arabic for p in parts)
        name = Name(latin, arabic, kind="kunya")
        name.styled = tuple(" ".join(p.styled[i] for p in parts) for i in range(3))  # type: ignore[assignment]
        name.variants = (latin, *(" ".join(p.variants[0] for p in parts),))
        name.variant_cum = (3.0, 4.0)
        _KUNYA_CACHE[key] = name
    return name
