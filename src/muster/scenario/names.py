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


# --- Arabic male given names ---------------------------------------------------------------------
MALE = _parse(
    """
Muhammad|محمد|420|Mohammed,Mohamed,Mouhamed|Muhammad:1235;Mohammed:900;Mohamed:987;Mohammad:1285;Mohamad:300;Muhammed:60;Mohamad:120;Mhammad:10
Ahmad|أحمد|200|Ahmed,Ahmad,Ahmed|Ahmed:2366;Ahmad:1238;Ahmet:3;Ehmed:2
Ali|علي|150|Ali,Ali,Ali|Ali:1968;Aly:34;Aali:2
Hussein|حسين|120|Hussein,Husain,Houssein|Hussein:300;Hussain:185;Husain:60;Hossein:40;Husein:20;Hocine:30
Hassan|حسن|90|Hassan,Hasan,Hassan|Hassan:400;Hasan:180;Hassen:20;Hacen:5
Abdullah|عبد الله|160|Abdullah,Abdalla,Abdallah|Abdullah:874;Abdallah:169;Abdellah:74;Abdulla:38;Abdalla:24;Abd Allah:11
Omar|عمر|110|Omar,Omar,Omar|Omar:612;Umar:28;Omer:15;Oumar:2
Khalid|خالد|90|Khalid,Khaled,Khaled|Khalid:524;Khaled:517;Khalled:1
Mahmoud|محمود|80|Mahmoud,Mahmud,Mahmoud|Mahmoud:860;Mahmud:65;Mahmood:27;Mahmod:2
Mustafa|مصطفى|70|Mustafa,Mustafa,Moustapha|Mustafa:387;Mustapha:278;Mostafa:196;Moustafa:75;Moustapha:34
Ibrahim|إبراهيم|80|Ibrahim,Ibrahim,Ibrahim|Ibrahim:1014;Brahim:151;Ebrahim:15;Ibraheem:8;Ibrahem:3
Yusuf|يوسف|60|Yousif,Yousef,Youssef|Youssef:413;Yousef:128;Yusuf:123;Youcef:76;Yousif:27;Yousuf:14;Yussef:6
Abd al-Rahman|عبد الرحمن|70|Abdulrahman,Abdulrahman,Abderrahmane|Abdulrahman:35;Abderrahmane:28;Abdelrahman:25;Abdel Rahman:14;Abderrahman:12;Abdurahman:11;Abdul Rahman:10;Abdurrahman:4;Abd al-Rahman:6
Abd al-Aziz|عبد العزيز|35|Abdulaziz,Abdulaziz,Abdelaziz|Abdulaziz:40;Abdelaziz:30;Abdul Aziz:12;Abdel Aziz:8;Abd al-Aziz:5
Abd al-Karim|عبد الكريم|25|Abdulkarim,Abdulkareem,Abdelkrim|Abdulkarim:20;Abdelkrim:15;Abdul Karim:10;Abdelkarim:8;Abdulkareem:6
Abd al-Qadir|عبد القادر|25|Abdulqadir,Abdulkader,Abdelkader|Abdelkader:40;Abdulqadir:12;Abdulkadir:10;Abdul Qadir:8;Abdel Kader:5
Abd al-Razzaq|عبد الرزاق|15|Abdulrazzaq,Abdulrazak,Abderrazak|Abdulrazzaq:8;Abderrazak:10;Abdul Razzaq:5;Abdelrazek:4
Abd al-Hamid|عبد الحميد|18|Abdulhamid,Abdulhamid,Abdelhamid|Abdelhamid:25;Abdulhamid:12;Abdul Hamid:8
Abd al-Salam|عبد السلام|18|Abdulsalam,Abdulsalam,Abdessalam|Abdelsalam:8;Abdessalam:10;Abdulsalam:8;Abdul Salam:4
Abd al-Jabbar|عبد الجبار|12|Abduljabbar,Abduljabar,Abdeljabbar|Abduljabbar:6;Abdul Jabbar:4;Abdeljabbar:3
Abd al-Sattar|عبد الستار|12|Abdulsattar,Abdulsatar,Abdessattar|Abdulsattar:6;Abdul Sattar:5;Abdessattar:2
Abd al-Latif|عبد اللطيف|12|Abdullatif,Abdullatif,Abdellatif|Abdellatif:20;Abdullatif:6;Abdul Latif:5
Abd al-Fattah|عبد الفتاح|10|Abdulfattah,Abdulfatah,Abdelfattah|Abdelfattah:15;Abdulfattah:5;Abdel Fattah:8
Abd al-Hadi|عبد الهادي|10|Abdulhadi,Abdulhadi,Abdelhadi|Abdulhadi:5;Abdelhadi:6;Abdul Hadi:3
Abd al-Ghani|عبد الغني|10|Abdulghani,Abdulghani,Abdelghani|Abdelghani:10;Abdulghani:5;Abdul Ghani:3
Abd al-Majid|عبد المجيد|10|Abdulmajid,Abdulmajeed,Abdelmajid|Abdelmajid:8;Abdulmajid:5;Abdul Majeed:3
Abd al-Wahhab|عبد الوهاب|10|Abdulwahab,Abdulwahab,Abdelouahab|Abdelwahab:8;Abdulwahab:6;Abdelouahab:4;Abdul Wahab:3
Abd al-Nasser|عبد الناصر|10|Abdulnasser,Abdulnaser,Abdennasser|Abdel Nasser:6;Abdulnasser:4;Abdennacer:2
Abd al-Hakim|عبد الحكيم|8|Abdulhakim,Abdulhakeem,Abdelhakim|Abdelhakim:8;Abdulhakim:4
Abd al-Basit|عبد الباسط|8|Abdulbasit,Abdulbaset,Abdelbasset|Abdelbasset:5;Abdulbasit:4;Abdel Basset:3
Abd al-Ilah|عبد الإله|8|Abdulilah,Abdulelah,Abdelilah|Abdelilah:8;Abdulilah:4;Abdulelah:4
Nur al-Din|نور الدين|20|Nuraddin,Nureddin,Noureddine|Noureddine:60;Nureddin:10;Nour El Din:5;Nuraddin:4;Nour al-Din:4;Nooruddin:2
Salah al-Din|صلاح الدين|15|Salahaddin,Salahuddin,Salaheddine|Salaheddine:20;Salahuddin:10;Salah Eddine:6;Salah al-Din:5;Salahaddin:3
Izz al-Din|عز الدين|10|Izzaddin,Ezzedin,Ezzedine|Ezzeddine:10;Izzeddin:4;Ezz El Din:3;Izz al-Din:3
Sayf al-Din|سيف الدين|10|Saifaddin,Saifuddin,Seifeddine|Seifeddine:6;Saifuddin:5;Saif al-Din:3;Saifeddin:2
Ala al-Din|علاء الدين|10|Alaaddin,Alaeddin,Alaeddine|Alaeddine:6;Alaa El Din:4;Alaaddin:3;Aladdin:2
Jamal|جمال|25|Jamal,Jamal,Djamel|Jamal:120;Jamel:30;Djamel:25;Gamal:25
Kamal|كمال|20|Kamal,Kamal,Kamel|Kamal:100;Kamel:60;Kemal:5
Saad|سعد|30|Saad,Saad,Saad|Saad:150;Saâd:10;Sad:4
Said|سعيد|30|Saeed,Said,Said|Said:300;Saeed:120;Saïd:40;Saied:4
Salih|صالح|40|Saleh,Salih,Saleh|Saleh:291;Salih:132;Salah:10
Salim|سليم|25|Salim,Saleem,Slim|Salim:120;Slim:30;Saleem:20;Selim:15
Salem|سالم|20|Salem,Salim,Salem|Salem:120;Salim:15;Saleem:3
Faisal|فيصل|25|Faisal,Faysal,Fayçal|Faisal:150;Faycal:20;Fayçal:15;Faysal:12;Feisal:5
Fahd|فهد|15|Fahad,Fahd,Fahd|Fahd:60;Fahad:40
Faris|فارس|25|Faris,Fares,Fares|Fares:60;Faris:40;Feres:3
Majid|ماجد|20|Majid,Majed,Majed|Majid:50;Majed:40;Maged:10
Hamad|حمد|25|Hamad,Hamad,Hamad|Hamad:80;Hammad:5
Hamid|حامد|25|Hamid,Hamed,Hamed|Hamid:40;Hamed:60;Hamed:10
Hamza|حمزة|30|Hamza,Hamzeh,Hamza|Hamza:200;Hamzah:20;Hamzeh:10
Hazim|حازم|15|Hazim,Hazem,Hazem|Hazem:60;Hazim:20
Jasim|جاسم|35|Jassim,Jasem,Djassem|Jassem:35;Jassim:34;Jasim:27;Jasem:12;Jaseem:1
Qasim|قاسم|30|Qassim,Kasem,Kacem|Qasim:40;Kassem:30;Qassim:20;Kacem:15;Kasim:10
Hashim|هاشم|15|Hashim,Hashem,Hachem|Hashem:40;Hashim:30;Hachem:10
Adil|عادل|20|Adil,Adel,Adel|Adel:200;Adil:40
Amer|عامر|20|Amer,Amer,Amer|Amer:50;Amir:10;Aamer:5
Ammar|عمار|30|Ammar,Amar,Ammar|Ammar:80;Amar:20;Ammer:2
Yasir|ياسر|30|Yasser,Yaser,Yacer|Yasser:150;Yasir:40;Yaser:30;Yacer:5
Yasin|ياسين|25|Yaseen,Yassin,Yassine|Yassine:80;Yassin:50;Yasin:40;Yaseen:20
Usama|أسامة|30|Osama,Usama,Oussama|Osama:68;Oussama:40;Usama:12;Ossama:4
Anas|أنس|25|Anas,Anas,Anass|Anas:60;Anass:5;Enes:3
Ismail|إسماعيل|30|Ismail,Ismael,Ismaël|Ismail:281;Ismael:29;Ismaïl:29;Esmail:5;Ismaeel:4
Ishaq|إسحاق|8|Ishaq,Ishak,Ishak|Ishaq:10;Ishak:8;Isaac:2
Yaqub|يعقوب|10|Yaqoub,Yakub,Yacoub|Yacoub:10;Yaqub:8;Yaqoob:5;Yakoub:4
Musa|موسى|25|Musa,Mousa,Moussa|Moussa:60;Musa:50;Mousa:20
Isa|عيسى|15|Issa,Isa,Issa|Issa:60;Isa:20;Eissa:5
Yunus|يونس|20|Younis,Yunes,Younes|Younes:60;Younis:30;Yunus:20;Younès:5
Sulayman|سليمان|25|Suleiman,Sulaiman,Slimane|Suleiman:60;Sulaiman:40;Slimane:30;Soliman:20;Sleiman:10
Dawud|داود|15|Dawood,Dawud,Daoud|Daoud:40;Dawood:20;Dawud:10
Zakariya|زكريا|15|Zakaria,Zakariya,Zakaria|Zakaria:80;Zakariya:10;Zakariyya:5
Yahya|يحيى|25|Yahya,Yahia,Yahia|Yahya:60;Yahia:40;Yehia:10
Ilyas|إلياس|10|Elias,Ilyas,Ilyes|Ilyas:20;Elias:20;Ilyes:10
Ayyub|أيوب|10|Ayoub,Ayub,Ayoub|Ayoub:40;Ayub:10;Ayyub:5
Bakr|بكر|10|Bakr,Bakr,Bakr|Bakr:20;Baker:10;Bakir:5
Abu Bakr|أبو بكر|12|Abubakr,Abu Bakr,Aboubakr|Abu Bakr:20;Abubakar:10;Aboubakr:8;Abubakr:8
Uthman|عثمان|20|Othman,Osman,Othmane|Othman:40;Osman:40;Uthman:10;Othmane:15
Talal|طلال|15|Talal,Talal,Talal|Talal:60
Nayef|نايف|15|Nayef,Naif,Naif|Nayef:30;Naif:30;Nayif:5
Mansour|منصور|20|Mansour,Mansur,Mansour|Mansour:150;Mansur:20;Mansoor:20
Nasser|ناصر|25|Nasser,Naser,Nacer|Nasser:200;Naser:40;Nacer:20;Nasir:20
Riyad|رياض|20|Riyadh,Riad,Riad|Riad:60;Riyad:40;Riyadh:20
Raed|رائد|20|Raed,Raid,Raed|Raed:60;Raid:10;Raed:5
Rami|رامي|15|Rami,Rami,Rami|Rami:80;Ramy:20
Ziyad|زياد|25|Ziad,Ziyad,Ziad|Ziad:100;Ziyad:30;Zyad:5
Walid|وليد|30|Waleed,Walid,Walid|Walid:200;Waleed:60
Khalil|خليل|20|Khalil,Khaleel,Khalil|Khalil:150;Khaleel:10
Khalaf|خلف|30|Khalaf,Khalaf,Khalaf|Khalaf:40;Khelef:3
Hassaan|حسان|10|Hassan,Hasan,Hassen|Hassan:20;Hassane:4;Hasan:5
Muhannad|مهند|20|Muhannad,Mohanad,Mohanad|Mohannad:20;Muhannad:15;Mohanad:15;Mohanned:3
Muayyad|مؤيد|10|Muayad,Moayad,Mouayad|Moayad:10;Muayad:8;Muayyad:5
Muthanna|مثنى|12|Muthanna,Muthana,Mouthanna|Muthanna:10;Muthana:6;Mothana:4
Muadh|معاذ|20|Muath,Moaz,Mouadh|Moaz:20;Muath:10;Mouad:20;Muadh:5
Marwan|مروان|20|Marwan,Marwan,Marouane|Marwan:100;Marouane:20;Merouane:5
Mazin|مازن|15|Mazin,Mazen,Mazen|Mazen:60;Mazin:20
Murad|مراد|15|Murad,Murad,Mourad|Mourad:80;Murad:40;Morad:10
Nabil|نبيل|15|Nabil,Nabeel,Nabil|Nabil:200;Nabeel:20
Nizar|نزار|10|Nizar,Nizar,Nizar|Nizar:60
Haytham|هيثم|15|Haitham,Haytham,Haythem|Haitham:60;Haytham:20;Haythem:10
Wael|وائل|15|Wael,Wail,Wael|Wael:80;Wail:10
Wisam|وسام|10|Wissam,Wisam,Wissem|Wissam:40;Wisam:10;Wissem:10;Wesam:10
Thamer|ثامر|10|Thamer,Thamir,Tamer|Thamer:20;Tamer:30;Thamir:5
Turki|تركي|10|Turki,Turki,Turki|Turki:30
Jumaa|جمعة|20|Juma,Jumaa,Jomaa|Jumaa:20;Juma:20;Jomaa:10;Gomaa:10
Hatim|حاتم|12|Hatem,Hatim,Hatem|Hatem:60;Hatim:20
Harith|حارث|10|Harith,Hareth,Hareth|Harith:10;Hareth:10
Khidr|خضر|20|Khidir,Khuder,Khodr|Khidr:10;Khodr:10;Khudur:5;Khidir:5;Khader:5
Dhiyab|ذياب|15|Thiyab,Diab,Dhiab|Dhiyab:5;Diab:20;Thiyab:5;Dhiab:5
Rashid|راشد|20|Rashid,Rashed,Rached|Rashid:60;Rashed:30;Rached:10
Zayd|زيد|15|Zaid,Zaid,Zaid|Zaid:60;Zayd:20;Zeid:10
Sami|سامي|15|Sami,Sami,Sami|Sami:150;Samy:20
Sultan|سلطان|15|Sultan,Sultan,Soltane|Sultan:80;Soltan:10
Shakir|شاكر|12|Shakir,Shaker,Chaker|Shaker:20;Shakir:15;Chaker:10
Tariq|طارق|25|Tariq,Tarek,Tarek|Tarek:100;Tariq:80;Tarik:30
Taha|طه|20|Taha,Taha,Taha|Taha:80;Taher:2
Abbas|عباس|20|Abbas,Abbas,Abbes|Abbas:100;Abbes:10
Adnan|عدنان|20|Adnan,Adnan,Adnane|Adnan:100;Adnane:10
Issam|عصام|15|Issam,Isam,Issam|Issam:60;Essam:40;Isam:10
Imad|عماد|20|Imad,Emad,Imed|Imad:60;Emad:40;Imed:10
Awad|عوض|15|Awad,Awadh,Aouad|Awad:30;Awadh:5;Aouad:3
Eid|عيد|15|Eid,Eid,Aid|Eid:20;Aid:10;Id:2
Ghazi|غازي|12|Ghazi,Ghazi,Ghazi|Ghazi:40;Gazi:4
Fadil|فاضل|15|Fadhil,Fadel,Fadel|Fadel:40;Fadhil:20;Fadil:20
Farhan|فرحان|15|Farhan,Farhan,Farhane|Farhan:40
Fawaz|فواز|12|Fawaz,Fawwaz,Fawaz|Fawaz:30;Fawwaz:5
Karim|كريم|15|Kareem,Karim,Karim|Karim:200;Kareem:40;Krim:5
Malik|مالك|15|Malik,Malek,Malek|Malik:100;Malek:50
Mahdi|مهدي|15|Mahdi,Mehdi,Mehdi|Mahdi:60;Mehdi:80
Naji|ناجي|10|Naji,Naji,Naji|Naji:30;Nagi:5
Najm|نجم|12|Najim,Najm,Najem|Najm:10;Najim:10;Najem:5
Hadi|هادي|15|Hadi,Hadi,Hadi|Hadi:80;Hady:5
Bilal|بلال|25|Bilal,Bilal,Bilel|Bilal:100;Bilel:20;Belal:20
Hudhayfa|حذيفة|15|Huthaifa,Hudhaifa,Houdaifa|Huthaifa:10;Hudhaifa:8;Houdaifa:6;Hozaifa:5
Musab|مصعب|15|Musab,Mosab,Mossaab|Musab:20;Mosab:15;Mossaab:5
Ayman|أيمن|15|Ayman,Aiman,Aymen|Ayman:100;Aymen:30;Aiman:5
Anwar|أنور|10|Anwar,Anwar,Anouar|Anwar:60;Anouar:20;Anour:2
Bashir|بشير|10|Bashir,Basheer,Bachir|Bashir:40;Bachir:30;Basheer:10
Bashar|بشار|10|Bashar,Bashar,Bachar|Bashar:30;Bachar:5
Jalal|جلال|10|Jalal,Jalal,Djalal|Jalal:40;Galal:10
Raad|رعد|15|Raad,Raad,Raad|Raad:30;Raed:3
Sufyan|سفيان|15|Sufyan,Sofian,Sofiane|Sofiane:40;Sufyan:20;Sofian:10
Ramadan|رمضان|15|Ramadan,Ramadan,Ramdane|Ramadan:40;Ramzan:5;Ramdane:10
Saddam|صدام|15|Saddam,Sadam,Saddam|Saddam:20;Sadam:5
Abboud|عبود|15|Abboud,Abood,Abboud|Abboud:20;Abood:10;Aboud:10
Awwad|عواد|12|Awwad,Awad,Aouad|Awad:10;Awwad:10
Faraj|فرج|12|Faraj,Farag,Faraj|Faraj:40;Farag:20;Farej:5
Mikhlif|مخلف|12|Mikhlif,Mukhlif,Mekhlef|Mikhlif:3;Mukhlif:3;Mekhlef:2
Hani|هاني|10|Hani,Hani,Hani|Hani:80;Hany:20
Hammoud|حمود|15|Hammoud,Hamoud,Hammoud|Hammoud:20;Hamoud:15;Hamood:5
Daham|دحام|10|Daham,Dahham,Daham|Daham:3;Dahham:2
Shalash|شلاش|8|Shallash,Shalash,Chalache|Shalash:2;Shallash:2
Ubayd|عبيد|15|Obaid,Obeid,Obeid|Obaid:20;Obeid:20;Ubaid:10
Sattam|سطام|10|Sattam,Sattam,Sattam|Sattam:3;Sattam:1
Mishaan|مشعان|8|Mishaan,Mishan,Mechaan|Mishan:2;Mishaan:2
Mulhim|ملحم|8|Mulhim,Melhem,Melhem|Melhem:10;Mulhim:3
Marai|مرعي|10|Mari,Marai,Marai|Marai:3;Mari:2;Merhi:2
Jihad|جهاد|12|Jihad,Jehad,Djihad|Jihad:40;Jehad:10;Djihad:5
Nawaf|نواف|10|Nawaf,Nawaf,Nawaf|Nawaf:30;Nauaf:2
Qusay|قصي|12|Qusay,Qusai,Koussai|Qusay:15;Qusai:10;Kusai:3;Koussay:3
Luay|لؤي|8|Luay,Louai,Louay|Luay:10;Louay:10;Lo'ay:3
Zuhayr|زهير|10|Zuhair,Zuhair,Zouheir|Zouheir:20;Zuhair:15;Zoheir:5
Hasan Ali|حسن علي|3|Hasan Ali,Hasan Ali,Hassan Ali|Hassan Ali:3;Hasanali:1
"""
)

