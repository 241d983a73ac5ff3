"""The built-in gazetteer: facts we write down ourselves about countries, their capitals and
demonyms, seats of government and a few international organizations.

Actor extraction (actors.py) uses it to recognize a country, a capital that stands for its
government (`Kyiv`), a seat (`the Kremlin`), an adjective that places an institution in its
country (`Ukrainian Defence Ministry`) and the well-known organizations with their acronyms.

The table covers every UN member state plus the two observer states, Kosovo and Taiwan. Each
country line reads ``Name | other names | capitals used as metonyms | demonyms and adjectives``
(fields separated by ``|``, values by ``;``). A capital that is also a common word or first name
(Malé, Victoria, Sucre) is left out of the metonyms on purpose: it would make junk actors.
Jerusalem is left out as well (its status is disputed; news rarely uses it as a metonym).
"""

from __future__ import annotations

from dataclasses import dataclass

# Name | other names | capitals (metonyms) | demonyms / adjectives
_COUNTRIES = """\
Afghanistan||Kabul|Afghan
Albania||Tirana;Tirane|Albanian
Algeria||Algiers|Algerian
Andorra||Andorra la Vella|Andorran
Angola||Luanda|Angolan
Antigua and Barbuda|Antigua|Saint John's;St. John's|Antiguan;Barbudan
Argentina|Argentine Republic|Buenos Aires|Argentine;Argentinian;Argentinean
Armenia||Yerevan|Armenian
Australia|Commonwealth of Australia|Canberra|Australian
Austria||Vienna;Wien|Austrian
Azerbaijan||Baku|Azerbaijani;Azeri
Bahamas|The Bahamas|Nassau|Bahamian
Bahrain||Manama|Bahraini
Bangladesh||Dhaka|Bangladeshi
Barbados||Bridgetown|Barbadian;Bajan
Belarus|Byelorussia|Minsk|Belarusian;Belarussian
Belgium|||Belgian
Belize||Belmopan|Belizean
Benin||Porto-Novo;Cotonou|Beninese
Bhutan||Thimphu|Bhutanese
Bolivia|Plurinational State of Bolivia|La Paz|Bolivian
Bosnia and Herzegovina|Bosnia;Bosnia-Herzegovina;BiH|Sarajevo|Bosnian;Herzegovinian
Botswana||Gaborone|Botswanan;Motswana
Brazil|Brasil|Brasilia|Brazilian
Brunei|Brunei Darussalam|Bandar Seri Begawan|Bruneian
Bulgaria||Sofia|Bulgarian
Burkina Faso||Ouagadougou|Burkinabe;Burkinabè
Burundi||Gitega|Burundian
Cabo Verde|Cape Verde|Praia|Cabo Verdean;Cape Verdean
Cambodia||Phnom Penh|Cambodian
Cameroon||Yaounde|Cameroonian
Canada||Ottawa|Canadian
Central African Republic|CAR|Bangui|Central African
Chad||N'Djamena|Chadian
Chile||Santiago|Chilean
China|People's Republic of China;PRC;Mainland China|Beijing;Peking|Chinese
Colombia||Bogota|Colombian
Comoros||Moroni|Comoran;Comorian
Democratic Republic of the Congo|DR Congo;DRC;Congo-Kinshasa;DR of Congo|Kinshasa|
Republic of the Congo|Congo-Brazzaville;Congo Republic|Brazzaville|
Costa Rica||San Jose|Costa Rican
Côte d'Ivoire|Ivory Coast|Yamoussoukro;Abidjan|Ivorian
Croatia||Zagreb|Croatian
Cuba||Havana|Cuban
Cyprus||Nicosia|Cypriot
Czechia|Czech Republic|Prague|Czech
Denmark||Copenhagen|Danish;Dane
Djibouti||Djibouti City|Djiboutian
Dominica||Roseau|Dominican Commonwealth
Dominican Republic||Santo Domingo|Dominican
Ecuador||Quito|Ecuadorian;Ecuadorean
Egypt||Cairo|Egyptian
El Salvador|Salvador|San Salvador|Salvadoran;Salvadorean
Equatorial Guinea||Malabo|Equatorial Guinean;Equatoguinean
Eritrea||Asmara|Eritrean
Estonia||Tallinn|Estonian
Eswatini|Swaziland|Mbabane;Lobamba|Swazi;Eswatini
Ethiopia||Addis Ababa|Ethiopian
Fiji||Suva|Fijian
Finland||Helsinki|Finnish;Finn
France|French Republic|Paris|French
Gabon||Libreville|Gabonese
Gambia|The Gambia|Banjul|Gambian
Georgia||Tbilisi|Georgian
Germany|Federal Republic of Germany|Berlin|German
Ghana||Accra|Ghanaian
Greece|Hellenic Republic|Athens|Greek
Grenada||St. George's;Saint George's|Grenadian
Guatemala||Guatemala City|Guatemalan
Guinea|Guinea-Conakry|Conakry|Guinean
Guinea-Bissau||Bissau|Bissau-Guinean
Guyana||Georgetown|Guyanese
Haiti||Port-au-Prince|Haitian
Honduras||Tegucigalpa|Honduran
Hungary||Budapest|Hungarian
Iceland||Reykjavik|Icelandic
India|Republic of India;Bharat|New Delhi;Delhi|Indian
Indonesia||Jakarta|Indonesian
Iran|Islamic Republic of Iran|Tehran;Teheran|Iranian
Iraq||Baghdad|Iraqi
Ireland|Republic of Ireland;Eire|Dublin|Irish
Israel||Tel Aviv|Israeli
Italy|Italian Republic|Rome|Italian
Jamaica||Kingston|Jamaican
Japan||Tokyo|Japanese
Jordan||Amman|Jordanian
Kazakhstan||Astana|Kazakh;Kazakhstani
Kenya||Nairobi|Kenyan
Kiribati||Tarawa|I-Kiribati
Kuwait||Kuwait City|Kuwaiti
Kyrgyzstan|Kyrgyz Republic|Bishkek|Kyrgyz;Kyrgyzstani
Laos|Lao PDR;Lao People's Democratic Republic|Vientiane|Lao;Laotian
Latvia||Riga|Latvian
Lebanon||Beirut|Lebanese
Lesotho||Maseru|Basotho;Mosotho
Liberia||Monrovia|Liberian
Libya||Tripoli|Libyan
Liechtenstein||Vaduz|Liechtensteiner
Lithuania||Vilnius|Lithuanian
Luxembourg||Luxembourg City|Luxembourgish;Luxembourger
Madagascar||Antananarivo|Malagasy
Malawi||Lilongwe|Malawian
Malaysia||Kuala Lumpur;Putrajaya|Malaysian
Maldives|The Maldives||Maldivian
Mali||Bamako|Malian
Malta||Valletta|Maltese
Marshall Islands||Majuro|Marshallese
Mauritania||Nouakchott|Mauritanian
Mauritius||Port Louis|Mauritian
Mexico|United Mexican States|Mexico City|Mexican
Micronesia|Federated States of Micronesia|Palikir|Micronesian
Moldova|Republic of Moldova|Chisinau;Kishinev|Moldovan
Monaco||Monte Carlo|Monegasque
Mongolia||Ulaanbaatar;Ulan Bator|Mongolian
Montenegro||Podgorica|Montenegrin
Morocco||Rabat|Moroccan
Mozambique||Maputo|Mozambican
Myanmar|Burma|Naypyidaw;Nay Pyi Taw|Burmese;Myanmar
Namibia||Windhoek|Namibian
Nauru|||Nauruan
Nepal||Kathmandu|Nepali;Nepalese
Netherlands|The Netherlands;Holland|Amsterdam;The Hague|Dutch
New Zealand|Aotearoa|Wellington|New Zealand
Nicaragua||Managua|Nicaraguan
Niger||Niamey|Nigerien
Nigeria||Abuja|Nigerian
North Korea|DPRK;Democratic People's Republic of Korea|Pyongyang|North Korean
North Macedonia|Macedonia|Skopje|North Macedonian;Macedonian
Norway||Oslo|Norwegian
Oman||Muscat|Omani
Pakistan||Islamabad|Pakistani
Palau||Ngerulmud|Palauan
Panama||Panama City|Panamanian
Papua New Guinea|PNG|Port Moresby|Papua New Guinean
Paraguay||Asuncion|Paraguayan
Peru||Lima|Peruvian
Philippines|The Philippines|Manila|Filipino;Philippine
Poland||Warsaw|Polish
Portugal||Lisbon|Portuguese
Qatar||Doha|Qatari
Romania||Bucharest|Romanian
Russia|Russian Federation|Moscow|Russian
Rwanda||Kigali|Rwandan
Saint Kitts and Nevis|St Kitts and Nevis;St. Kitts and Nevis|Basseterre|Kittitian;Nevisian
Saint Lucia|St Lucia;St. Lucia|Castries|Saint Lucian;St Lucian
Saint Vincent and the Grenadines|St Vincent and the Grenadines;St Vincent|Kingstown|Vincentian
Samoa||Apia|Samoan
San Marino||City of San Marino|Sammarinese
São Tomé and Príncipe|Sao Tome|Sao Tome City|Sao Tomean
Saudi Arabia|Kingdom of Saudi Arabia;KSA|Riyadh|Saudi;Saudi Arabian
Senegal||Dakar|Senegalese
Serbia||Belgrade|Serbian;Serb
Seychelles|The Seychelles||Seychellois
Sierra Leone||Freetown|Sierra Leonean
Singapore|||Singaporean
Slovakia|Slovak Republic|Bratislava|Slovak;Slovakian
Slovenia||Ljubljana|Slovenian;Slovene
Solomon Islands||Honiara|Solomon Islander
Somalia||Mogadishu|Somali
South Africa||Pretoria;Tshwane|South African
South Korea|Republic of Korea;ROK|Seoul|South Korean
South Sudan||Juba|South Sudanese
Spain|Kingdom of Spain|Madrid|Spanish;Spaniard
Sri Lanka||Colombo;Sri Jayawardenepura Kotte|Sri Lankan
Sudan||Khartoum|Sudanese
Suriname|Surinam|Paramaribo|Surinamese
Sweden||Stockholm|Swedish;Swede
Switzerland|Swiss Confederation|Bern;Berne|Swiss
Syria|Syrian Arab Republic|Damascus|Syrian
Tajikistan||Dushanbe|Tajik;Tajikistani
Tanzania|United Republic of Tanzania|Dodoma;Dar es Salaam|Tanzanian
Thailand||Bangkok|Thai
Timor-Leste|East Timor;Timor Leste|Dili|Timorese
Togo||Lome|Togolese
Tonga||Nuku'alofa|Tongan
Trinidad and Tobago|Trinidad|Port of Spain|Trinidadian;Tobagonian
Tunisia||Tunis|Tunisian
Turkey|Turkiye;Republic of Turkiye|Ankara|Turkish
Turkmenistan||Ashgabat|Turkmen
Tuvalu||Funafuti|Tuvaluan
Uganda||Kampala|Ugandan
Ukraine||Kyiv;Kiev|Ukrainian
United Arab Emirates|UAE;Emirates;U.A.E.|Abu Dhabi|Emirati
United Kingdom|UK;U.K.;Britain;Great Britain;United Kingdom of Great Britain and Northern Ireland|London|British;Briton
United States|US;U.S.;USA;U.S.A.;United States of America;America|Washington;Washington D.C.;Washington DC|American;US;U.S.
Uruguay||Montevideo|Uruguayan
Uzbekistan||Tashkent|Uzbek;Uzbekistani
Vanuatu||Port Vila|Ni-Vanuatu;Vanuatuan
Venezuela|Bolivarian Republic of Venezuela|Caracas|Venezuelan
Vietnam|Viet Nam|Hanoi|Vietnamese
Yemen||Sanaa;Sana'a|Yemeni
Zambia||Lusaka|Zambian
Zimbabwe||Harare|Zimbabwean
Holy See|Vatican;Vatican City;the Vatican|Vatican City|Vatican
Palestine|State of Palestine;Palestinian Territories|Ramallah|Palestinian
Kosovo||Pristina;Prishtina|Kosovar;Kosovan
Taiwan|Republic of China;ROC|Taipei|Taiwanese
"""

