"""The access matrix of the portal (issue 11, Security): every portal route, with alice's ids in the
address, for alice (the owner), bob (another candidate), a legal officer and an anonymous visitor.

Every view loads, then authorises: the owner gets the page; another candidate gets 404 for alice's
decision, case and document (never 403: their existence must not leak) and their own pages for the
lists; anyone who is not a candidate gets 404 (the portal is the candidates'), whatever their role,
the board member who sits on alice's selection board included; an anonymous visitor is sent to the
login page. A test keeps the matrix covering every route of the blueprint.
"""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from casework.auth.models import Role, User

from . import portal_world as w

WHO = ("owner", "other", "legal", "anonymous")
STAFF = (Role.HEAD_OF_UNIT, Role.EPSO_OFFICER, Role.BOARD_MEMBER, Role.APPOINTING_AUTHORITY, Role.ADMIN)
# route (with alice's ids) -> expected status for owner, other candidate, legal officer, anonymous
MATRIX = {
    "/portal/": (200, 200, 404, 302),
    "/portal/decisions": (200, 200, 404, 302),
    "/portal/decisions/{exclusion}": (200, 404, 404, 302),
    "/portal/file/review?decision={exclusion}": (200, 404, 404, 302),
    "/portal/file/complaint?decision={exclusion}": (200, 404, 404, 302),
    "/portal/file/access-documents": (200, 200, 404, 302),
    "/portal/file/neutralisation": (200, 200, 404, 302),
    "/portal/cases": (200, 200, 404, 302),
    "/portal/cases/{alice_case}": (200, 404, 404, 302),
    "/portal/documents/{alice_document}": (200, 404, 404, 302),
    "/portal/documents/{alice_reply_document}": (200, 404, 404, 302),
}
# the endpoint each route exercises (the coverage test below)
ENDPOINTS = {"portal.index", "portal.decisions", "portal.decision", "portal.file", "portal.cases", "portal.case",
             "portal.document"}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    from datetime import UTC, datetime

    from casework import clock
    from tests.conftest import fresh_database
    with clock.use_clock(clock.FrozenClock(datetime(2022, 3, 1, 12, tzinfo=UTC))) as frozen, \
            fresh_database("sqlite", tmp_path_factory.mktemp("access")) as db:
        world = w.build(db, frozen)
        world.app = w.app_for(db)
        with db.session_scope() as session:      # the world's board member sits on alice's board
            world.staff = {role: session.scalar(select(User.id).where(User.role == role)) or w._user(session, role).id
                           for role in STAFF}
        yield world


def client_for(world, who: str):
    client = world.app.test_client()
    w.login(client, {"owner": world.alice, "other": world.bob, "legal": world.legal, "anonymous": None}[who])
    return client


@pytest.mark.parametrize("route", MATRIX)
@pytest.mark.parametrize("who", WHO)
def test_the_access_matrix(world, route, who):
    url = route.format(**vars(world))
    response = client_for(world, who).get(url)
    expected = MATRIX[route][WHO.index(who)]
    assert response.status_code == expected, (who, url)
    if expected == 302:
        assert "/login" in response.headers["Location"]
    if expected == 404:
        body = response.get_data(as_text=True)
        for secret in (w.GROUNDS, w.REPLY, "diploma.pdf"):
            assert secret not in body


@pytest.mark.parametrize("route", MATRIX)
@pytest.mark.parametrize("role", STAFF, ids=lambda role: role.value)
def test_no_other_role_sees_anything_of_the_portal(world, route, role):
    client = world.app.test_client()
    w.login(client, world.staff[role])
    response = client.get(route.format(**vars(world)))
    assert response.status_code == 404, (role, route)
    body = response.get_data(as_text=True)
    for secret in (w.GROUNDS, w.REPLY, "diploma.pdf"):
        assert secret not in body


@pytest.mark.parametrize("who", ("other", "legal"))
def test_alices_case_is_as_unknown_as_a_case_that_does_not_exist(world, who):
    """The same page, byte for byte but the address, as for a reference no case has."""
    client = client_for(world, who)
    missing = world.alice_case[:-6] + "999999"
    seen = client.get(f"/portal/cases/{world.alice_case}").get_data(as_text=True)
    unknown = client.get(f"/portal/cases/{missing}").get_data(as_text=True)
    token = re.compile(r'name="csrf_token" value="[^"]*"')       # signed with the time: differs by the second
    assert token.sub("", seen.replace(world.alice_case, missing)) == token.sub("", unknown)


@pytest.mark.parametrize("who", ("other", "legal"))
def test_posting_a_filing_about_alices_decision_files_nothing(world, who):
    client = client_for(world, who)
    response = client.post(f"/portal/file/review?decision={world.exclusion}",
                           data={"decision": str(world.exclusion), "detail_grounds": "x"})
    assert response.status_code == 404


def test_anonymous_posting_is_sent_to_log_in(world):
    response = client_for(world, "anonymous").post("/portal/file/review", data={"detail_grounds": "x"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_matrix_covers_every_portal_route(world):
    endpoints = {rule.endpoint for rule in world.app.url_map.iter_rules() if rule.endpoint.startswith("portal.")}
    assert endpoints == ENDPOINTS, "a portal route is missing from MATRIX"
    with world.app.test_request_context():
        routed = {world.app.url_map.bind("localhost").match(route.format(**vars(world)).split("?")[0])[0]
                  for route in MATRIX}
    assert routed == ENDPOINTS
