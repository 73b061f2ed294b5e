"""Nationality as lists write it, read into the ISO 3166-1 alpha-3 code Muster stores.

A registry writes IRQ; a foreign authority's list may write Iraq, Iraqi, IQ, Irak, العراق,
عراقية or Ирак.  Compared as written, each is a nationality disagreement with every record of
the same person written with the code: silently, a different person on one field.
``read_nationality`` reads a country's alpha-2 code, its English name (short, formal or as the
UN writes it), the nationality adjective, and the names in Arabic, Sorani and Kurmanji
Kurdish, French, German and Russian of the countries a reception point meets most, into the
code.  A value it does not know is kept as written (upper case): ``is_country_code`` tells
whether a stored value is a code, for a warning that names what was not read.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from .unknown import not_known

# ISO 3166-1: alpha-2, alpha-3, English short name (with the name in common use after "|"
# where it differs), as the MIT-licensed iso3166 package (3.0.0) lists them.
_ISO = """
AF AFG Afghanistan
AX ALA Åland Islands
AL ALB Albania
DZ DZA Algeria
AS ASM American Samoa
AD AND Andorra
AO AGO Angola
AI AIA Anguilla
AQ ATA Antarctica
AG ATG Antigua and Barbuda
AR ARG Argentina
AM ARM Armenia
AW ABW Aruba
AU AUS Australia
AT AUT Austria
AZ AZE Azerbaijan
BS BHS Bahamas
BH BHR Bahrain
BD BGD Bangladesh
BB BRB Barbados
BY BLR Belarus
BE BEL Belgium
BZ BLZ Belize
BJ BEN Benin
BM BMU Bermuda
BT BTN Bhutan
BO BOL Bolivia, Plurinational State of
BQ BES Bonaire, Sint Eustatius and Saba
BA BIH Bosnia and Herzegovina
BW BWA Botswana
BV BVT Bouvet Island
BR BRA Brazil
IO IOT British Indian Ocean Territory
BN BRN Brunei Darussalam
BG BGR Bulgaria
BF BFA Burkina Faso
BI BDI Burundi
KH KHM Cambodia
CM CMR Cameroon
CA CAN Canada
CV CPV Cabo Verde
KY CYM Cayman Islands
CF CAF Central African Republic
TD TCD Chad
CL CHL Chile
CN CHN China
CX CXR Christmas Island
CC CCK Cocos (Keeling) Islands
CO COL Colombia
KM COM Comoros
CG COG Congo
CD COD Congo, Democratic Republic of the
CK COK Cook Islands
CR CRI Costa Rica
CI CIV Côte d'Ivoire
HR HRV Croatia
CU CUB Cuba
CW CUW Curaçao
CY CYP Cyprus
CZ CZE Czechia
DK DNK Denmark
DJ DJI Djibouti
DM DMA Dominica
DO DOM Dominican Republic
EC ECU Ecuador
EG EGY Egypt
SV SLV El Salvador
GQ GNQ Equatorial Guinea
ER ERI Eritrea
EE EST Estonia
ET ETH Ethiopia
FK FLK Falkland Islands (Malvinas)
FO FRO Faroe Islands
FJ FJI Fiji
FI FIN Finland
FR FRA France
GF GUF French Guiana
PF PYF French Polynesia
TF ATF French Southern Territories
GA GAB Gabon
GM GMB Gambia
GE GEO Georgia
DE DEU Germany
GH GHA Ghana
GI GIB Gibraltar
GR GRC Greece
GL GRL Greenland
GD GRD Grenada
GP GLP Guadeloupe
GU GUM Guam
GT GTM Guatemala
GG GGY Guernsey
GN GIN Guinea
GW GNB Guinea-Bissau
GY GUY Guyana
HT HTI Haiti
HM HMD Heard Island and McDonald Islands
VA VAT Holy See
HN HND Honduras
HK HKG Hong Kong
HU HUN Hungary
IS ISL Iceland
IN IND India
ID IDN Indonesia
IR IRN Iran, Islamic Republic of
IQ IRQ Iraq
IE IRL Ireland
IM IMN Isle of Man
IL ISR Israel
IT ITA Italy
JM JAM Jamaica
JP JPN Japan
JE JEY Jersey
JO JOR Jordan
KZ KAZ Kazakhstan
KE KEN Kenya
KI KIR Kiribati
KP PRK Korea, Democratic People's Republic of
KR KOR Korea, Republic of
XK XKX Kosovo
KW KWT Kuwait
KG KGZ Kyrgyzstan
LA LAO Lao People's Democratic Republic
LV LVA Latvia
LB LBN Lebanon
LS LSO Lesotho
LR LBR Liberia
LY LBY Libya
LI LIE Liechtenstein
LT LTU Lithuania
LU LUX Luxembourg
MO MAC Macao
MK MKD North Macedonia
MG MDG Madagascar
MW MWI Malawi
MY MYS Malaysia
MV MDV Maldives
ML MLI Mali
MT MLT Malta
MH MHL Marshall Islands
MQ MTQ Martinique
MR MRT Mauritania
MU MUS Mauritius
YT MYT Mayotte
MX MEX Mexico
FM FSM Micronesia, Federated States of
MD MDA Moldova, Republic of
MC MCO Monaco
MN MNG Mongolia
ME MNE Montenegro
MS MSR Montserrat
MA MAR Morocco
MZ MOZ Mozambique
MM MMR Myanmar
NA NAM Namibia
NR NRU Naoero
NP NPL Nepal
NL NLD Netherlands
NC NCL New Caledonia
NZ NZL New Zealand
NI NIC Nicaragua
NE NER Niger
NG NGA Nigeria
NU NIU Niue
NF NFK Norfolk Island
MP MNP Northern Mariana Islands
NO NOR Norway
OM OMN Oman
PK PAK Pakistan
PW PLW Palau
PS PSE Palestine, State of|Palestine
PA PAN Panama
PG PNG Papua New Guinea
PY PRY Paraguay
PE PER Peru
PH PHL Philippines
PN PCN Pitcairn
PL POL Poland
PT PRT Portugal
PR PRI Puerto Rico
QA QAT Qatar
RE REU Réunion
RO ROU Romania
RU RUS Russian Federation
RW RWA Rwanda
BL BLM Saint Barthélemy
SH SHN Saint Helena, Ascension and Tristan da Cunha
KN KNA Saint Kitts and Nevis
LC LCA Saint Lucia
MF MAF Saint Martin (French part)
PM SPM Saint Pierre and Miquelon
VC VCT Saint Vincent and the Grenadines
WS WSM Samoa
SM SMR San Marino
ST STP Sao Tome and Principe
SA SAU Saudi Arabia
SN SEN Senegal
RS SRB Serbia
SC SYC Seychelles
SL SLE Sierra Leone
SG SGP Singapore
SX SXM Sint Maarten (Dutch part)
SK SVK Slovakia
SI SVN Slovenia
SB SLB Solomon Islands
SO SOM Somalia
ZA ZAF South Africa
GS SGS South Georgia and the South Sandwich Islands
SS SSD South Sudan
ES ESP Spain
LK LKA Sri Lanka
SD SDN Sudan
SR SUR Suriname
SJ SJM Svalbard and Jan Mayen
SZ SWZ Eswatini
SE SWE Sweden
CH CHE Switzerland
SY SYR Syrian Arab Republic
TW TWN Taiwan, Province of China|Taiwan
TJ TJK Tajikistan
TZ TZA Tanzania, United Republic of
TH THA Thailand
TL TLS Timor-Leste
TG TGO Togo
TK TKL Tokelau
TO TON Tonga
TT TTO Trinidad and Tobago
TN TUN Tunisia
TR TUR Türkiye
TM TKM Turkmenistan
TC TCA Turks and Caicos Islands
TV TUV Tuvalu
UG UGA Uganda
UA UKR Ukraine
AE ARE United Arab Emirates
GB GBR United Kingdom of Great Britain and Northern Ireland
US USA United States of America
UM UMI United States Minor Outlying Islands
UY URY Uruguay
UZ UZB Uzbekistan
VU VUT Vanuatu
VE VEN Venezuela, Bolivarian Republic of
VN VNM Viet Nam
VG VGB Virgin Islands, British
VI VIR Virgin Islands, U.S.
WF WLF Wallis and Futuna
EH ESH Western Sahara
YE YEM Yemen
ZM ZMB Zambia
ZW ZWE Zimbabwe
"""

# Codes a travel document or a registry writes for no country or several (ICAO 9303): stateless,
# refugee (two conventions), unspecified, the United Nations, Kosovo, British nationals of
# other classes, the European Union.
_OTHER_CODES = frozenset(
    {"XXA", "XXB", "XXC", "XXX", "UNO", "UNA", "RKS", "XKX", "GBD", "GBN", "GBO", "GBP",
     "GBS", "EUE", "XOM", "XPO", "XCC", "XES", "XBA", "XIM"}
)  # fmt: skip

# Other names of countries, and the adjective of nationality, by the code: English, then the
# French, German and Russian names of the countries whose nationals a reception point meets.
_NAMES = {
    "AFG": "afghan, afghani, afghanistan, афганистан",
    "ARE": "uae, emirati, united arab emirates, emirats arabes unis",
    "AZE": "azerbaijani, azeri, azerbaidjan, aserbaidschan, азербайджан",
    "BEL": "belgian, belgique, belgien, бельгия",
    "BHR": "bahraini",
    "CHN": "chinese, chine, volksrepublik china, китай",
    "COD": "drc, dr congo, democratic republic of the congo",
    "CZE": "czech, czech republic",
    "DEU": "german, germany, allemagne, deutschland, германия, d",
    "DZA": "algerian, algerie, algerien, алжир",
    "EGY": "egyptian, egypte, agypten, египет",
    "FRA": "french, frankreich, франция",
    "GBR": "uk, british, britain, great britain, united kingdom, england, royaume uni, "
    "grossbritannien, великобритания",
    "IDN": "indonesian, indonesie, indonesien, индонезия",
    "IND": "indian, inde, indien, индия",
    "IRN": "iran, iranian, persian, iran islamic republic of, iran (islamic republic of), иран",
    "IRQ": "iraqi, irak, irakien, irakienne, irakisch, ирак, îraq, iraqê",
    "JOR": "jordanian, jordanie, jordanien, иордания",
    "KAZ": "kazakh, kazakhstani, kazakhstan, kasachstan, казахстан",
    "KGZ": "kyrgyz, kirghiz, kyrgyzstan, kirghizistan, kirgisistan, кыргызстан, киргизия",
    "KOR": "south korea, south korean",
    "KWT": "kuwaiti, koweit, кувейт",
    "LAO": "laos, lao, laotian",
    "LBN": "lebanese, liban, libanon, ливан",
    "LBY": "libyan, libye, libyen, ливия",
    "MAR": "moroccan, maroc, marokko, марокко",
    "MDA": "moldova, moldovan",
    "MDV": "maldivian",
    "MKD": "macedonia, macedonian, north macedonian",
    "NLD": "dutch, holland, the netherlands, pays bas, niederlande, нидерланды",
    "OMN": "omani",
    "PAK": "pakistani, pakistan, пакистан",
    "PRK": "north korea, north korean",
    "PSE": "palestinian, palestine, palestinien, palastina, палестина",
    "QAT": "qatari",
    "RUS": "russian, russia, russie, russland, россия, российская федерация, рф",
    "SAU": "saudi, saudi arabian, ksa, arabie saoudite, saudi arabien, саудовская аравия",
    "SDN": "sudanese, soudan, судан",
    "SOM": "somali, somalian, somalie, сомали",
    "SWE": "swedish, swede, suede, schweden, швеция",
    "SYR": "syria, syrian, syrie, syrien, сирия, sûriye, suriye, sûrî",
    "TJK": "tajik, tadjik, tajikistani, tadjikistan, tadschikistan, таджикистан",
    "TKM": "turkmen, turkmenistani, туркменистан",
    "TUN": "tunisian, tunisie, tunesien, тунис",
    "TUR": "turkey, turkish, turk, turquie, turkei, турция, tirkiye, tirk",
    "TWN": "taiwanese",
    "TZA": "tanzania, tanzanian",
    "USA": "usa, us, america, american, united states, etats unis, vereinigte staaten, сша",
    "UZB": "uzbek, uzbekistani, ouzbekistan, usbekistan, узбекистан",
    "VEN": "venezuela, venezuelan",
    "VNM": "vietnam, vietnamese",
    "XXA": "stateless, apatride, staatenlos, عديم الجنسية, بدون جنسية",
    "YEM": "yemeni, yemenite, yemen, jemen, йемен",
}

# Arabic names of countries and adjectives (each written once: the reader drops the article and
# the feminine ending, so العراق = عراق and عراقي = عراقية), and Sorani Kurdish names.
_ARABIC_NAMES = {
    "AFG": "أفغانستان, أفغاني",
    "ARE": "الإمارات, الإمارات العربية المتحدة, إماراتي",
    "AZE": "أذربيجان, أذربيجاني",
    "BEL": "بلجيكا, بلجيكي",
    "BHR": "البحرين, بحريني",
    "CHN": "الصين, صيني",
    "DEU": "ألمانيا, ألماني",
    "DZA": "الجزائر, جزائري",
    "EGY": "مصر, مصري",
    "FRA": "فرنسا, فرنسي",
    "GBR": "بريطانيا, المملكة المتحدة, بريطاني",
    "IDN": "إندونيسيا, إندونيسي",
    "IRN": "إيران, إيراني, ئێران",
    "IRQ": "العراق, عراقي, عێراق, عێراقی",
    "JOR": "الأردن, أردني",
    "KAZ": "كازاخستان, كازاخي, كازاخستاني",
    "KGZ": "قرغيزستان, قيرغيزستان, قرغيزي",
    "KWT": "الكويت, كويتي",
    "LBN": "لبنان, لبناني",
    "LBY": "ليبيا, ليبي",
    "MAR": "المغرب, مغربي",
    "NLD": "هولندا, هولندي",
    "OMN": "عمان, عماني",
    "PAK": "باكستان, باكستاني",
    "PSE": "فلسطين, فلسطيني",
    "QAT": "قطر, قطري",
    "RUS": "روسيا, روسي, الاتحاد الروسي",
    "SAU": "السعودية, المملكة العربية السعودية, سعودي",
    "SDN": "السودان, سوداني",
    "SOM": "الصومال, صومالي",
    "SWE": "السويد, سويدي",
    "SYR": "سوريا, سورية, سوري, الجمهورية العربية السورية, سووریا, سوریا",
    "TJK": "طاجيكستان, طاجيكي",
    "TKM": "تركمانستان, تركماني",
    "TUN": "تونس, تونسي",
    "TUR": "تركيا, تركي, تورکیا",
    "USA": "أمريكا, الولايات المتحدة, أمريكي, أميركي",
    "UZB": "أوزبكستان, أوزبكي",
    "XXA": "عديم الجنسية, بدون جنسية",
    "YEM": "اليمن, يمني",
}

_ARABIC = re.compile("[\u0600-\u06ff]")
_ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ة": "ه", "ى": "ي", "ی": "ي",
                              "ک": "ك", "ێ": "ي", "ە": "ه", "ـ": None})  # fmt: skip
_ARABIC_MARKS = re.compile("[\u064b-\u0652\u0670]")


def _key(text: str) -> str:
    """The text a table entry and a list's value are compared by: Latin without accents or
    punctuation in lower case; Arabic letters folded, each word without its article or the
    feminine ending of an adjective (عراقية = عراقي), Cyrillic in lower case."""
    text = unicodedata.normalize("NFKC", text).strip()
    if _ARABIC.search(text):
        words = _ARABIC_MARKS.sub("", text).translate(_ARABIC_FOLD).split()
        words = [w[2:] if w.startswith("ال") and len(w) > 4 else w for w in words]
        words = [w[:-1] if w.endswith("يه") and len(w) > 3 else w for w in words]
        return " ".join(words)
    text = "".join(
        c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
    ).lower()
    if text.startswith("the "):
        text = text[4:]
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


@lru_cache(maxsize=1)
def _table() -> tuple[dict[str, str], frozenset[str]]:
    names: dict[str, str] = {}
    codes: set[str] = set(_OTHER_CODES)
    shorts: dict[str, set[str]] = {}
    for line in _ISO.strip().splitlines():
        alpha2, alpha3, written = line.split(" ", 2)
        codes.add(alpha3)
        names[alpha2.lower()] = alpha3
        for name in written.split("|"):
            names[_key(name)] = alpha3
            # "Iran, Islamic Republic of" is Iran too; "Korea, ..." names two countries.
            shorts.setdefault(_key(name.split(",")[0]), set()).add(alpha3)
    for short, found in shorts.items():
        if len(found) == 1:
            names.setdefault(short, *found)
    for table in (_NAMES, _ARABIC_NAMES):
        for alpha3, written in table.items():
            for name in written.split(","):
                names[_key(name)] = alpha3
    return names, frozenset(codes)


def read_nationality(text: str) -> str:
    """The ISO 3166-1 alpha-3 code of a nationality as a list writes it; a value not known here
    in upper case as written; "" for none or an unknown one.

    >>> [read_nationality(t) for t in ("irq", "Iraq", "Iraqi", "IQ", "العراق", "عراقية", "Ирак")]
    ['IRQ', 'IRQ', 'IRQ', 'IRQ', 'IRQ', 'IRQ', 'IRQ']
    >>> read_nationality("Syrian Arab Republic"), read_nationality("Unknown"), read_nationality("Kurd")
    ('SYR', '', 'KURD')
    """
    text = text.strip()
    names, codes = _table()
    if text.upper() in codes:
        return text.upper()
    key = _key(text)
    if key == "nil" or not_known(text):  # (Nil is a name, and no country)
        return ""
    return names.get(key, text.upper())


def is_state_code(code: str) -> bool:
    """Whether ``code`` names a state one can go to or be handed to: an ISO 3166-1 alpha-3 code
    (and Kosovo's), not ICAO's codes of a status or a body (XXA stateless, XXX unspecified, UNO).

    >>> is_state_code("IRQ"), is_state_code("XXX"), is_state_code("XXA"), is_state_code("RKS")
    (True, False, False, True)
    """
    return code in _table()[1] and (code not in _OTHER_CODES or code in ("RKS", "XKX"))


def is_country_code(code: str) -> bool:
    """Whether a stored nationality is an ISO 3166-1 alpha-3 code (or ICAO 9303's for stateless,
    refugee, the United Nations ...): what a warning about unread nationalities leaves out."""
    return code in _table()[1]
