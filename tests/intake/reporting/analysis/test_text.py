"""What the analysis reads in a text: telling words, the same across spelling and language."""

from __future__ import annotations

from intake.reporting.analysis.text import analyse, analyse_with_surfaces


def test_stop_words_numbers_and_single_letters_say_nothing() -> None:
    assert analyse("Ik vind dat er 12 x meer van moet zijn, en nu!", "nl") == []
    assert analyse("Il y a 3 fois plus, c'est tout.", "fr") == []
    assert analyse("It is what it is, 24/7.", "en") == []


def test_forms_of_a_word_count_as_one() -> None:
    assert analyse("pendelaars", "nl") == analyse("pendelaar", "nl")
    assert analyse("Les carrefours", "fr") == analyse("le carrefour", "fr")
    assert analyse("potholes", "en") == analyse("pothole", "en")


def test_accents_and_capitals_do_not_matter() -> None:
    assert analyse("VELO", "fr") == analyse("vélo", "fr")
    assert analyse("Fraîcheur", "fr") == analyse("fraicheur", "fr")


def test_the_same_thing_in_dutch_french_and_english_meets() -> None:
    assert analyse("bomen", "nl") == analyse("des arbres", "fr") == analyse("trees", "en")
    assert analyse("zitbanken", "nl") == analyse("bancs", "fr") == analyse("benches", "en")
    # Dutch compounds are known by their last part; French elisions are split off.
    assert analyse("nachtlawaai", "nl") == analyse("le bruit", "fr")
    assert analyse("l'arbre", "fr") == analyse("tree", "en")


def test_words_stop_lists_would_drop_keep_their_topic() -> None:
    # Dutch "kind" is a child, not the English stop word; "older" people are a topic.
    assert analyse("het kind", "nl") == analyse("enfants", "fr")
    assert analyse("older residents", "en") != analyse("residents", "en")


def test_people_see_the_words_they_wrote() -> None:
    pairs = analyse_with_surfaces("De bomen in het Stadspark, l'arbre", "nl")
    assert [word for _, word in pairs] == ["bomen", "stadspark", "arbre"]