# --- Arabic female given names -------------------------------------------------------------------
FEMALE = _parse(
    """
Fatima|فاطمة|300|Fatima,Fatma,Fatima|Fatima:300;Fatma:120;Fatemah:5;Fatimah:20;Fattoum:3
Aisha|عائشة|150|Aisha,Aysha,Aicha|Aisha:60;Aicha:35;Aïcha:29;Ayesha:5;Aysha:10;A'isha:20;Aesha:5
Khadija|خديجة|140|Khadija,Khadija,Khadidja|Khadija:95;Khadidja:11;Khadijah:10;Khedidja:5;Khadiga:3
Maryam|مريم|130|Maryam,Mariam,Meriem|Maryam:80;Mariam:60;Meriem:40;Mariem:10;Mirjam:2
Zaynab|زينب|110|Zainab,Zeinab,Zineb|Zainab:30;Zineb:31;Zeinab:14;Zaynab:11;Zeineb:3;Zaineb:3
Amina|آمنة|80|Amina,Amna,Amina|Amina:80;Amna:40;Aminah:5;Emna:10
Halima|حليمة|60|Halima,Halime,Halima|Halima:40;Halimah:5;Haleema:3
Sara|سارة|60|Sara,Sarah,Sarah|Sara:80;Sarah:80
Nur|نور|50|Noor,Nour,Nour|Nour:60;Noor:40;Nur:20
Huda|هدى|50|Huda,Houda,Houda|Huda:40;Houda:30;Hoda:30;Huda:10
Asma|أسماء|60|Asmaa,Asma,Asma|Asma:60;Asmaa:40;Esma:5
Ruqayya|رقية|50|Ruqaya,Rokaya,Rokia|Ruqaya:10;Roqaya:10;Rokaya:5;Rokia:5;Ruqayyah:5
Safiyya|صفية|40|Safiya,Safia,Safia|Safia:30;Safiya:15;Safiyyah:5
Hafsa|حفصة|40|Hafsa,Hafsa,Hafsa|Hafsa:30;Hafssa:3;Hafsah:5
Sumayya|سمية|50|Sumaya,Somaya,Soumaya|Soumaya:20;Sumaya:15;Somaya:15;Sumayyah:5
Layla|ليلى|40|Layla,Laila,Leila|Leila:80;Layla:40;Laila:30;Leyla:5
Salma|سلمى|40|Salma,Salma,Salma|Salma:60;Selma:20
Hajar|هاجر|40|Hajar,Hajer,Hajer|Hajar:20;Hajer:20;Hagar:10
Hanan|حنان|35|Hanan,Hanan,Hanane|Hanan:60;Hanane:20
Iman|إيمان|40|Iman,Eman,Imane|Iman:60;Imane:40;Eman:40
Muna|منى|30|Muna,Mona,Mouna|Mona:80;Muna:20;Mouna:10
Rana|رنا|25|Rana,Rana,Rana|Rana:60
Rahaf|رهف|25|Rahaf,Rahaf,Rahaf|Rahaf:20
Reem|ريم|30|Reem,Rim,Rim|Reem:40;Rim:20;Riem:3
Duaa|دعاء|30|Duaa,Doaa,Douaa|Doaa:20;Duaa:15;Douaa:5;Dua:10
Alaa|آلاء|25|Alaa,Alaa,Alaa|Alaa:30;Ala:5
Israa|إسراء|30|Israa,Esraa,Israa|Israa:20;Esraa:20;Isra:10
Bushra|بشرى|30|Bushra,Boshra,Bouchra|Bushra:20;Bouchra:20;Boshra:10
Jamila|جميلة|30|Jamila,Jamileh,Djamila|Jamila:40;Djamila:20;Gamila:10
Hasna|حسناء|20|Hasna,Hasnaa,Hasna|Hasna:20;Hasnaa:10;Hassna:5
Khulud|خلود|20|Kholoud,Khulud,Kholoud|Kholoud:20;Khulood:5;Khulud:5
Rahma|رحمة|25|Rahma,Rahmeh,Rahma|Rahma:20;Rahmah:5
Zahraa|زهراء|20|Zahraa,Zahra,Zahra|Zahraa:20;Zahra:20
Suad|سعاد|30|Suad,Souad,Souad|Souad:40;Suad:20;Soad:10
Siham|سهام|25|Siham,Seham,Siham|Siham:40;Seham:10
Shaymaa|شيماء|25|Shaimaa,Shayma,Chaimaa|Shaimaa:20;Chaimae:10;Shaima:10;Chaima:10
Sabah|صباح|25|Sabah,Sabah,Sabah|Sabah:40;Sabha:3
Abeer|عبير|20|Abeer,Abir,Abir|Abir:30;Abeer:20
Ghada|غادة|20|Ghada,Ghada,Ghada|Ghada:40;Rada:2
Farah|فرح|20|Farah,Farah,Farah|Farah:40
Lama|لمى|15|Lama,Lama,Lama|Lama:20
Majida|ماجدة|15|Majida,Majeda,Majda|Majida:10;Magda:10;Majda:20
Nadia|نادية|30|Nadia,Nadiya,Nadia|Nadia:100;Nadiya:10;Nadja:3
Najla|نجلاء|20|Najlaa,Najla,Najla|Najla:20;Najlaa:10
Nisreen|نسرين|25|Nisreen,Nesrin,Nesrine|Nisreen:20;Nesrine:20;Nesrin:10;Nasrin:10
Nawal|نوال|25|Nawal,Nawal,Naoual|Nawal:60;Naoual:10
Hind|هند|25|Hind,Hend,Hind|Hind:40;Hend:20
Wafaa|وفاء|25|Wafaa,Wafa,Wafa|Wafa:40;Wafaa:20
Yasmin|ياسمين|25|Yasmeen,Yasmin,Yasmine|Yasmine:60;Yasmin:40;Yasmeen:10
Umm Kulthum|أم كلثوم|10|Um Kalthum,Umm Kulthum,Oum Keltoum|Umm Kulthum:10;Om Kalthoum:5;Oum Keltoum:3
Sanaa|سناء|20|Sanaa,Sana,Sanaa|Sana:40;Sanaa:20
Amal|أمل|30|Amal,Amal,Amel|Amal:60;Amel:30
Ikhlas|إخلاص|15|Ikhlas,Ekhlas,Ikhlass|Ikhlas:5;Ekhlas:3
Batul|بتول|10|Batool,Batul,Batoul|Batoul:5;Batool:5
Tasnim|تسنيم|15|Tasneem,Tasnim,Tasnim|Tasnim:10;Tasneem:10
Jana|جنى|15|Jana,Jana,Jana|Jana:20
Halaa|حلا|15|Hala,Hala,Hala|Hala:10;Hela:3;Halaa:2
Dalal|دلال|15|Dalal,Dalal,Dalel|Dalal:20
Raghad|رغد|15|Raghad,Raghad,Raghad|Raghad:10
Rawan|روان|15|Rawan,Rawan,Rawane|Rawan:20
Zahra|زهرة|20|Zahra,Zahra,Zohra|Zahra:20;Zohra:20
Saja|سجى|15|Saja,Saja,Saja|Saja:10
Salwa|سلوى|20|Salwa,Salwa,Saloua|Salwa:20;Saloua:10
Shahd|شهد|15|Shahad,Shahd,Chahd|Shahd:10;Shahad:10
Sabreen|صابرين|15|Sabreen,Sabrin,Sabrine|Sabrine:10;Sabreen:10;Sabrin:5
Duha|ضحى|15|Duha,Doha,Doha|Doha:20;Duha:10;Douha:5
Afaf|عفاف|15|Afaf,Afaf,Afaf|Afaf:20
Alia|علياء|15|Alyaa,Alia,Alia|Alia:30;Aliaa:10;Alyaa:5
Ghufran|غفران|15|Ghufran,Ghofran,Ghofrane|Ghofrane:10;Ghufran:5;Ghofran:5
Fawziya|فوزية|20|Fawzia,Fawziya,Fouzia|Fawzia:20;Fouzia:10;Fawziya:5
Kawthar|كوثر|15|Kawthar,Kawthar,Kaouther|Kawthar:10;Kaouther:10;Kouther:5
Lubna|لبنى|15|Lubna,Lubna,Loubna|Loubna:20;Lubna:20
Maha|مها|20|Maha,Maha,Maha|Maha:40
Maysaa|ميساء|15|Maysaa,Maisa,Meissa|Maysa:10;Maisa:10;Mayssa:5
Nuha|نهى|15|Nuha,Noha,Noha|Noha:30;Nuha:10
Hala|هالة|15|Hala,Hala,Hala|Hala:40;Halah:3
Widad|وداد|15|Widad,Wedad,Widad|Widad:20;Wedad:10
Yusra|يسرى|20|Yusra,Yosra,Yousra|Yousra:20;Yusra:10;Yosra:20
Khawla|خولة|25|Khawla,Khawla,Khaoula|Khaoula:20;Khawla:20;Khola:5
Arwa|أروى|15|Arwa,Arwa,Aroua|Arwa:20;Aroua:5
Nusayba|نسيبة|15|Nusaiba,Nusayba,Nousseiba|Nusaiba:5;Nusayba:3;Nousseiba:3
Juwayriya|جويرية|15|Juwairiya,Juwayriya,Jouairia|Juwairiya:3;Juwayriyah:3
Hamda|حمدة|15|Hamda,Hamdeh,Hamda|Hamda:10
Shamsa|شمسة|10|Shamsa,Shamseh,Chamsa|Shamsa:10
Subha|صبحة|15|Subha,Sobha,Soubha|Subha:3;Sobha:3
Adla|عدلة|10|Adla,Adla,Adla|Adla:5
Fidda|فضة|10|Fidda,Fedda,Fadda|Fidda:3;Fadda:3
Kifaya|كفاية|10|Kifaya,Kefaya,Kifaya|Kifaya:5;Kefaya:3
Mazna|مزنة|10|Mazna,Muzna,Mazna|Mazna:3;Muzna:5
Haifa|هيفاء|15|Haifa,Hayfa,Haifa|Haifa:30;Hayfa:5
Wadha|وضحة|10|Wadha,Wadha,Oudha|Wadha:5;Wadhah:3
Basma|بسمة|15|Basma,Basma,Basma|Basma:30;Bassma:5
Rabab|رباب|10|Rabab,Rabab,Rabab|Rabab:20
Zakiya|زكية|10|Zakia,Zakiya,Zakia|Zakia:20;Zakiya:5
Samira|سميرة|20|Samira,Sameera,Samira|Samira:80;Sameera:10
Sharifa|شريفة|15|Sharifa,Sharifa,Charifa|Sharifa:10;Cherifa:10
Saliha|صالحة|15|Saliha,Saleha,Saliha|Saliha:20;Saleha:10
Aziza|عزيزة|15|Aziza,Aziza,Aziza|Aziza:30
Fayza|فايزة|15|Faiza,Fayza,Faiza|Faiza:30;Fayza:10
Latifa|لطيفة|15|Latifa,Latifa,Latifa|Latifa:40
Najah|نجاح|15|Najah,Najah,Najah|Najah:20;Nagah:5
Naima|نعيمة|15|Naima,Naeema,Naima|Naima:40;Naeema:5
Hiyam|هيام|10|Hiyam,Hiam,Hiam|Hiam:10;Hiyam:5
Saadiya|سعدية|10|Saadiya,Saadia,Saadia|Saadia:20;Saadiya:5
Khayriya|خيرية|10|Khairiya,Khayriya,Khairia|Khairia:5;Khairiya:5
Badia|بديعة|10|Badia,Badiaa,Badia|Badia:10;Badiaa:3
Munira|منيرة|15|Munira,Mounira,Mounira|Mounira:20;Munira:10;Monira:5
Rasmiya|رسمية|10|Rasmiya,Rasmia,Rasmia|Rasmia:5;Rasmiya:3
Watfa|وطفة|10|Watfa,Watfa,Watfa|Watfa:3
Hayat|حياة|15|Hayat,Hayat,Hayet|Hayat:30;Hayet:10
Inas|إيناس|15|Inas,Enas,Inès|Inas:10;Enas:10;Ines:10
Aya|آية|25|Aya,Aya,Aya|Aya:40;Ayah:5;Aya:10
Bayan|بيان|15|Bayan,Bayan,Bayane|Bayan:10
Malak|ملاك|20|Malak,Malak,Malak|Malak:20;Malek:3
Lujain|لجين|10|Lujain,Lujain,Loujain|Lujain:10;Loujain:10
Sham|شام|10|Sham,Sham,Cham|Sham:10
Maram|مرام|15|Maram,Maram,Maram|Maram:15
Ghazala|غزالة|10|Ghazala,Ghazale,Ghazala|Ghazala:5
Afraa|عفراء|10|Afraa,Afra,Afraa|Afraa:3;Afra:5
Tamadur|تماضر|8|Tamadur,Tumadir,Toumadher|Tumadir:2;Tamader:2
Yamama|يمامة|8|Yamama,Yamameh,Yamama|Yamama:3
Jumana|جمانة|15|Jumana,Joumana,Joumana|Joumana:10;Jumana:10
Rima|ريما|15|Rima,Reema,Rima|Rima:20;Reema:10
Wiam|وئام|10|Wiam,Weam,Wiam|Wiam:10;Weam:5
"""
)