# Seats of government and other places or bodies that stand for a country's government or
# for one of its institutions. They stay actors of their own and belong to their country.
# Name | other names | country
_SEATS = """\
White House||United States
Pentagon|the Pentagon|United States
State Department|US State Department;U.S. State Department;Foggy Bottom|United States
Capitol Hill||United States
Kremlin|the Kremlin|Russia
State Duma|Duma|Russia
Downing Street|No 10;No. 10;Number 10;Number Ten|United Kingdom
Whitehall||United Kingdom
Élysée|Élysée Palace|France
Quai d'Orsay||France
Matignon||France
Bundestag||Germany
Chancellery|German Chancellery|Germany
Zhongnanhai||China
Bankova||Ukraine
Verkhovna Rada|Rada|Ukraine
Sejm||Poland
Knesset||Israel
Moncloa|Moncloa Palace|Spain
Palazzo Chigi||Italy
Farnesina||Italy
Casa Rosada||Argentina
Planalto|Planalto Palace|Brazil
Blue House||South Korea
Riksdag||Sweden
Storting||Norway
Folketing||Denmark
Oireachtas|Dáil;Dáil Éireann|Ireland
Westminster||United Kingdom
"""

# International organizations: Name | acronym | other names | group it belongs to
_ORGS = """\
United Nations|UN|U.N.;the UN|
UN Security Council|UNSC|Security Council;United Nations Security Council|United Nations
UN General Assembly|UNGA|General Assembly;United Nations General Assembly|United Nations
UN Human Rights Office|OHCHR|Office of the UN High Commissioner for Human Rights;UN human rights office|United Nations
World Health Organization|WHO||United Nations
UNICEF|UNICEF|United Nations Children's Fund|United Nations
UN Refugee Agency|UNHCR|Office of the United Nations High Commissioner for Refugees;United Nations High Commissioner for Refugees|United Nations
World Food Programme|WFP|World Food Program|United Nations
International Atomic Energy Agency|IAEA|UN nuclear watchdog|United Nations
UN Office for the Coordination of Humanitarian Affairs|OCHA||United Nations
UN Relief and Works Agency|UNRWA||United Nations
UNESCO|UNESCO||United Nations
International Organization for Migration|IOM||United Nations
World Meteorological Organization|WMO||United Nations
Food and Agriculture Organization|FAO||United Nations
International Monetary Fund|IMF||
World Bank|||
World Trade Organization|WTO||
North Atlantic Treaty Organization|NATO|North Atlantic Alliance|
European Union|EU|E.U.;Brussels|
European Commission||EU Commission;Commission of the European Union|European Union
European Council|||European Union
Council of the European Union||Council of the EU|European Union
European Parliament|||European Union
European Central Bank|ECB||European Union
Council of Europe|||
Organization for Security and Co-operation in Europe|OSCE|Organization for Security and Cooperation in Europe|
Organisation for Economic Co-operation and Development|OECD|Organization for Economic Cooperation and Development|
International Committee of the Red Cross|ICRC||
International Federation of Red Cross and Red Crescent Societies|IFRC||
Médecins Sans Frontières|MSF|Doctors Without Borders|
Amnesty International||Amnesty|
Human Rights Watch|HRW||
African Union|AU||
Association of Southeast Asian Nations|ASEAN||
Arab League||League of Arab States|
Organization of the Petroleum Exporting Countries|OPEC||
International Criminal Court|ICC||
International Court of Justice|ICJ|World Court|United Nations
Group of Seven|G7|G-7|
Group of Twenty|G20|G-20|
"""

