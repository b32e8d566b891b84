"""Session cards: plans held in the URL, and the card and builder pages."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

from exercise_library.sessions import MAX_ITEMS, SessionPlan

from .test_views import soup


def plan(**args) -> SessionPlan:
    return SessionPlan.from_args(MultiDict(args))


def test_items_are_read_in_number_order_and_renumbered():
    read = plan(e3="box-step", rx3="3x8", e1="hinge-basic", e9="Not A Slug")
    assert [i.slug for i in read.items] == ["hinge-basic", "box-step"]
    assert read.to_args() == {"e1": "hinge-basic", "e2": "box-step", "rx2": "3 x 8"}


def test_operations_add_move_and_remove():
    start = plan(e1="a", e2="b", e3="c")
    assert [i.slug for i in start.apply("add:d").items] == ["a", "b", "c", "d"]
    assert [i.slug for i in start.apply("up:2").items] == ["b", "a", "c"]
    assert [i.slug for i in start.apply("down:3").items] == ["a", "b", "c"]
    assert [i.slug for i in start.apply("remove:1").items] == ["b", "c"]
    assert start.apply("remove:99") == start and start.apply("explode:1") == start


def test_a_plan_is_capped():
    many = plan(**{f"e{n}": "hinge-basic" for n in range(1, 40)})
    assert len(many.items) == MAX_ITEMS
    assert len(many.apply("add:box-step").items) == MAX_ITEMS


def test_card_lists_items_in_order_with_prescriptions(client):
    page = soup(
        client.get(
            "/session?title=Tue&e1=box-step&rx1=4+x+6&tempo1=3-1-1&e2=hinge-basic&note2=Slow"
        )
    )
    assert page.h1.get_text() == "Tue"
    items = page.select(".card-item")
    assert [i.h2.get_text() for i in items] == ["Box step", "Hinge basic"]
    assert items[0].h2.a["href"] == "/exercises/box-step?rx=4+x+6&tempo=3-1-1"
    assert "4 x 6 per leg" in items[0].select_one(".card-rx").get_text()
    assert items[1].select_one(".card-note").get_text() == "Slow"


def test_card_qr_code_points_at_the_card(client):
    page = soup(client.get("/session?e1=box-step"))
    assert page.select_one(".card-qr svg")["aria-label"] == "QR code for this session card"
    assert page.find("link", rel="canonical")["href"] == "http://localhost/session?e1=box-step"


def test_card_follows_renamed_exercises_and_drops_unknown_ones(client):
    response = client.get("/session?e1=old-hinge&e2=no-such-thing&e3=box-step")
    assert response.headers["Location"] == "/session?e1=hinge-basic&e2=box-step"


def test_empty_card_offers_the_builder(client):
    page = soup(client.get("/session"))
    assert page.select_one(".empty a")["href"] == "/session/new"


def test_builder_action_redirects_to_the_plan_without_the_action(client):
    response = client.get("/session/new?e1=hinge-basic&op=add:box-step")
    assert response.headers["Location"] == "/session/new?e1=hinge-basic&e2=box-step"


def test_builder_htmx_action_returns_the_fragment_and_pushes_the_plan(client):
    response = client.get(
        "/session/new?e1=hinge-basic&op=up:1&phase=beginner", headers={"HX-Request": "true"}
    )
    assert soup(response).find("html") is None
    assert response.headers["HX-Push-Url"] == "/session/new?e1=hinge-basic&phase=beginner"


def test_open_card_goes_to_the_card(client):
    assert (
        client.get("/session/new?e1=hinge-basic&rx1=3x8&op=open").headers["Location"]
        == "/session?e1=hinge-basic&rx1=3+x+8"
    )
    htmx = client.get("/session/new?e1=hinge-basic&op=open", headers={"HX-Request": "true"})
    assert htmx.headers["HX-Redirect"] == "/session?e1=hinge-basic"


def test_builder_picker_uses_the_library_filters(client):
    page = soup(client.get("/session/new?phase=advanced"))
    assert [b["value"] for b in page.select(".pick-list button")] == ["add:loaded-hinge"]


def test_exercise_page_offers_a_session_card(client):
    page = soup(client.get("/exercises/box-step"))
    assert page.find("a", string="Add to a session card")["href"] == "/session/new?e1=box-step"
