"""Words that come up in municipal consultations, in Dutch | French | English, per concept.

A resident writing "arbres" and one writing "bomen" mean the same thing; mapping both to one
concept lets contributions on the same topic meet across languages. Words outside this list
still count, within their own language.
"""

from __future__ import annotations

# concept: Dutch words | French words | English words (forms as residents write them);
# an indented line goes on with the line above.
CONCEPTS = """
boom: boom bomen boompje lindes linde lindebomen | arbre arbres tilleul tilleuls | tree trees
schaduw: schaduw schaduwrijk | ombre ombragé ombragée | shade shadow shady
groen: groen groene groenzone | verdure vert verte verts | greenery green
park: park parken stadspark | parc parcs | park parks
bloem: bloem bloemen | fleur fleurs | flower flowers
struik: struik struiken haag | arbuste arbustes haie | shrub shrubs bush bushes hedge
bos: bos bossen | bois forêt | wood woods forest
hitte: hitte heet heter hittegolf | chaleur chaud chaude chauds | heat hot hotter heatwave
zomer: zomer zomers | été étés | summer summers
water: water | eau | water
afval: afval zwerfvuil vuilnis vuilbak vuilbakken | déchets poubelle poubelles ordures | litter
    rubbish waste bin bins
hond: hond honden hondenpoep | chien chiens | dog dogs
fiets: fiets fietsen fietser fietsers fietspad fietspaden fietsstraat fietsenstalling | vélo
    vélos cycliste cyclistes cyclable cyclables | bike bikes bicycle bicycles cycle cycling
    cyclist cyclists
voetpad: voetpad voetpaden stoep | trottoir trottoirs | pavement sidewalk footpath
voetganger: voetganger voetgangers | piéton piétons | pedestrian pedestrians
auto: auto auto's wagen wagens | voiture voitures | car cars
verkeer: verkeer | circulation trafic | traffic
snelheid: snelheid | vitesse | speed speeding
gevaarlijk: gevaarlijk gevaarlijke onveilig levensgevaarlijk | dangereux dangereuse dangereuses
    danger | dangerous unsafe danger
veilig: veilig veilige veiligheid | sécurité sécurisé sûr sûre | safe safety
kruispunt: kruispunt kruispunten oversteekplaats zebrapad | carrefour carrefours | crossing
    crossroads junction
bus: bus bussen bushalte | bus autobus | bus buses
station: station | gare | station
school: school scholen | école écoles | school schools
vrachtwagen: vrachtwagen vrachtwagens | camion camions | lorry lorries truck trucks
brommer: brommer brommers scooter scooters motor motoren | scooter scooters moto motos | scooter
    scooters motorbike motorbikes motorcycles
parkeren: parkeren parkeerplaats parkeerplaatsen parking parkings foutparkeerders geparkeerd |
    parking parkings stationnement stationner garer garées garés | parking parked
bewoner: bewoner bewoners | habitant habitants riverain riverains | resident residents
speeltuin: speeltuin speeltuinen speelplein speelpleinen speelplek | jeux | playground
    playgrounds
schommel: schommel schommels | balançoire balançoires | swing swings
glijbaan: glijbaan glijbanen | toboggan toboggans | slide slides
zandbak: zandbak | sable | sandpit sandbox
kind: kind kinderen kleinkinderen kindjes | enfant enfants petits-enfants | child children kids
    kid grandchildren
peuter: peuter peuters kleuters | bambins | toddler toddlers
jongeren: jongeren jongere tieners tiener jeugd | jeunes adolescents ados | teenagers youngsters
    youth
spelen: spelen ravotten | jouer | play playing
sport: sport voetbal pannakooi skatepark | sport foot football skatepark | sport football skate
lawaai: lawaai herrie geluid geluidsoverlast nachtlawaai | bruit bruits tapage | noise noisy
    loud
nacht: nacht nachts middernacht | nuit nuits nocturne minuit | night nights midnight
avond: avond avonds | soir soirée | evening
slapen: slapen slaap wakker | dormir sommeil réveille réveillés | sleep awake wakes
muziek: muziek | musique | music
stilte: stil stilte | calme silence tranquille | quiet silence peace
cafe: café cafés terras terrassen | café cafés bar bars terrasse terrasses | bar bars pub pubs
    terrace terraces
bank: bank bankjes banken zitbank zitbanken | banc bancs | bench benches
toilet: toilet toiletten wc | toilette toilettes wc | toilet toilets
ouderen: ouderen oudere senioren bejaarden gepensioneerde zeventiger | aînés âgées âgés seniors
    retraité retraités | elderly seniors pensioner pensioners older
rolstoel: rolstoel rolstoelen rollator | fauteuil roulant déambulateur | wheelchair wheelchairs
    walker
mindervalide: mindervaliden mindervalide gehandicapten | handicapés handicapé handicapées |
    disabled
toegankelijk: toegankelijk toegankelijke | accessible accessibles | accessible
rusten: rusten rustplek rustplaats | repos reposer | rest resting
wandelen: wandelen wandeling wandelpad | promener promenade | walk walks walking
openbaar: openbaar openbare | public publique publiques publics | public
verlichting: verlichting verlicht lantaarnpaal | éclairage éclairée éclairé lumière | lighting
    lit streetlight streetlights
straat: straat straten | rue rues | street streets
buurt: buurt wijk | quartier | neighbourhood neighborhood
centrum: centrum | centre | centre center
markt: markt | marché | market
plein: plein pleinen | | square
huis: huis huizen woning woningen | maison maisons logement | house houses housing
winkel: winkel winkels | magasin magasins commerce commerces | shop shops
bibliotheek: bibliotheek bib | bibliothèque | library
zwembad: zwembad | piscine | swimming pool
overstroming: wateroverlast overstroming | inondation inondations | flooding flood floods
proper: proper propere | propre propres | clean
vuil: vuil vuile | sale sales | dirty
controle: controle controles controleer controleren handhaving | contrôle contrôles contrôler
    contrôlez | enforce enforcement
duur: duur betalend | cher chère payant | expensive paid
gratis: gratis | gratuit gratuite | free
"""
LANGUAGES = ("nl", "fr", "en")


def _parse(table: str) -> dict[str, dict[str, str]]:
    words: dict[str, dict[str, str]] = {language: {} for language in LANGUAGES}
    for line in table.replace("\n    ", " ").strip().splitlines():
        concept, _, forms = line.partition(":")
        for language, part in zip(LANGUAGES, forms.split("|"), strict=True):
            for word in part.split():
                words[language][word] = concept.strip()
    return words


# Language → written form → concept.
WORDS = _parse(CONCEPTS)