# --- Arab family / tribal names (Deir ez-Zor, Anbar, Ninewa, Salah al-Din) ------------------------
FAMILY = _parse(
    """
al-Obeidi|العبيدي|80|al-Obeidi,Alobaidi,El Obeidi|Al-Obaidi:5;al-Obeidi:4;al-Obaidi:3;Al Obaidi:2;Al-Obeidi:2;Alobaidi:2;El-Obeidi:1;Obaidi:1
al-Jubouri|الجبوري|80|al-Jubouri,Aljubouri,El Joubouri|Al-Jabburi:12;al-Jubouri:8;Al-Juboori:3;al-Juburi:3;al-Jabouri:2;Aljuboori:1;Algburi:1
al-Shammari|الشمري|50|al-Shammari,Alshammari,El Chammari|Al-Shammari:14;Al-Shammeri:5;al-Shimari:3;Alshammari:2;Al Shammari:2;Shammari:2
al-Dulaimi|الدليمي|60|al-Dulaimi,Aldulaimi,El Doulaimi|al-Dulaimi:12;Al-Dulaymi:6;al-Duleimi:2;Dlimi:2
al-Aqeedi|العكيدي|70|al-Aqeedi,Alakidi,El Akidi|al-Aqeedi:4;al-Akidi:3;al-Ugaidi:3;Alakidi:2;al-Okaidi:2
al-Bakkara|البكارة|60|al-Baggara,Albakara,El Bakkara|al-Baggara:6;al-Bakkara:5;al-Bakara:3;Albaggara:2;Baggara:2
al-Shaitat|الشعيطات|40|al-Shaitat,Alshaitat,El Chaitat|al-Shaitat:5;al-Sheitat:3;Shaitat:2;al-Shuaytat:2
al-Jumaili|الجميلي|35|al-Jumaili,Aljumaili,El Joumaili|al-Jumaili:6;al-Jumaily:4;Al-Jumayli:2
al-Kubaisi|الكبيسي|30|al-Kubaisi,Alkubaisi,El Koubaissi|al-Kubaisi:6;al-Kubaysi:3;Kubaisi:2
al-Rawi|الراوي|30|al-Rawi,Alrawi,El Raoui|al-Rawi:10;Al-Rawi:5;Rawi:2
al-Ani|العاني|30|al-Ani,Alani,El Ani|al-Ani:10;Al-Aani:4;Alani:2
al-Hadithi|الحديثي|25|al-Hadithi,Alhadithi,El Hadithi|al-Hadithi:6;Al-Hadeethi:2
al-Tikriti|التكريتي|20|al-Tikriti,Altikriti,El Tikriti|al-Tikriti:10;Tikriti:3
al-Samarrai|السامرائي|25|al-Samarrai,Alsamarrai,El Samarrai|al-Samarrai:10;Al-Samarraie:3;Samarai:2
al-Douri|الدوري|20|al-Douri,Aldouri,El Douri|al-Douri:10;al-Duri:5;Douri:2
al-Hamdani|الحمداني|30|al-Hamdani,Alhamdani,El Hamdani|al-Hamdani:10;Hamdani:5
al-Tai|الطائي|25|al-Tai,Altaai,El Tai|al-Tai:8;Al-Taie:4;Al-Taee:3;Altaie:2
al-Zobaie|الزوبعي|25|al-Zobaie,Alzobai,El Zoubai|al-Zobaie:5;al-Zawbai:3;Al-Zobai:3
al-Azzawi|العزاوي|25|al-Azzawi,Alazawi,El Azzaoui|al-Azzawi:8;Al-Azawi:4;Azzawi:2
al-Janabi|الجنابي|30|al-Janabi,Aljanabi,El Janabi|al-Janabi:12;Janabi:3
al-Mashhadani|المشهداني|25|al-Mashhadani,Almashhadani,El Machhadani|al-Mashhadani:8;Mashhadani:2
al-Badri|البدري|25|al-Badri,Albadri,El Badri|al-Badri:8;Badri:5
al-Fahdawi|الفهداوي|25|al-Fahdawi,Alfahdawi,El Fahdaoui|al-Fahdawi:5;Fahdawi:2
al-Mahlawi|المحلاوي|15|al-Mahlawi,Almahlawi,El Mahlaoui|al-Mahlawi:3
al-Issawi|العيساوي|25|al-Issawi,Aleisawi,El Issaoui|al-Issawi:8;al-Eisawi:3;Issawi:3
al-Nuaimi|النعيمي|30|al-Nuaimi,Alnuaimi,El Nouaimi|al-Nuaimi:10;Al-Noaimi:4;Nuaimi:2
al-Sabawi|السبعاوي|15|al-Sabawi,Alsabawi,El Sabaoui|al-Sabawi:3;al-Sabaawi:2
al-Luhaibi|اللهيبي|15|al-Luhaibi,Allheibi,El Louhaibi|al-Luhaibi:3;al-Lheibi:2
al-Hayali|الحيالي|15|al-Hayali,Alhayali,El Hayali|al-Hayali:5
al-Ali|العلي|40|al-Ali,Alali,El Ali|al-Ali:10;Al Ali:5;Alali:3
al-Hussein|الحسين|35|al-Hussein,Alhusain,El Houssein|al-Hussein:10;Al Hussein:5;Alhussein:3
al-Ahmad|الأحمد|35|al-Ahmed,Alahmad,El Ahmed|al-Ahmad:8;Al Ahmad:5;Alahmad:3;al-Ahmed:3
al-Muhammad|المحمد|35|al-Mohammed,Almohamad,El Mouhamed|al-Mohammed:5;al-Muhammad:5;Almohammad:3;Al Mohamad:3
al-Khalaf|الخلف|35|al-Khalaf,Alkhalaf,El Khalaf|al-Khalaf:5;Alkhalaf:3
al-Hasan|الحسن|30|al-Hassan,Alhasan,El Hassan|al-Hasan:5;al-Hassan:5;Alhasan:2
al-Abdullah|العبدالله|30|al-Abdullah,Alabdalla,El Abdallah|al-Abdullah:5;Al Abdallah:3;Alabdullah:3
al-Saleh|الصالح|30|al-Saleh,Alsaleh,El Saleh|al-Saleh:8;Al Saleh:4;Alsaleh:3
al-Jasim|الجاسم|30|al-Jassim,Aljasem,El Jassem|al-Jasim:4;al-Jassem:4;Aljasem:2;al-Jassim:3
al-Hammadi|الحمادي|25|al-Hammadi,Alhamadi,El Hammadi|al-Hammadi:8;Al Hamadi:3
Albu Saraya|البوسرايا|15|Albu Saraya,Albusaraya,Elbou Saraya|Albu Saraya:2;Al-Bu Saraya:2
Albu Kamil|البوكامل|15|Albu Kamil,Albukamel,Elbou Kamel|Albu Kamil:2;Al-Bu Kamel:2
al-Shuwayt|الشويط|15|al-Shuwait,Alshweit,El Chouait|al-Shuwayt:2;al-Shwait:2
al-Anizi|العنزي|30|al-Anizi,Alenezi,El Anizi|Al-Enezi:10;al-Anizi:5;Al-Anazi:8;Alenezi:5
al-Jughayfi|الجغيفي|15|al-Jughaifi,Aljughaifi,El Jeghaifi|al-Jughaifi:3;al-Jghaifi:2
al-Marai|المرعي|20|al-Marai,Almarai,El Marai|al-Marai:3;al-Marii:2
al-Dandal|الدندل|15|al-Dandal,Aldandal,El Dandal|al-Dandal:2
al-Hassoun|الحسون|20|al-Hassoun,Alhasoun,El Hassoun|al-Hassoun:3;Hassoun:5
al-Assaf|العساف|20|al-Assaf,Alassaf,El Assaf|al-Assaf:5;Assaf:5
al-Salama|السلامة|15|al-Salama,Alsalameh,El Salama|al-Salama:3;Salameh:3
al-Faraj|الفرج|20|al-Faraj,Alfaraj,El Faraj|al-Faraj:5;Alfaraj:2
al-Omar|العمر|30|al-Omar,Alomar,El Omar|al-Omar:5;Al Omar:3;Alomar:3
al-Hifl|الهفل|10|al-Hifl,Alhefl,El Hefl|al-Hifl:2;al-Hefl:2
al-Mashhour|المشهور|15|al-Mashhour,Almashhor,El Machhour|al-Mashhour:2
al-Khalil|الخليل|25|al-Khalil,Alkhaleel,El Khalil|al-Khalil:5;Khalil:3
al-Shehabi|الشهابي|15|al-Shihabi,Alshehabi,El Chehabi|al-Shihabi:5;Shehabi:3
al-Hamad|الحمد|30|al-Hamad,Alhamad,El Hamad|al-Hamad:5;Al Hamad:3
al-Mousa|الموسى|25|al-Mousa,Almosa,El Moussa|al-Musa:4;al-Mousa:3;Almousa:2
al-Ibrahim|الإبراهيم|25|al-Ibrahim,Alibrahim,El Ibrahim|al-Ibrahim:5;Alibrahim:2
al-Sheikh|الشيخ|25|al-Sheikh,Alsheikh,El Cheikh|al-Sheikh:8;El-Sheikh:3;Alsheikh:3
al-Hajji|الحجي|20|al-Hajji,Alhaji,El Hajji|al-Hajji:3;Al Haji:3
al-Sultan|السلطان|15|al-Sultan,Alsultan,El Soltane|al-Sultan:3
al-Jarrah|الجراح|15|al-Jarrah,Aljarah,El Jarrah|al-Jarrah:3;Jarrah:3
al-Kurdi|الكردي|20|al-Kurdi,Alkurdi,El Kurdi|al-Kurdi:5;Kurdi:5
"""
)

