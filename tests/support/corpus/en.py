"""English phrases for the planted corpus: the six topics as newcomers and expats write them.

`[a|b]` picks one of its parts, `{street}` and the like are filled per text.
"""

from __future__ import annotations

from tests.support.corpus.compose import Phrases

ENGLISH = Phrases(
    topics={
        "trees": (
            "We need more trees in {park}; in summer there is [no shade anywhere|hardly any "
            "shade].",
            "The [old|beautiful|tall] trees along {street} must not be cut down.",
            "Please plant extra trees around {square}, it gets [far too|unbearably] hot there in "
            "summer.",
            "Without shade {park} is [unusable|an oven] in July; big trees would help a lot.",
            "I miss greenery: more trees, [shrubs|hedges] and [a small wood|flowers] in the "
            "neighbourhood.",
            "Why were the lime trees on {street} [removed|cut down]? Plant [new|young] trees "
            "instead.",
            "Trees give shade and cool air, and we need that now summers are getting hotter.",
            "Keep the trees in {park} and make it a [truly|proper] green park.",
        ),
        "cycling": (
            "The cycle path on {street} is far too narrow and [dangerous|unsafe].",
            "My [kids|son|daughter] cycle to school every day, but the crossing at {square} is "
            "dangerous.",
            "Build a [separated|protected] bike lane so cyclists don't have to ride between cars.",
            "Cars drive [too fast|far too fast] next to the bike lane; a cycle street would help.",
            "The [potholes|cracks] in the cycle path on {street} are dangerous for cyclists.",
            "I cycle to [the station|work] every day and never feel safe on my bike.",
            "Please light the cycle path, [in the evening|in winter] it is dark and unsafe.",
            "[Bike racks|Covered bike parking] at {square} and better cycle lanes, that is what "
            "I ask.",
        ),
        "parking": (
            "There is not enough parking near {square}; I can [never|rarely] find a space.",
            "Residents of {street} can no longer find a parking space [in the evening|after work].",
            "A residents' parking permit would let us park [in front of our own house|in our own "
            "street].",
            "The car park at {square} is full of [commuters'|visitors'] cars.",
            "Badly parked cars block the pavement on {street}; please check more often.",
            "Paid parking in the centre is too expensive for the people who live there.",
            "An underground car park would free up a lot of space on the street.",
            "Disabled parking spaces are [always|often] taken by other cars.",
        ),
        "playground": (
            "There is no playground in our neighbourhood; the children play in the street.",
            "The playground in {park} is [worn out|run down]: the swings are broken.",
            "Please build a playground with climbing frames, a sandpit and swings.",
            "There is nothing for teenagers: a football cage or a skate park would be [great|"
            "brilliant].",
            "Put a fence around the playground so toddlers cannot run into the street.",
            "Our children need a safe playground to play outside.",
            "My grandchildren [always|keep] ask for a playground close to {street}.",
            "A natural playground with logs and water would make the kids happy.",
        ),
        "noise": (
            "At night there is too much noise on {square}, I [cannot|can hardly] sleep.",
            "Youngsters hang around in {park} until [late at night|after midnight] with loud "
            "music.",
            "The noise from the bars on {square} keeps the whole [street|neighbourhood] awake.",
            "Lorries drive through {street} at night and make a lot of noise.",
            "Please enforce the rules on night-time noise and set a closing time for terraces.",
            "After midnight {street} is never quiet; the noise wakes us up.",
            "The noise of scooters and motorbikes at night is [unbearable|awful].",
            "We want peace and quiet in the neighbourhood, especially at night.",
        ),
        "seniors": (
            "There are too few benches in {park}; for elderly people that is a real problem.",
            "At my age I need to rest on the way: please put more benches along {street}.",
            "There is no public toilet in the centre, which is [hard|a problem] for elderly "
            "residents.",
            "Clean public toilets at {square}, accessible with a walker, please.",
            "My [mother|neighbour] no longer goes for walks because there is no bench and no "
            "toilet.",
            "Benches with a backrest and armrests would make a big difference for seniors.",
            "For elderly people in a wheelchair the public toilets are not accessible.",
            "A resting spot with benches would be much appreciated by a pensioner like me.",
        ),
    },
    parks=("the Stadspark", "the Molenpark", "the park by the canal", "the castle park"),
    squares=("the village square", "the Markt", "the church square", "the station square"),
    openers=("Hello,", "Dear council,", "Hi,", "Good morning,"),
    personal=(
        "I have lived on {street} for {years} years.",
        "I walk [my dog|the pram] here every day.",
        "We live with our family right next to {square}.",
        "I work in the centre and pass {square} every day.",
        "My neighbours on {street} feel the same.",
        "We moved here from [abroad|Ireland|Canada] and love the town.",
        "I am a [nurse|teacher|baker|student] and live [nearby|round the corner].",
    ),
    closers=("Thanks in advance.", "Kind regards.", "I hope this helps.", "Cheers."),
    asides=(
        "I sent this before, but here it is again to be sure.",
        "Repeating my comment:",
        "I also sent this through the website.",
    ),
    off_topic=(
        "test",
        "Hello, is this the right number?",
        "When is the recycling centre open on Saturday?",
    ),
    short=("", "ok", "Thanks"),
    abbreviations={"you": "u", "please": "pls", "for": "4", "are": "r", "to": "2"},
    fillers=("uh", "um", "so", "yeah"),
    years=("twenty", "fifteen", "thirty", "ten", "forty"),
)