# Names of news agencies and big outlets: they report, they do not act. They never become
# actors (bylines, datelines, "according to Reuters").
NEWS_AGENCIES = frozenset(
    name.strip().casefold()
    for name in """Reuters;AFP;AP;Associated Press;Agence France-Presse;Agence France Presse;dpa;
    Deutsche Presse-Agentur;EFE;ANSA;PAP;TASS;RIA Novosti;RIA;Interfax;Interfax-Ukraine;Ukrinform;
    UNIAN;Xinhua;Kyodo;Yonhap;Bloomberg;BBC;BBC News;CNN;Al Jazeera;Sky News;The Guardian;
    Guardian;New York Times;The New York Times;NYT;Washington Post;The Washington Post;
    Financial Times;FT;Politico;Axios;Anadolu;Anadolu Agency;WAFA;Bernama;Antara;PTI;ANI;IANS;
    UPI;CTK;MTI;Tanjug;HINA;BTA;APA;Belga;ANP;NTB;TT;Ritzau;STT;Lusa;Europa Press;Notimex;
    Telam;Kyiv Independent;Meduza;Novaya Gazeta""".split(";")
)


@dataclass(frozen=True, slots=True)
class Place:
    """A gazetteer entry: a country, a seat or an organization.

    name is the canonical base name; acronym is empty when there is none; group is the
    country or organization it belongs to ("" for a country, which is its own group);
    kind is "country", "seat" or "org".
    """

    name: str
    kind: str
    acronym: str = ""
    aliases: tuple[str, ...] = ()
    capitals: tuple[str, ...] = ()
    demonyms: tuple[str, ...] = ()
    group: str = ""

    @property
    def display(self) -> str:
        """The canonical actor name: the name, with the acronym in parentheses if any."""
        if self.acronym and self.acronym.casefold() != self.name.casefold():
            return f"{self.name} ({self.acronym})"
        return self.name


def _split(field: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in field.split(";") if v.strip())


def _load() -> tuple[list[Place], list[Place], list[Place]]:
    countries = []
    for line in _COUNTRIES.splitlines():
        if not line.strip():
            continue
        name, aliases, capitals, demonyms = (line.split("|") + ["", "", ""])[:4]
        countries.append(Place(name=name.strip(), kind="country", aliases=_split(aliases),
                               capitals=_split(capitals), demonyms=_split(demonyms)))
    seats = []
    for line in _SEATS.splitlines():
        if not line.strip():
            continue
        name, aliases, country = line.split("|")
        seats.append(Place(name=name.strip(), kind="seat", aliases=_split(aliases),
                           group=country.strip()))
    orgs = []
    for line in _ORGS.splitlines():
        if not line.strip():
            continue
        name, acronym, aliases, group = line.split("|")
        orgs.append(Place(name=name.strip(), kind="org", acronym=acronym.strip(),
                          aliases=_split(aliases), group=group.strip()))
    return countries, seats, orgs


COUNTRIES, SEATS, ORGS = _load()
