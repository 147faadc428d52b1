"""Official holiday lists shipped as confirmed years (D2).

Same shape as ``CalendarYear.from_dict`` accepts, so an administrator's JSON
upload and these shipped lists go through one loader.
"""

from __future__ import annotations

BRUSSELS_2025 = {
    "place": "brussels",
    "year": 2025,
    "status": "confirmed",
    "source": "Commission public holidays 2025 for staff in Brussels (RULES D2)",
    "holidays": [
        {"date": "2025-01-01", "name": "New Year's Day"},
        {"date": "2025-01-02", "name": "Day after New Year's Day"},
        {"date": "2025-04-17", "name": "Maundy Thursday"},
        {"date": "2025-04-18", "name": "Good Friday"},
        {"date": "2025-04-21", "name": "Easter Monday"},
        {"date": "2025-05-01", "name": "Labour Day"},
        {"date": "2025-05-09", "name": "Anniversary of the Schuman Declaration (Europe Day)"},
        {"date": "2025-05-29", "name": "Ascension Day"},
        {"date": "2025-05-30", "name": "Day after Ascension Day"},
        {"date": "2025-06-09", "name": "Whit Monday"},
        {"date": "2025-07-21", "name": "Belgian National Day"},
        {"date": "2025-08-15", "name": "Assumption"},
        {"date": "2025-12-24", "name": "Christmas Eve (end-of-year closure)"},
        {"date": "2025-12-25", "name": "Christmas Day"},
        {"date": "2025-12-26", "name": "St Stephen's Day (end-of-year closure)"},
        *({"date": f"2025-12-{d}", "name": "End-of-year closure"} for d in range(27, 32)),
    ],
}

OFFICIAL_YEARS = (BRUSSELS_2025,)