# --- Kurdish names (Syrian and Iraqi Kurds; Yazidi families of Sinjar) ---------------------------
KURDISH_MALE = _parse(
    """
Azad|آزاد|20|||Azad:10
Dilshad|دلشاد|15|||Dilshad:5;Delshad:3
Shivan|شفان|15|||Shivan:5;Sivan:2;Shevan:2
Baran|باران|12|||Baran:5
Kawa|كاوا|12|||Kawa:5;Kaveh:2
Serhat|سرهات|8|||Serhat:5
Zana|زانا|8|||Zana:5
Ciwan|جوان|10|||Ciwan:3;Jiwan:3;Jwan:2
Rezan|ريزان|8|||Rezan:3;Rizan:2
Hogir|هوگر|6|||Hogir:2;Hoger:2
Khairi|خيري|15|||Khairi:5;Khayri:3;Kheiri:2
Dakhil|دخيل|12|||Dakhil:3;Dakheel:2
Saido|سيدو|12|||Saido:3;Seydo:2
Barakat|بركات|10|||Barakat:5
Haji|حجي|15|||Haji:5;Hajji:3
Elias|الياس|12|||Elias:5;Ilyas:2;Eliyas:2
Murad|مراد|12|||Murad:5;Mourad:2
Qasim|قاسم|10|||Qasim:5;Kassem:2
Khalaf|خلف|12|||Khalaf:5
Hadi|هادي|8|||Hadi:5
Basee|باسي|6|||Basee:2;Basi:2
Jalo|جالو|6|||Jalo:2
"""
)

