"""Staff shape the themes the machine found: compute, rename, confirm, merge, split, move."""

from __future__ import annotations

import re
from collections.abc import Callable

from flask.testing import FlaskClient
from sqlalchemy import func, select

from intake.jobs.worker import Worker
from intake.models import AuditEvent, Contribution, ContributionTheme, ReviewState, Theme
from intake.runtime import Runtime
from tests.admin.conftest import demo_id, post

TOPICS = {
    "bomen": [
        "Plant meer bomen in het park voor schaduw in de zomer",
        "Er zijn te weinig bomen, de zon brandt op het speelplein zonder schaduw",
        "Graag grote bomen langs de vijver, schaduw voor iedereen",
        "Bomen geven schaduw en koelte, plant er meer",
        "De oude bomen moeten blijven staan, ze geven zoveel schaduw",
        "Meer bomen en groen in plaats van beton, voor de schaduw",
        "schaduw van bomen mis ik in het park",
        "Zet bomen bij de bankjes zodat er schaduw is",
    ],
    "parkeren": [
        "Er is geen parkeerplaats meer bij de markt, parkeren is onmogelijk",
        "Te veel auto's parkeren op het voetpad bij de school",
        "Een parking aan de rand van het dorp zou het parkeren oplossen",
        "Parkeren voor bewoners is te duur geworden",
        "Bezoekers vinden nooit een parkeerplaats, parkeren moet beter",
        "parkeren in onze straat is een ramp door de nieuwe parking regels",
        "Meer parkeerplaatsen voor mensen met een handicap bij het parkeren",
        "Gratis parkeren op zondag bij de markt",
    ],
    "lawaai": [
        "Het lawaai van de café's 's nachts houdt ons wakker",
        "Veel nachtlawaai van scooters, we kunnen niet slapen",
        "Lawaai in de nacht na de fuiven is onhoudbaar",
        "Graag controle op lawaai 's nachts in het centrum",
        "Het lawaai van de vrachtwagens 's nachts is te veel",
        "lawaai tot drie uur 's nachts elk weekend",
        "Door het lawaai slapen de kinderen slecht in de nacht",
        "Minder lawaai 's nachts alstublieft",
    ],
}


def _plant(contribute: Callable[..., int]) -> dict[str, list[int]]:
    channels = ("web", "sms", "voice", "paper")
    return {
        topic: [
            contribute(text, channel=channels[i % len(channels)]) for i, text in enumerate(texts)
        ]
        for topic, texts in TOPICS.items()
    }


def _compute(client: FlaskClient, runtime: Runtime) -> None:
    consultation = demo_id(runtime)
    page = f"/admin/themes?consultation={consultation}"
    response = post(client, "/admin/themes/compute", {"consultation_id": consultation}, page)
    assert response.status_code == 302
    assert "berekend" in client.get(response.location).get_data(as_text=True)
    Worker(runtime).run(until_idle=True)


def _themes(runtime: Runtime) -> dict[int, set[int]]:
    with runtime.db.session() as session:
        members: dict[int, set[int]] = {}
        for contribution_id, theme_id in session.execute(
            select(ContributionTheme.contribution_id, ContributionTheme.theme_id)
        ):
            members.setdefault(theme_id, set()).add(contribution_id)
        return members


def test_computed_themes_follow_the_topics_and_show_their_words(
    signed_in: Callable[[str], FlaskClient], contribute: Callable[..., int], runtime: Runtime
) -> None:
    planted = _plant(contribute)
    client = signed_in("moderator")
    _compute(client, runtime)
    themes = _themes(runtime)
    for topic, ids in planted.items():
        # Every planted topic has a theme holding most of it, and nothing from the others.
        best = max(themes.values(), key=lambda members: len(members & set(ids)))
        assert len(best & set(ids)) >= 6, topic
        assert len(best - set(ids)) <= 1, topic
    html = client.get(f"/admin/themes?consultation={demo_id(runtime)}").get_data(as_text=True)
    for word in ("bomen", "parkeren", "lawaai"):
        assert word in html


