"""French phrases for the planted corpus: the same six topics, as French speakers put them.

`[a|b]` picks one of its parts, `{street}` and the like are filled per text.
"""

from __future__ import annotations

from tests.support.corpus.compose import Phrases

FRENCH = Phrases(
    topics={
        "trees": (
            "Il faut plus d'arbres dans {park}, [en été|en juillet] il n'y a [aucune|pas "
            "d'] ombre.",
            "Les [vieux|beaux|grands] arbres de la {street} ne doivent pas être [abattus|coupés].",
            "Plantez des arbres autour de {square}, il y fait [beaucoup trop|trop] chaud en été.",
            "Sans ombre, {park} est [inutilisable|un four] en juillet; de grands arbres "
            "[aideraient|changeraient tout].",
            "Je voudrais plus de verdure: des arbres, des [arbustes|haies] et [un petit bois|des "
            "fleurs].",
            "Pourquoi a-t-on [coupé|abattu] les tilleuls de la {street} ? Replantez des arbres.",
            "Les arbres donnent de l'ombre et de la fraîcheur, les étés sont [plus chauds|de "
            "plus en plus chauds].",
            "Gardez les arbres de {park} et faites-en un [vrai|beau] parc vert.",
        ),
        "cycling": (
            "La piste cyclable de la {street} est [trop|bien trop] étroite et [dangereuse|mal "
            "entretenue].",
            "Mes enfants vont à l'école à vélo, mais le carrefour de {square} est [dangereux|"
            "très dangereux].",
            "Il faut une piste cyclable [séparée|protégée] pour que les cyclistes évitent les "
            "voitures.",
            "Les voitures roulent [trop vite|beaucoup trop vite] à côté de la piste cyclable.",
            "Les [trous|fissures] dans la piste cyclable de la {street} sont dangereux pour les "
            "cyclistes.",
            "Je vais [tous les jours|chaque matin] à [la gare|mon travail] à vélo et je ne me "
            "sens jamais en sécurité.",
            "Une piste cyclable éclairée, s'il vous plaît, [le soir|en hiver] il fait noir.",
            "Un [abri vélo|range-vélos] à {square} et de meilleures pistes cyclables, voilà ma "
            "demande.",
        ),
        "parking": (
            "Il n'y a pas assez de parking près de {square}; je ne trouve [jamais|rarement] de "
            "place.",
            "Les habitants de la {street} ne trouvent plus de place pour se garer [le soir|après "
            "le travail].",
            "Une carte de riverain nous permettrait de stationner [devant chez nous|dans notre "
            "rue].",
            "Le parking de {square} est rempli par les voitures des [navetteurs|visiteurs].",
            "Des voitures mal garées bloquent le trottoir dans la {street}.",
            "Le stationnement payant au centre est trop cher pour les habitants.",
            "Un parking souterrain libérerait [beaucoup|pas mal] de place dans la rue.",
            "Les places de parking pour handicapés sont [toujours|souvent] occupées par d'autres "
            "voitures.",
        ),
        "playground": (
            "Il n'y a pas de plaine de jeux dans notre quartier; les enfants jouent dans la rue.",
            "La plaine de jeux de {park} est [vétuste|délabrée]: les balançoires sont cassées.",
            "Une aire de jeux avec balançoires, bac à sable et toboggan pour [les petits "
            "enfants|les tout-petits].",
            "Pour les adolescents il n'y a rien: un terrain de foot ou un skatepark serait "
            "[bien|génial].",
            "Mettez une clôture autour de l'aire de jeux pour protéger les [petits enfants|"
            "bambins].",
            "Nos enfants ont besoin d'un endroit sûr pour jouer.",
            "Mes petits-enfants demandent [toujours|sans cesse] une plaine de jeux près de la "
            "{street}.",
            "Une aire de jeux nature avec des troncs et de l'eau rendrait les enfants heureux.",
        ),
        "noise": (
            "La nuit, il y a trop de bruit à {square}, je ne peux pas dormir.",
            "Des jeunes traînent dans {park} [tard dans la nuit|après minuit] avec de la musique "
            "forte.",
            "Le bruit des cafés de {square} réveille [toute la rue|tout le quartier].",
            "Des camions passent la nuit dans la {street} et font [beaucoup de|énormément de] "
            "bruit.",
            "Plus de contrôles contre le tapage nocturne et une heure de fermeture des terrasses.",
            "Après minuit, la {street} n'est jamais calme; le bruit nous réveille.",
            "Le bruit des scooters et des motos la nuit est [insupportable|infernal].",
            "Nous voulons du calme et du silence dans le quartier, surtout la nuit.",
        ),
        "seniors": (
            "Il n'y a pas assez de bancs dans {park}; pour les personnes âgées c'est un "
            "[problème|obstacle].",
            "À mon âge je dois pouvoir me reposer: mettez plus de bancs dans la {street}.",
            "Il n'y a aucune toilette publique au centre, c'est [difficile|pénible] pour les "
            "aînés.",
            "Des toilettes publiques [propres|bien entretenues] à {square}, accessibles avec un "
            "déambulateur.",
            "Ma [mère|voisine] ne se promène plus parce qu'il n'y a ni banc ni toilettes.",
            "Des bancs avec dossier et accoudoirs aideraient beaucoup les seniors.",
            "Pour les aînés en fauteuil roulant, les toilettes ne sont pas accessibles.",
            "Un coin de repos avec des bancs, je l'apprécierais beaucoup comme retraité.",
        ),
    },
    parks=("le Stadspark", "le parc du Moulin", "le parc près du canal", "le parc du château"),
    squares=("la place du village", "la Grand-Place", "la place de l'église", "la gare"),
    openers=("Bonjour,", "Madame, Monsieur,", "Bonjour à la commune,", "Salut,"),
    personal=(
        "J'habite depuis {years} ans dans la {street}.",
        "Je passe ici tous les jours avec [mon chien|la poussette].",
        "Nous habitons en famille tout près de {square}.",
        "Je travaille au centre et je passe [tous les jours|chaque semaine] par {square}.",
        "Mes voisins de la {street} sont du même avis.",
        "J'ai grandi ici et je vois le quartier changer.",
        "Je suis [infirmière|enseignant|boulanger|étudiante] et j'habite [tout près|au coin].",
    ),
    closers=(
        "Merci d'avance.",
        "Bien à vous.",
        "J'espère que vous en tiendrez compte.",
        "Cordialement.",
        "Merci de nous demander notre avis.",
    ),
    asides=(
        "Je l'ai déjà envoyé, mais je le renvoie par sécurité.",
        "Je répète ma remarque :",
        "J'avais aussi envoyé ceci par le site.",
    ),
    off_topic=(
        "test",
        "Bonjour, c'est bien le bon numéro ?",
        "Quand le recyparc est-il ouvert le samedi ?",
        "Mon sac poubelle n'a pas été ramassé la semaine passée.",
    ),
    short=("", "ok", "Merci", "Bonne idée !"),
    abbreviations={"pour": "pr", "beaucoup": "bcp", "vous": "vs", "quelque": "qq", "dans": "ds"},
    fillers=("euh", "bon", "voilà", "alors"),
    years=("vingt", "quinze", "trente", "dix", "quarante"),
)
