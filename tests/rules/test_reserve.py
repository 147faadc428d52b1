from hypothesis import given, settings
from hypothesis import strategies as st

from casework.competitions.rules import ListedPerson, document_check, name_sort_key, publication_order


def test_c11_documents_checked_in_score_order_until_places_filled():
    scores = {"a": 170, "b": 160, "c": 150, "d": 140, "e": 130}
    ok = {"a": True, "b": False, "c": True, "d": True, "e": True}
    r = document_check(scores, places=3, documents_ok=ok)
    assert r.checked == ("a", "b", "c", "d")
    assert r.excluded == ("b",)
    assert r.listed == ("a", "c", "d")
    assert r.not_checked == ("e",)
    assert r.complete


def test_c11_files_below_filling_point_are_never_looked_at():
    asked = []

    def verdict(cid):
        asked.append(cid)
        return True

    r = document_check({"a": 3, "b": 2, "c": 1}, places=1, documents_ok=verdict)
    assert asked == ["a"]
    assert r.not_checked == ("b", "c")


def test_c12_ties_at_last_place_all_go_on_the_list():
    scores = {"a": 150, "b": 120, "c": 120, "d": 120, "e": 100}
    r = document_check(scores, places=2, documents_ok=lambda c: True)
    assert r.listed == ("a", "b", "c", "d")
    assert r.not_checked == ("e",)


def test_c12_tied_candidate_with_bad_documents_excluded_others_listed():
    scores = {"a": 150, "b": 120, "c": 120}
    r = document_check(scores, places=2, documents_ok={"a": True, "b": False, "c": True})
    assert r.listed == ("a", "c")
    assert r.excluded == ("b",)


def test_c12_r3_reinstated_on_list_beyond_places():
    scores = {"a": 150, "b": 140, "x": 90}
    r = document_check(scores, places=2, documents_ok=lambda c: True, reinstated={"x"})
    assert r.listed == ("a", "b", "x")
    assert r.reinstated_beyond == ("x",)
    assert len(r.listed) == 3  # one more than the places


def test_c12_reinstated_with_unsupported_documents_excluded():
    r = document_check({"a": 150, "x": 90}, places=1, documents_ok={"a": True, "x": False}, reinstated={"x"})
    assert r.listed == ("a",)
    assert r.excluded == ("x",)


def test_c11_missing_verdict_makes_result_pending_and_stops():
    scores = {"a": 5, "b": 4, "c": 3}
    r = document_check(scores, places=2, documents_ok={"a": True})
    assert not r.complete
    assert r.pending == ("b",)
    assert r.listed == ("a",)
    assert r.not_checked == ("c",)


def test_c12_publication_alphabetical_accent_aware_and_opt_out_withheld():
    people = [
        ListedPerson(1, "Müller", "Anna"),
        ListedPerson(2, "Muller", "Zoé"),
        ListedPerson(3, "Østergaard", "Ida"),
        ListedPerson(4, "Oliveira", "João"),
        ListedPerson(5, "Ábrahám", "Péter"),
        ListedPerson(6, "Zammit", "Maria", publish=False),
        ListedPerson(7, "Παπαδόπουλος", "Νίκος"),
        ListedPerson(8, "Иванов", "Иван"),
        ListedPerson(9, "Łukasik", "Ewa"),
        ListedPerson(10, "Lund", "Ole"),
    ]
    lines = publication_order(people)
    assert [l.name for l in lines] == [
        "Ábrahám Péter",
        "Łukasik Ewa",
        "Lund Ole",
        "Müller Anna",  # accents ignored first: Muller Anna < Muller Zoe
        "Muller Zoé",
        "Oliveira João",
        "Østergaard Ida",  # ø sorts as o
        "Παπαδόπουλος Νίκος",
        "Иванов Иван",
        None,  # opted out: on the list, name withheld, placed last
    ]
    assert lines[-1].candidate_id == 6
    assert len(lines) == len(people)


def test_c12_sort_key_is_normalisation_independent():
    composed = "Pérez"
    decomposed = "Pe\u0301rez"
    assert name_sort_key(composed)[0] == name_sort_key(decomposed)[0] == "perez"
    assert name_sort_key("ΣΟΦΟΣ")[0] == name_sort_key("σοφος")[0]


@settings(max_examples=80)
@given(
    st.dictionaries(st.integers(0, 40), st.integers(0, 6), max_size=20),
    st.integers(0, 10),
    st.data(),
)
def test_c12_property_list_matches_oracle(scores, places, data):
    ok = {c: data.draw(st.booleans()) for c in scores}
    r = document_check(scores, places, ok)
    listed = set(r.listed)
    # Oracle: walk score levels from the top, stop once places are filled after a full level.
    expected, filled = set(), 0
    for level in sorted(set(scores.values()), reverse=True):
        if filled >= places:
            break
        good = {c for c, s in scores.items() if s == level and ok[c]}
        expected |= good
        filled += len(good)
    assert listed == expected
    assert all(ok[c] for c in listed)
    # Every listed candidate scores >= every checked-and-fine candidate left off (none) and >= all unchecked.
    for c in listed:
        assert all(scores[c] > scores[u] for u in r.not_checked)
    assert len(listed) >= min(places, sum(ok.values()))
    assert set(r.checked) | set(r.not_checked) == set(scores)