def test_staff_name_confirm_merge_and_split_themes(
    signed_in: Callable[[str], FlaskClient], contribute: Callable[..., int], runtime: Runtime
) -> None:
    planted = _plant(contribute)
    client = signed_in("moderator")
    _compute(client, runtime)
    themes = _themes(runtime)
    trees = max(themes, key=lambda t: len(themes[t] & set(planted["bomen"])))
    noise = max(themes, key=lambda t: len(themes[t] & set(planted["lawaai"])))
    page = f"/admin/themes/{trees}"
    post(client, f"{page}/labels", {"label_nl": "Bomen en schaduw", "label_fr": "Arbres"}, page)
    post(client, f"{page}/status", {"status": "confirmed"}, page)
    html = client.get(page).get_data(as_text=True)
    assert "Bomen en schaduw" in html and "staat op de openbare resultatenpagina" in html
    assert "Arbres" in client.get(f"{page}?lang=fr").get_data(as_text=True)

    listing = f"/admin/themes?consultation={demo_id(runtime)}"
    before = themes[trees] | themes[noise]
    post(client, "/admin/themes/merge", {"theme_ids": [noise], "into": trees}, listing)
    assert _themes(runtime)[trees] == before
    with runtime.db.session() as session:
        assert session.get(Theme, noise) is None

    response = post(client, f"{page}/split", {"parts": "2"}, page)
    assert response.status_code == 302
    after = _themes(runtime)
    assert trees not in after
    halves = [members for members in after.values() if members & before]
    assert len(halves) == 2 and set().union(*halves) == before
    with runtime.db.session() as session:
        actions = set(session.scalars(select(AuditEvent.action)))
    assert {"theme.rename", "theme.status", "theme.merge", "theme.split"} <= actions


def test_a_contribution_moved_by_hand_stays_on_recompute(
    signed_in: Callable[[str], FlaskClient], contribute: Callable[..., int], runtime: Runtime
) -> None:
    planted = _plant(contribute)
    client = signed_in("moderator")
    _compute(client, runtime)
    themes = _themes(runtime)
    parking = max(themes, key=lambda t: len(themes[t] & set(planted["parkeren"])))
    tree_text = planted["bomen"][0]
    page = f"/admin/c/{tree_text}"
    post(client, f"{page}/theme", {"theme_id": parking}, page)
    _compute(client, runtime)
    assert tree_text in _themes(runtime)[parking]
    html = client.get(f"/admin/themes/{parking}").get_data(as_text=True)
    row = re.search(rf"/admin/c/{tree_text}\".*?</tr>", html, re.S)
    assert row and "medewerker" in row.group(0)


def test_the_contribution_page_shows_similar_ones_to_link_or_mark_duplicate(
    signed_in: Callable[[str], FlaskClient], contribute: Callable[..., int], runtime: Runtime
) -> None:
    _plant(contribute)
    paper = contribute(
        "Graag meer bomen in het park, want er is nergens schaduw voor de oudere mensen",
        channel="paper",
        author_name="Maria Peeters",
        postcode="9000",
    )
    phoned = contribute(
        "graag meer bomen in het park want er is nergens schaduw voor oudere mensen",
        channel="voice",
        author_name="Maria Peeters",
        postcode="9000",
    )
    client = signed_in("moderator")
    page = f"/admin/c/{phoned}"
    html = client.get(page).get_data(as_text=True)
    similar = html.split("Gelijkaardige bijdragen")[1]
    assert f"/admin/c/{paper}" in similar.split("</div>")[0]
    assert "mogelijk dezelfde persoon" in similar
    post(client, f"{page}/link", {"other_id": paper}, page)
    linked = client.get(f"/admin/c/{paper}").get_data(as_text=True).split("Gekoppelde")[1]
    assert f"/admin/c/{phoned}" in linked
    post(client, f"{page}/unlink", {"other_id": paper}, page)
    linked = client.get(page).get_data(as_text=True).split("Gekoppelde")[1]
    assert f"/admin/c/{paper}" not in linked
    # "Mark as duplicate" names the similar one as the original.
    form = re.search(r'name="duplicate_of" value="([^"]+)"', html)
    assert form
    post(client, f"{page}/status", {"status": "duplicate", "duplicate_of": form.group(1)}, page)
    with runtime.db.session() as session:
        state = session.get(ReviewState, phoned)
        assert state is not None and state.duplicate_of_id == paper
        stored = session.get(Contribution, phoned)
        assert stored is not None and stored.status == "duplicate"


def test_viewers_see_themes_but_cannot_change_them(
    signed_in: Callable[[str], FlaskClient], contribute: Callable[..., int], runtime: Runtime
) -> None:
    _plant(contribute)
    _compute(signed_in("moderator"), runtime)
    viewer = signed_in("viewer")
    listing = f"/admin/themes?consultation={demo_id(runtime)}"
    html = viewer.get(listing).get_data(as_text=True)
    assert "bomen" in html and "Samenvoegen" not in html
    with runtime.db.session() as session:
        theme = session.scalars(select(Theme.id)).first()
        count = session.scalar(select(func.count()).select_from(Theme))
    response = post(viewer, f"/admin/themes/{theme}/status", {"status": "confirmed"}, listing)
    assert response.status_code == 403
    response = post(viewer, "/admin/themes/compute", {"consultation_id": 1}, listing)
    assert response.status_code == 403
    with runtime.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Theme)) == count