KURDISH_FEMALE = _parse(
    """
Shirin|شيرين|20|||Shirin:10;Shireen:3;Sherin:2
Rojda|روجدا|12|||Rojda:5
Berivan|بيريفان|12|||Berivan:5;Berfan:2
Gulistan|كولستان|15|||Gulistan:5;Golestan:2;Gulestan:2
Jihan|جيهان|12|||Jihan:5;Jehan:3;Cihan:2
Ronahi|روناهي|10|||Ronahi:3
Zozan|زوزان|10|||Zozan:3
Nazdar|نازدار|8|||Nazdar:3
Dilvin|ديلفين|8|||Dilvin:2;Delvin:2
Hevi|هيفي|8|||Hevi:3;Hêvî:2
Bese|بسي|8|||Bese:2;Besse:2
Adkee|ادكي|6|||Adkee:2;Adki:2
Nadia|نادية|12|||Nadia:5;Nadiya:2
Layla|ليلى|10|||Layla:3;Leila:3
Khawla|خولة|6|||Khawla:3
Nasima|نسيمة|8|||Nasima:3;Nesima:2
Suzan|سوزان|8|||Suzan:3;Suzanne:1
Jilan|جيلان|8|||Jilan:2;Gilan:1
Khatun|خاتون|8|||Khatun:3;Khatoon:2
Naze|نازي|6|||Naze:2;Nazi:2
"""
)

