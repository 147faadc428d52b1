"""The words mail templates put around casework's codes, per language (``{{ x|term("step") }}``).

Callers pass codes (a deadline's name, a case type, a step, a state); a template shows the phrase
of its own language, fitted to where the template uses it:

- ``deadline``: after "the time limit for" / "le délai prévu pour" / "die Frist für" (accusative);
- ``kind``: what a candidate may file, after "file" / "introduire" / "einreichen" (accusative);
- ``step``: a clause saying what happened, after "in your case X," / "dans votre dossier X," /
  "in Ihrer Sache X";
- ``state``: a label, after "Current status:";
- ``reason``: why a deadline moved, after "Reason:" (callers may also pass their own words).

A code with no phrase is shown as it is (the message still goes out). Month names serve the
``day`` filter (ISO dates shown as "15 March 2022", "15 mars 2022", "15. März 2022").
"""
from __future__ import annotations

MONTHS = {
    "EN": ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"),
    "FR": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
           "octobre", "novembre", "décembre"),
    "DE": ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
           "Oktober", "November", "Dezember"),
}

TERMS: dict[str, dict[str, dict[str, str]]] = {
    "deadline": {
        "EN": {
            "filing": "filing the request",
            "acknowledgement": "the acknowledgement of receipt",
            "reply": "the reply",
            "confirmatory-filing": "a confirmatory application",
            "confirmatory-reply": "the reply to the confirmatory application",
            "court-action": "an action before the General Court",
        },
        "FR": {
            "filing": "l'introduction de la demande",
            "acknowledgement": "l'accusé de réception",
            "reply": "la réponse",
            "confirmatory-filing": "une demande confirmative",
            "confirmatory-reply": "la réponse à la demande confirmative",
            "court-action": "un recours devant le Tribunal",
        },
        "DE": {
            "filing": "die Einreichung des Antrags",
            "acknowledgement": "die Eingangsbestätigung",
            "reply": "die Antwort",
            "confirmatory-filing": "einen Zweitantrag",
            "confirmatory-reply": "die Antwort auf den Zweitantrag",
            "court-action": "eine Klage beim Gericht",
        },
    },
    "kind": {
        "EN": {
            "neutralisation": "a request to neutralise a test question",
            "technical-issue": "a report of a technical problem",
            "review": "a request for review",
            "request for review": "a request for review",
            "complaint": "a complaint under Article 90(2) of the Staff Regulations",
            "access-info": "a request for access to information",
            "access-documents": "a request for access to documents",
        },
        "FR": {
            "neutralisation": "une demande de neutralisation d'une question",
            "technical-issue": "un signalement de problème technique",
            "review": "une demande de réexamen",
            "request for review": "une demande de réexamen",
            "complaint": "une réclamation au titre de l'article 90, paragraphe 2, du statut",
            "access-info": "une demande d'accès à l'information",
            "access-documents": "une demande d'accès aux documents",
        },
        "DE": {
            "neutralisation": "einen Antrag auf Neutralisierung einer Testfrage",
            "technical-issue": "eine Meldung eines technischen Problems",
            "review": "einen Antrag auf Überprüfung",
            "request for review": "einen Antrag auf Überprüfung",
            "complaint": "eine Beschwerde nach Artikel 90 Absatz 2 des Statuts",
            "access-info": "einen Antrag auf Zugang zu Informationen",
            "access-documents": "einen Antrag auf Zugang zu Dokumenten",
        },
    },
    "step": {
        "EN": {
            "file": "your request has been registered",
            "acknowledge": "receipt of your request has been acknowledged",
            "admit": "your request has been admitted and is being analysed",
            "analyse": "your request is being analysed",
            "refer": "your request has been passed to the body that decides on it",
            "reroute": "your request has been passed to another deciding body",
            "assign": "a legal officer has been assigned to your request",
            "decide": "a decision has been taken on your request",
            "reply": "a reply has been sent to you",
            "extend": "the time limit for the reply has been extended",
            "decide_clock": "a decision on a time limit has been recorded",
            "confirm": "your confirmatory application has been registered",
            "reply_confirmatory": "a reply to your confirmatory application has been sent to you",
            "implied_rejection": "no reply was given within the time limit, which counts as an implied "
                                 "rejection",
            "implied_refusal": "no reply was given to your confirmatory application within the time "
                               "limit, which counts as a refusal",
            "close": "the file has been closed",
            "declare_inadmissible": "your request has been declared inadmissible",
            "withdraw": "your request has been withdrawn",
            "reopen": "your request has been reopened",
            "lodge": "the action has been recorded as lodged",
            "judge": "the outcome of the action has been recorded",
            "lapse": "the time limit for bringing an action has expired",
        },
        "FR": {
            "file": "votre demande a été enregistrée",
            "acknowledge": "la réception de votre demande a été confirmée",
            "admit": "votre demande a été déclarée recevable et est en cours d'analyse",
            "analyse": "votre demande est en cours d'analyse",
            "refer": "votre demande a été transmise à l'instance qui doit statuer",
            "reroute": "votre demande a été transmise à une autre instance de décision",
            "assign": "un juriste a été chargé de votre demande",
            "decide": "une décision a été prise sur votre demande",
            "reply": "une réponse vous a été envoyée",
            "extend": "le délai de réponse a été prolongé",
            "decide_clock": "une décision relative à un délai a été enregistrée",
            "confirm": "votre demande confirmative a été enregistrée",
            "reply_confirmatory": "une réponse à votre demande confirmative vous a été envoyée",
            "implied_rejection": "aucune réponse n'a été donnée dans le délai, ce qui vaut décision "
                                 "implicite de rejet",
            "implied_refusal": "aucune réponse n'a été donnée à votre demande confirmative dans le "
                               "délai, ce qui vaut réponse négative",
            "close": "le dossier a été clôturé",
            "declare_inadmissible": "votre demande a été déclarée irrecevable",
            "withdraw": "votre demande a été retirée",
            "reopen": "votre demande a été rouverte",
            "lodge": "l'introduction du recours a été enregistrée",
            "judge": "l'issue du recours a été enregistrée",
            "lapse": "le délai de recours a expiré",
        },
        "DE": {
            "file": "wurde Ihr Antrag registriert",
            "acknowledge": "wurde der Eingang Ihres Antrags bestätigt",
            "admit": "wurde Ihr Antrag angenommen und wird nun geprüft",
            "analyse": "wird Ihr Antrag nun geprüft",
            "refer": "wurde Ihr Antrag an die entscheidende Stelle weitergeleitet",
            "reroute": "wurde Ihr Antrag an eine andere entscheidende Stelle weitergeleitet",
            "assign": "wurde Ihr Antrag einer Juristin oder einem Juristen zugewiesen",
            "decide": "wurde über Ihren Antrag entschieden",
            "reply": "wurde Ihnen eine Antwort übermittelt",
            "extend": "wurde die Antwortfrist verlängert",
            "decide_clock": "wurde eine Entscheidung über eine Frist erfasst",
            "confirm": "wurde Ihr Zweitantrag registriert",
            "reply_confirmatory": "wurde Ihnen eine Antwort auf Ihren Zweitantrag übermittelt",
            "implied_rejection": "ist innerhalb der Frist keine Antwort ergangen; dies gilt als "
                                 "stillschweigende Ablehnung",
            "implied_refusal": "ist auf Ihren Zweitantrag innerhalb der Frist keine Antwort ergangen; "
                               "dies gilt als ablehnende Antwort",
            "close": "wurde die Akte geschlossen",
            "declare_inadmissible": "wurde Ihr Antrag für unzulässig erklärt",
            "withdraw": "wurde Ihr Antrag zurückgezogen",
            "reopen": "wurde Ihr Antrag wieder aufgenommen",
            "lodge": "wurde die Erhebung der Klage erfasst",
            "judge": "wurde der Ausgang des Verfahrens erfasst",
            "lapse": "ist die Klagefrist abgelaufen",
        },
    },
    "state": {
        "EN": {
            "filed": "registered", "acknowledged": "acknowledged", "analysis": "under analysis",
            "referred": "with the deciding body", "decided": "decided", "replied": "replied",
            "confirmatory": "confirmatory application under examination",
            "implied-rejection": "implied rejection", "inadmissible": "inadmissible",
            "withdrawn": "withdrawn", "window-open": "time limit for an action running",
            "lodged": "action lodged", "judged": "outcome recorded", "lapsed": "time limit expired",
        },
        "FR": {
            "filed": "enregistrée", "acknowledged": "réception confirmée", "analysis": "en cours d'analyse",
            "referred": "transmise à l'instance de décision", "decided": "décision prise",
            "replied": "réponse envoyée", "confirmatory": "demande confirmative en cours d'examen",
            "implied-rejection": "décision implicite de rejet", "inadmissible": "irrecevable",
            "withdrawn": "retirée", "window-open": "délai de recours en cours",
            "lodged": "recours introduit", "judged": "issue enregistrée", "lapsed": "délai expiré",
        },
        "DE": {
            "filed": "registriert", "acknowledged": "Eingang bestätigt", "analysis": "in Prüfung",
            "referred": "bei der entscheidenden Stelle", "decided": "entschieden",
            "replied": "beantwortet", "confirmatory": "Zweitantrag in Prüfung",
            "implied-rejection": "stillschweigende Ablehnung", "inadmissible": "unzulässig",
            "withdrawn": "zurückgezogen", "window-open": "Klagefrist läuft",
            "lodged": "Klage erhoben", "judged": "Ausgang erfasst", "lapsed": "Frist abgelaufen",
        },
    },
    "reason": {
        "EN": {"calendar-changed": "the calendar of public holidays that applies to this time limit was changed"},
        "FR": {"calendar-changed": "le calendrier des jours fériés applicable à ce délai a été modifié"},
        "DE": {"calendar-changed": "der für diese Frist maßgebliche Feiertagskalender wurde geändert"},
    },
}
