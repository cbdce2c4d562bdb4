"""Real stories whose headlines title case alone mangled ("Icco", "Lce and Ipe", "Nymex …
Cftc Says", "Gm GM Praises Greenspan": issue 22), each with the form the archive is to show
it in, and a story with its correction (reuters-5168 and reuters-5192). The text is the
corpora's (/work/shared/corpora: Reuters-21578 and one Wikinews story), some paragraphs
of each, none changed, the Reuters sign-off left out as ingest cleans it.

Some headlines are shown right only with the archive's evidence: reuters-829 names the New
York Mercantile Exchange in full (reuters-12708 writes NYMEX), the crop summary writes
neither USDA (reuters-17758 does) nor NOAA (no Reuters story does; the Wikinews one does).
"""

from dataclasses import dataclass
from datetime import date

from app.article import Article
from support.helpers import make


@dataclass(frozen=True)
class Wire:
    id: str
    published: date
    place: str | None
    source: str
    title: str
    shown: str  # the headline as the archive is to show it
    body: str
    topics: tuple[str, ...] = ()

    def article(self) -> Article:
        where = {"place": self.place, "source": self.source, "topics": self.topics}
        return make(self.id, self.body, self.published, title=self.title, **where)

    def record(self) -> dict[str, object]:
        """A JSON Lines record as `newsarchive ingest` reads it."""
        return {
            "id": self.id,
            "published": self.published.isoformat(),
            "title": self.title,
            "body": self.body,
            "source": self.source,
            "place": self.place,
            "topics": list(self.topics),
        }