# Yazidi registers often carry a clan or a patronymic as family name.
YAZIDI_FAMILY = _parse(
    """
Khalaf|خلف|10|||Khalaf:5
Qasim|قاسم|10|||Qasim:5;Kasim:2
Haji|حجي|10|||Haji:5
Ilyas|الياس|8|||Ilyas:3;Elias:3
Barakat|بركات|8|||Barakat:5
Hesso|حسو|8|||Hesso:3;Hassou:2
Murad|مراد|8|||Murad:5
Naif|نايف|6|||Naif:3;Nayef:2
Sulaiman|سليمان|6|||Sulaiman:3;Sleman:2
Ali|علي|6|||Ali:5
Rasho|رشو|6|||Rasho:2;Rashou:2
Pisso|بيسو|5|||Pisso:2
""",
    kind="ku",
)

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


_MAGHREB_FAMILY_TN = """
Ben Ali|بن علي|10
Trabelsi|الطرابلسي|10
Jebali|الجبالي|8
Gharbi|الغربي|8
Hammami|الحمامي|8
Saidi|السعيدي|8
Dridi|الدريدي|6
Ayari|العياري|6
Mejri|الماجري|6
Ouertani|الورتاني|5
"""
_MAGHREB_FAMILY_MA = """
Alaoui|العلوي|10
Idrissi|الإدريسي|10
Benali|بنعلي|8
El Fassi|الفاسي|6
Tazi|التازي|6
Bouzid|بوزيد|6
Mrabet|المرابط|6
Cherkaoui|الشرقاوي|6
Amrani|العمراني|8
Bakkali|البقالي|6
"""

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
