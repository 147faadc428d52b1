"""The public pages: competitions overview and published reserve lists (C12)."""
from __future__ import annotations

import pytest

from casework import create_app
from casework.competitions.models import Status
from casework.db import Database
from casework.migrate import upgrade
from tests.competitions import factories as f


@pytest.fixture
def site(tmp_path, frozen):
    """An app on its own SQLite file with one AD/398/22 field run to its reserve list."""
    db = Database("sqlite:///" + str(tmp_path / "web.sqlite"))
    upgrade(db.engine)
    with db.session_scope() as session:
        notice = f.publish(session, only_fields=("1",), places={"1": 2})
        people = [f.Person(surname=s, given_names="Ana", publish_name=s != "Hidden")
                  for s in ("Øberg", "Hidden", "Adams")]
        apps = [f.apply(session, notice, p) for p in people]
        f.after_deadline(frozen, notice)
        f.close(session, notice, "application", "eligibility")
        for a in apps:
            f.screener(session, a, 30)
        f.close(session, notice, "screener")
        for a in apps:
            f.assessment(session, a, competencies=60, interview=70)
            a.documents_supported = True
        f.close(session, notice, "assessment", "document-check", "reserve-list")
    app = create_app({"TESTING": True, "DATABASE": db})
    yield app.test_client()
    db.engine.dispose()


def test_index_lists_competitions_with_places_and_counts(site):
    page = site.get("/").get_data(as_text=True)
    assert "EPSO/AD/398/22" in page
    assert "<td>2</td><td>3</td>" in page          # 2 places, 3 applications


def test_c12_reserve_list_is_alphabetical_and_withholds_opted_out_names(site):
    page = site.get("/notices/EPSO/AD/398/22/reserve-lists").get_data(as_text=True)
    # all three tied at the last place (C12), names accent-insensitively alphabetical
    assert page.index("Adams Ana") < page.index("Øberg Ana")
    assert "Hidden" not in page
    assert "1 successful candidate asked not to be named." in page


def test_unknown_notice_is_404(site):
    assert site.get("/notices/EPSO/XX/1/reserve-lists").status_code == 404


def test_the_public_pages_use_the_sites_layout_and_speak_the_visitors_language(site):
    page = site.get("/?lang=fr").get_data(as_text=True)
    assert '<html lang="fr">' in page and '<main id="main"' in page and "<h1>Concours</h1>" in page
    assert "<td>2</td><td>3</td>" in page
    for status in Status:                          # the statuses in words, not their codes
        assert f'<th scope="col">{status.value}</th>' not in page
    assert '<th scope="col">Sur une liste de réserve</th>' in page and ">Listes de réserve</a>" in page
    page = site.get("/notices/EPSO/AD/398/22/reserve-lists?lang=de").get_data(as_text=True)
    assert '<html lang="de">' in page and "Reservelisten" in page
    assert "1 erfolgreiche Person hat gebeten, nicht genannt zu werden." in page
    assert page.index("Adams Ana") < page.index("Øberg Ana") and "Hidden" not in page
