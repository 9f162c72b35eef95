"""Dutch phrases for the planted corpus: what Flemish residents write about six topics.

`[a|b]` picks one of its parts, `{street}` and the like are filled per text.
"""

from __future__ import annotations

from tests.support.corpus.compose import Phrases

DUTCH = Phrases(
    topics={
        "trees": (
            "[Er moeten|We willen|Graag] meer bomen in {park}, want [in de zomer|in juli] is er "
            "[nergens|amper] schaduw.",
            "De [oude|mooie|grote] bomen langs de {street} mogen [niet gekapt worden|blijven].",
            "Plant [alstublieft|toch|dringend] extra bomen rond {square}, [nu is het daar|het is "
            "er] [in de zomer|op warme dagen] te heet.",
            "Zonder schaduw is {park} in [juli|augustus] [onbruikbaar|een oven]; grote bomen "
            "zouden [veel|enorm] helpen.",
            "Ik mis groen: meer bomen, [struiken|hagen] en [een stukje bos|bloemen] in de wijk.",
            "Waarom zijn de lindes in de {street} [weggehaald|gekapt]? Plant [nieuwe|jonge] bomen "
            "in de plaats.",
            "Bomen geven [schaduw|verkoeling] en [koelte|frisse lucht], en die hebben we nodig nu "
            "de zomers [heter|warmer] worden.",
            "Laat de bomen in {park} staan en maak er een [echt|mooi] groen park van.",
            "Een rij bomen langs de {street} zou de straat [koeler|groener] en [mooier|gezelliger] "
            "maken.",
        ),
        "cycling": (
            "Het fietspad langs de {street} is [veel te|te|echt te] smal en [gevaarlijk|onveilig].",
            "Mijn [kinderen|zoon|dochter] [fietsen|fietst] naar school, maar het kruispunt aan "
            "{square} is [gevaarlijk|levensgevaarlijk].",
            "Maak een [afgescheiden|vrijliggend] fietspad zodat fietsers niet tussen de auto's "
            "[rijden|moeten rijden].",
            "Er rijden te veel auto's [te snel|veel te snel] langs het fietspad; een fietsstraat "
            "[zou helpen|is de oplossing].",
            "De [putten|gaten|barsten] in het fietspad aan de {street} zijn gevaarlijk voor "
            "[fietsers|iedereen op de fiets].",
            "Ik fiets [dagelijks|elke ochtend] naar [het station|mijn werk] en voel me op de fiets "
            "[nergens|nooit] veilig.",
            "Graag een verlicht fietspad, want ['s avonds|in de winter] is het donker en onveilig.",
            "Fietsers en voetgangers moeten het [smalle|krappe] pad delen, dat geeft "
            "[ongelukken|conflicten].",
            "Een [fietsenstalling|overdekte fietsenstalling] aan {square} en betere fietspaden, "
            "dat vraag ik.",
        ),
        "parking": (
            "Er is te weinig parking in de buurt van {square}; ik vind [nooit|zelden] een plaats.",
            "Bewoners van de {street} vinden ['s avonds|na het werk] geen parkeerplaats meer.",
            "Geef ons een bewonerskaart zodat we [voor de eigen deur|in onze straat] kunnen "
            "parkeren.",
            "De parking aan {square} staat [vol|elke dag vol] met wagens van [pendelaars|"
            "bezoekers].",
            "Foutparkeerders blokkeren het voetpad in de {street}; [controleer dat vaker|doe er "
            "iets aan].",
            "Betalend parkeren in het centrum is te duur voor [wie er woont|de bewoners].",
            "Een ondergrondse parking zou [veel|heel wat] plaats vrijmaken op straat.",
            "Parkeerplaatsen voor mindervaliden zijn [altijd|vaak] bezet door andere wagens.",
            "Laat de parking aan de {street} [gratis|goedkoop] voor bewoners.",
        ),
        "playground": (
            "Er is geen speeltuin in onze wijk; de kinderen spelen [op straat|tussen de auto's].",
            "De speeltuin in {park} is [verouderd|vervallen]: de schommels zijn [kapot|stuk].",
            "Graag een speelplein met [klimrek|klimtoestel], zandbak en schommels voor [kleine "
            "kinderen|de kleinsten].",
            "Voor tieners is er niets: een pannakooi of skatepark zou [fijn|top] zijn.",
            "Zet een omheining rond de speeltuin zodat peuters niet [op straat lopen|weglopen].",
            "Onze kinderen hebben een veilige speelplek nodig om te spelen en te ravotten.",
            "Mijn kleinkinderen vragen [altijd|steeds] naar een speeltuin [dichtbij|in de buurt "
            "van] de {street}.",
            "Een natuurspeeltuin met boomstammen en water zou de kinderen [blij|gelukkig] maken.",
        ),
        "noise": (
            "'s Nachts is er te veel lawaai aan {square}, ik kan [niet|amper] slapen.",
            "Jongeren hangen tot [diep in de nacht|na middernacht] rond in {park} met luide "
            "muziek.",
            "Het lawaai van de cafés aan {square} houdt de [hele straat|hele buurt] wakker.",
            "Vrachtwagens rijden 's nachts door de {street} en maken [veel|ontzettend veel] "
            "herrie.",
            "Graag meer controle op nachtlawaai en een sluitingsuur voor de terrassen.",
            "Na middernacht is het nooit stil in de {street}; we worden wakker van het lawaai.",
            "Het geluid van brommers en motoren 's nachts is [ondraaglijk|niet te harden].",
            "We willen rust en stilte in de buurt, [vooral|zeker] 's nachts.",
        ),
        "seniors": (
            "Er zijn te weinig zitbanken in {park}; voor ouderen is dat een [probleem|drempel].",
            "Als [zeventiger|tachtiger] moet ik onderweg kunnen rusten: zet meer bankjes in de "
            "{street}.",
            "Er is nergens een openbaar toilet in het centrum, [lastig|vervelend] voor oudere "
            "mensen.",
            "Graag [propere|nette] openbare toiletten aan {square}, toegankelijk met een rollator.",
            "Mijn [moeder|vader|buurvrouw] gaat niet meer wandelen omdat er geen bank en geen "
            "toilet is.",
            "Banken met leuning en armsteun zouden voor senioren [veel|een groot verschil] "
            "uitmaken.",
            "Voor ouderen met een rolstoel zijn de paden en toiletten niet toegankelijk.",
            "Een rustplek met bankjes zou ik als gepensioneerde erg waarderen.",
        ),
    },
    parks=("het Stadspark", "het Molenpark", "het park aan de vaart", "het Kasteelpark"),
    squares=("het Dorpsplein", "de Markt", "het Kerkplein", "het Stationsplein"),
    openers=("Goeiedag,", "Beste,", "Hallo,", "Dag,", "Beste gemeente,", "Geachte,"),
    personal=(
        "Ik woon al {years} jaar in de {street}.",
        "Ik kom hier elke [dag|ochtend|avond] voorbij met [de hond|de kinderwagen].",
        "Wij wonen met [ons gezin|drie kinderen] vlak bij {square}.",
        "Ik werk in het centrum en kom [dagelijks|elke week] langs {square}.",
        "Mijn buren in de {street} denken er [net zo|hetzelfde] over.",
        "Ik ben hier opgegroeid en zie de buurt [veranderen|achteruitgaan].",
        "Sinds we in de {street} wonen, [stoort dit me|erger ik me hieraan].",
        "Ik ben [verpleegster|leerkracht|bakker|student] en woon [hier vlakbij|om de hoek].",
    ),
    closers=(
        "Alvast bedankt.",
        "Met vriendelijke groeten.",
        "Hopelijk wordt hier iets mee gedaan.",
        "Groetjes.",
        "Bedankt om het te vragen.",
        "Dank u om te luisteren.",
    ),
    asides=(
        "Ik stuurde dit eerder al, maar voor de zekerheid nog eens.",
        "Nogmaals mijn opmerking:",
        "Ik had dit ook al gemeld via de website.",
    ),
    off_topic=(
        "test",
        "Hallo, is dit het juiste nummer?",
        "Wanneer is het containerpark open op zaterdag?",
        "Koop nu goedkope zonnepanelen, bel ons snel!",
        "Mijn vuilniszak werd vorige week niet opgehaald.",
    ),
    short=("", "ok", "Goed idee!", "Ja", "👍"),
    abbreviations={"voor": "vr", "niet": "nt", "alstublieft": "aub", "het": "t", "een": "ne"},
    fillers=("euh", "ja", "dus", "allee"),
    years=("twintig", "vijftien", "dertig", "tien", "veertig"),
)