ORIGINAL, CORRECTION = "reuters-5168", "reuters-5192"  # "(CORRECTED)-": the headline alone
IVORY_COAST = (  # the text of both
    "A senior Ivory Coast Agriculture Ministry official confirmed his country's "
    "backing for a new international cocoa pact and said Ivorian delegates would be "
    "present at talks on its buffer stock starting this week.\n\n"
    "The official told Reuters that Ivorian Agriculture Minister Denis Bra Kanon "
    "would attend the opening of the talks, convened by the International Cocoa "
    "Organization (ICCO), in London on Monday.\n\n"
    "While Bra Kanon is due to return home this week for funeral ceremonies for a "
    "sister of Ivorian President Felix Houphouet-Boigny, scheduled to be held in the "
    "country's capital Yamoussoukro between March 19-22, senior Ivorian delegates "
    "will be present throughout the London talks, the official said."
)
STORIES = [
    Wire(
        "reuters-3310",
        date(1987, 3, 9),
        "LONDON",
        "Reuters",
        "LCE AND IPE ELECT FIRST TRADED OPTIONS MEMBERS",
        "LCE and IPE Elect First Traded Options Members",
        (
            "The first 23 members have been elected to the joint traded options "
            "facility of the London Commodity Exchange (LCE) and the International "
            "Petroleum exchange (IPE), the exchanges said in a statement.\n\n"
            "Traded options need a volatile and liquid futures base to succeed and "
            "chairman of the joint formation committee Jack Patterson said the "
            "existing LCE cocoa, coffee, sugar and IPE gas oil contracts should have "
            "no difficulty in providing this."
        ),
        ("cocoa", "coffee", "sugar", "heat"),
    ),
    Wire(
        "reuters-5598",
        date(1987, 3, 16),
        "LONDON",
        "Reuters",
        "ICCO TO EXAMINE BUFFER STOCK PROPOSAL TOMORRROW",
        "ICCO to Examine Buffer Stock Proposal Tomorrrow",
        (
            "The International Cocoa Organization, ICCO, council adjourned after "
            "presenting divergent producer and consumer views on buffer stock rules "
            "and agreeing to examine a draft compromise proposal on the buffer stock "
            "issue tomorrow, delegates said.\n\n"
            "ICCO Executive Director Kobena Erbynn will draw up what some delegates "
            'called a "pre-compromise" and present it to the buffer stock working '
            "group at 1130 hrs GMT Tuesday, they said."
        ),
        ("cocoa",),
    ),
    Wire(
        "reuters-6177",
        date(1987, 3, 17),
        "BRUSSELS",
        "Reuters",
        "OPEC WANTS 18 DLR OIL PRICE - OAPEC OFFICIAL",
        "OPEC Wants 18 dlr Oil Price - OAPEC Official",
        (
            "OPEC believes world oil prices should be set around a fixed average "
            "price of 18 dlrs a barrel, OAPEC Assistant General Secretary Abdelaziz "
            "Al-Wattari said today.\n\n"
            "But he warned that defense of the 18 dlr a barrel level had caused "
            "hardship for OPEC countries, who had been forced to curtail production, "
            "and he warned that such cutbacks by OPEC states could not be sustained "
            "in some cases."
        ),
        ("crude",),
    ),
    Wire(
        "reuters-12708",
        date(1987, 4, 2),
        "WASHINGTON",
        "Reuters",
        "NYMEX SURVEILLANCE ADEQUATE, CFTC SAYS",
        "NYMEX Surveillance Adequate, CFTC Says",
        (
            "The New York Mercantile Exchange, NYMEX, has adequate trade practice "
            "surveillance and disciplinary programs, but could take steps to improve "
            "them, the Commodity Futures Trading Commission, CFTC, said.\n\n"
            "In a rule enforcement review, CFTC said NYMEX was able to identify "
            'possible "violative market activity" and that investigations were '
            "generally thorough."
        ),
        (),
    ),
    Wire(
        "reuters-829",
        date(1987, 3, 2),
        "NEW YORK",
        "Reuters",
        "NYMEX TO SUBMIT PROPANE PROPOSAL TO CFTC",
        "NYMEX to Submit Propane Proposal to CFTC",
        (
            "The New York Mercantile Exchange expects to submit a propane futures "
            "contract for federal regulatory approval within a few days, according to "
            "an exchange spokeswoman.\n\n"
            "As previously announced, the Board of Governors of the exchange approved "
            "the contract last month. The exchange will now submit the contract to "
            "the Commodity Futures Trading Commission, according to the spokeswoman."
        ),
        ("propane", "heat", "gas"),
    ),
    Wire(
        "reuters-7053",
        date(1987, 3, 19),
        "BOCA RATON",
        "Reuters",
        "CBT HEAD CONFIDENT OF SEPARATE CBT, MCE LIMITS",
        "CBT Head Confident of Separate CBT, MCE Limits",
        (
            "Chicago Board of Trade, CBT, President Thomas Donovan said he was "
            "confident the Commodity Futures Trading Commission, CFTC, would not "
            "force the CBT and the MidAmerica Commodity Exchange, MCE, to merge "
            "speculative position limits on futures contracts traded on the two "
            "exchanges.\n\n"
            "Last month CFTC proposed combining CBT and MCE contracts on corn, wheat, "
            "soybeans, soybean meal and oats for the purposes of applying speculative "
            "position limits."
        ),
        (),
    ),
    Wire(
        "reuters-4414",
        date(1987, 3, 12),
        "LONDON",
        "Reuters",
        "LME CONSIDERING CHANGES TO CLEARING SYSTEM",
        "LME Considering Changes to Clearing System",
        (
            "A proposal the London Metal Exchange, LME, change its new clearing "
            "system, due to start May 29, was made today at a meeting of LME members "
            "and International Commodities Clearing House, ICCH, representatives.\n\n"
            "LME Board Chairman Jacques Lion said any major alterations to the "
            "planned new clearing system would have to be referred to the Securities "
            "and Investment Board, SIB, and this could be time consuming, bearing in "
            "mind the May 29 start-up."
        ),
        (),
    ),
    Wire(
        "reuters-12781",
        date(1987, 4, 3),
        "LONDON",
        "Reuters",
        "GEC WINS ROBOTS ORDER FROM USSR",
        "GEC Wins Robots Order from USSR",
        (
            "The General Electric Co Plc <GECL.L> said its Electrical Projects "
            "division had won an initial 2.5 mln stg order to supply robots to the "
            "Soviet motor industry.\n\n"
            "Eighteen paint-spraying robots will be installed at the Gaz truck and "
            "car plant in Gorky, GEC said in a statement. If the factory standardised "
            "on the GEC product, further orders for up to 80 more robots could be "
            "expected, it added.\n\n"
            "Division engineering director Alan Davies said he expects further "
            "agreements soon with the Soviet machine tool and chemical equipment "
            "industries. These would cover the part manufacture of 100 to 200 GEC "
            "robots per year in the USSR."
        ),
        (),
    ),
    Wire(
        "reuters-6114",
        date(1987, 3, 17),
        "WASHINGTON",
        "Reuters",
        "CHINA CROP WEATHER SUMMARY -- USDA/NOAA",
        "China Crop Weather Summary -- USDA/NOAA",
        (
            "Light, scattered showers covered winter wheat areas in the North China "
            "Plain in the week ended March 14, moistening topsoils for wheat, just "
            "breaking dormancy in most central and northern areas, the Joint "
            "Agricultural Weather Facility of the U.S. Agriculture and Commerce "
            "Departments said.\n\n"
            "In its International Weather and Crop summary, the agency said southern "
            "winter wheat areas are in the early vegetative stage. Above-normal "
            "February temperatures over the North China Plain caused winter grains to "
            "break dormancy early in the south."
        ),
        ("grain", "wheat", "rice"),
    ),
    Wire(
        "reuters-17758",
        date(1987, 6, 1),
        "WASHINGTON",
        "Reuters",
        "CCC INTEREST HIGHER IN JUNE, USDA SAYS",
        "CCC Interest Higher in June, USDA Says",
        (
            "Interest rates on commodity loans disbursed by the Commodity Credit "
            "Corporation (CCC) this month will carry a 6-7/8 pct interest rate, the "
            "U.S. Agriculture Department said.\n\n"
            "That is up from the May rate of 6-1/4 pct and reflects the interest rate "
            "charged the CCC by the U.S. Treasury in June, USDA noted."
        ),
        ("interest",),
    ),
    Wire(
        "wikinews-1dd598aa5aef",
        date(2019, 9, 19),
        None,
        "Wikinews",
        "Hurricane Humberto strengthens to Category 3 while approaching Bermuda",
        "Hurricane Humberto strengthens to Category 3 while approaching Bermuda",
        (
            "The NHC predicted that Humberto would pass by Bermuda Wednesday night, "
            "before beginning to weaken on Thursday. The advisory also noted "
            "dangerous surf conditions, with waves over 30 feet high being recorded "
            "offshore by a National Oceanic and Atmospheric Administration (NOAA) "
            "buoy, warning of a possibility of coastal flooding."
        ),
        (),
    ),
    Wire(
        "reuters-18183",
        date(1987, 6, 2),
        "DETROIT",
        "Reuters",
        "GM <GM> PRAISES GREENSPAN APPOINTMENT",
        "GM <GM> Praises Greenspan Appointment",
        (
            "General Motors Corp said in a corporate statement its executives can "
            'think of "no person better qualified" than Alan Greenspan to replace '
            "Paul Volcker as chairman of the Federal Reserve Board.\n\n"
            'GM also said the U.S. owes Volcker "a great debt of gratitiude" by '
            'wringing inflation out of the U.S. economy."'
        ),
        (),
    ),
    Wire(
        "reuters-35",
        date(1987, 2, 26),
        "NEW YORK",
        "Reuters",
        "FIRST UNION <FUNC> FILES 100 MLN DLR NOTES ISSUE",
        "First Union <FUNC> Files 100 mln dlr Notes Issue",
        (
            "First Union Corp said it has filed with the Securities and Exchange "
            "Commission for a proposed offering of 100 mln dlrs of fixed rate "
            "subordinated notes due 1997.\n\n"
            "The notes will be sold nationwide through underwriters managed by "
            "Shearson Lehman Brothers Inc."
        ),
        (),
    ),
    Wire(
        "reuters-6128",
        date(1987, 3, 17),
        "LONDON",
        "Reuters",
        "ICCO GROUP LOOKS AT COCOA BUFFER STOCK RULE PLAN",
        "ICCO Group Looks at Cocoa Buffer Stock Rule Plan",
        (
            "The International Cocoa Organization, ICCO, buffer stock working group "
            "began examining a draft proposal for buffer stock rules this afternoon, "
            "delegates said.\n\n"
            "The plan, presented by ICCO Executive Director Kobena Erbynn, "
            "represented a compromise between producer, European Community, EC, and "
            "other consumer views on how the buffer stock should operate, they said."
        ),
        ("cocoa",),
    ),
    Wire(
        "reuters-6407",
        date(1987, 3, 18),
        "LONDON",
        "Reuters",
        "ICCO MEMBERS ACCEPT BUFFER STOCK PRINCIPLES",
        "ICCO Members Accept Buffer Stock Principles",
        (
            "International Cocoa Organization (ICCO) producers and consumers accepted "
            "the principles of a compromise proposal on buffer stock rules as a basis "
            "for further negotiation, delegates said.\n\n"
            "The buffer stock working group then asked ICCO Executive Director Kobena "
            "Erbynn, who wrote up the draft compromise, to flesh out details of the "
            "principles with the assistance of a representative group of delegates, "
            "they said."
        ),
        ("cocoa",),
    ),
    Wire(
        "reuters-5168",
        date(1987, 3, 15),
        "ABIDJAN",
        "Reuters",
        "IVORY COAST CONFIRMS PRESENCE AT COCOA TALKS",
        "Ivory Coast Confirms Presence at Cocoa Talks",
        IVORY_COAST,
        ("cocoa",),
    ),
    Wire(
        "reuters-5192",
        date(1987, 3, 16),
        "ABIDJAN",
        "Reuters",
        "(CORRECTED)-IVORY COAST CONFIRMS PRESENCE AT TALKS",
        "(Corrected)-Ivory Coast Confirms Presence at Talks",
        IVORY_COAST,
        ("cocoa",),
    ),
]
BY_ID = {story.id: story for story in STORIES}
