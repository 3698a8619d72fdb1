"""Thirteen request types of the demo city "Stadt Ulm (Demo)" with their capture schemas.

Each entry: name, slug, topic group, default department (queue slug), LeiKa keys, public,
citizen description, plain-language description, and fields as
(key, label, type, required level, audience, extra) where extra may hold choices, help text,
pattern and example. The level: NO, PROCESSING (what the department needs to work on the
request: the date of birth, the address …; a first-contact answer does without) or ALWAYS
(also a first-contact answer records it: where a damage or noise is, the report itself).
"Allgemeine Auskunft" is the type of an information call: nothing it asks may block one.
"""

from __future__ import annotations

from typing import Any

CITIZEN, AGENT = "citizen", "agent"
NO, PROCESSING, ALWAYS = "no", "processing", "always"

ADDRESS_HELP = "Wo genau? Straße, Hausnummer, Postleitzahl und Ort."

DEMO_REQUEST_TYPES: list[dict[str, Any]] = [
    {
        # an information call: answered from the knowledge base and closed at first contact;
        # for agents only, stays with the service center ("queue": None)
        "name": "Allgemeine Auskunft",
        "slug": "allgemeine-auskunft",
        "topic_group": "Allgemeines",
        "queue": None,
        "leika": "",
        "public": False,
        "description": "Eine Frage, die das Servicecenter gleich beantwortet.",
        "easy": "Sie haben eine Frage. Wir geben Ihnen gleich eine Antwort.",
        "fields": [
            (
                "thema",
                "Thema",
                "text",
                NO,
                AGENT,
                {"help": "Worum ging es? Zum Beispiel: Personalausweis, Müllabfuhr."},
            ),
        ],
    },
    {
        "name": "Sperrmüll-Abholung",
        "slug": "sperrmuell-abholung",
        "topic_group": "Abfall und Umwelt",
        "queue": "abfallwirtschaft",
        "leika": "99002004000000",
        "description": "Lassen Sie sperrige Haushaltsgegenstände wie Möbel oder Matratzen abholen.",
        "easy": "Sie haben alte Möbel? Wir holen sie bei Ihnen ab.",
        "fields": [
            (
                "abholadresse",
                "Abholadresse",
                "address",
                PROCESSING,
                CITIZEN,
                {"help": ADDRESS_HELP},
            ),
            (
                "gegenstaende",
                "Welche Gegenstände?",
                "long_text",
                PROCESSING,
                CITIZEN,
                {"help": "Zum Beispiel: 1 Sofa, 2 Stühle, 1 Matratze."},
            ),
            ("menge", "Menge in Kubikmetern (ca.)", "number", NO, CITIZEN, {}),
            ("wunschtermin", "Wunschtermin", "date", NO, CITIZEN, {}),
            ("elektro", "Sind Elektrogeräte dabei?", "yes_no", PROCESSING, CITIZEN, {}),
        ],
    },
    {
        "name": "Personalausweis beantragen",
        "slug": "personalausweis",
        "topic_group": "Ausweise und Dokumente",
        "queue": "buergerdienste",
        "leika": "99008001000000",
        "description": "Beantragen Sie einen neuen Personalausweis oder fragen Sie nach dem Stand.",
        "easy": "Sie brauchen einen neuen Ausweis. Wir helfen Ihnen.",
        "fields": [
            ("geburtsdatum", "Geburtsdatum", "date", PROCESSING, CITIZEN, {}),
            (
                "anlass",
                "Anlass",
                "choice",
                PROCESSING,
                CITIZEN,
                {
                    "choices": [
                        "Erstausstellung",
                        "Ablauf",
                        "Verlust oder Diebstahl",
                        "Namensänderung",
                    ]
                },
            ),
            ("terminwunsch", "Bevorzugte Uhrzeit für einen Termin", "time", NO, CITIZEN, {}),
            (
                "vorgangsnummer",
                "Vorgangsnummer Bürgerdienste",
                "file_reference",
                NO,
                AGENT,
                {"pattern": r"^BD-\d{4}-\d{5}$", "example": "BD-2026-01234"},
            ),
        ],
    },
    {
        "name": "Wohnsitz anmelden",
        "slug": "wohnsitzanmeldung",
        "topic_group": "Wohnen und Umzug",
        "queue": "buergerdienste",
        "leika": "99115005000000",
        "description": "Melden Sie Ihren neuen Wohnsitz in Ulm innerhalb von zwei Wochen an.",
        "easy": "Sie sind umgezogen? Dann melden Sie sich bei uns an.",
        "fields": [
            (
                "neue_adresse",
                "Neue Adresse",
                "address",
                PROCESSING,
                CITIZEN,
                {"help": ADDRESS_HELP},
            ),
            ("einzugsdatum", "Einzugsdatum", "date", PROCESSING, CITIZEN, {}),
            ("personen", "Anzahl der Personen", "number", PROCESSING, CITIZEN, {}),
            (
                "art",
                "Art der Wohnung",
                "choice",
                PROCESSING,
                CITIZEN,
                {"choices": ["Hauptwohnung", "Nebenwohnung"]},
            ),
        ],
    },
    {
        "name": "Anwohnerparkausweis",
        "slug": "anwohnerparkausweis",
        "topic_group": "Verkehr und Mobilität",
        "queue": "ordnungsamt",
        "leika": "99108001000000",
        "description": "Beantragen oder verlängern Sie einen Parkausweis für Anwohnerinnen "
        "und Anwohner.",
        "easy": "Sie wohnen hier und wollen hier parken. Dafür gibt es einen Ausweis.",
        "fields": [
            (
                "kennzeichen",
                "Kennzeichen",
                "vehicle_registration",
                PROCESSING,
                CITIZEN,
                {"help": "Zum Beispiel UL-AB 123."},
            ),
            (
                "parkzone",
                "Parkzone",
                "choice",
                PROCESSING,
                CITIZEN,
                {"choices": ["Zone A Innenstadt", "Zone B Weststadt", "Zone C Oststadt"]},
            ),
            ("adresse", "Wohnadresse", "address", PROCESSING, CITIZEN, {}),
            (
                "verlaengerung",
                "Verlängerung eines bestehenden Ausweises?",
                "yes_no",
                PROCESSING,
                CITIZEN,
                {},
            ),
        ],
    },
    {
        "name": "Hundesteuer an- oder abmelden",
        "slug": "hundesteuer",
        "topic_group": "Steuern und Abgaben",
        "queue": "steuern",
        "leika": "99032001000000",
        "description": "Melden Sie Ihren Hund zur Hundesteuer an oder ab.",
        "easy": "Sie haben einen Hund? Dann zahlen Sie Hundesteuer.",
        "fields": [
            (
                "vorgang",
                "An- oder Abmeldung",
                "choice",
                PROCESSING,
                CITIZEN,
                {"choices": ["Anmeldung", "Abmeldung"]},
            ),
            ("datum", "Seit wann / bis wann", "date", PROCESSING, CITIZEN, {}),
            ("rasse", "Rasse", "text", NO, CITIZEN, {}),
            (
                "kassenzeichen",
                "Kassenzeichen",
                "file_reference",
                NO,
                CITIZEN,
                {
                    "pattern": r"^\d{2}\.\d{3}\.\d{6}$",
                    "example": "61.120.004711",
                    "help": "Steht auf Ihrem Steuerbescheid, falls vorhanden.",
                },
            ),
        ],
    },
    {
        "name": "Straßenschaden oder defekte Laterne melden",
        "slug": "strassenschaden",
        "topic_group": "Verkehr und Mobilität",
        "queue": "ordnungsamt",
        "leika": "",
        "description": "Melden Sie Schlaglöcher, beschädigte Gehwege oder eine defekte "
        "Straßenlaterne.",
        "easy": "Etwas auf der Straße ist kaputt? Sagen Sie es uns.",
        "fields": [
            (
                "art",
                "Was ist beschädigt?",
                "choice",
                PROCESSING,
                CITIZEN,
                {
                    "choices": [
                        "Schlagloch",
                        "Gehweg",
                        "Straßenlaterne",
                        "Verkehrszeichen",
                        "Sonstiges",
                    ]
                },
            ),
            (
                "ort",
                "Ort des Schadens",
                "text",
                ALWAYS,
                CITIZEN,
                {"help": "Straße und Hausnummer oder eine genaue Beschreibung."},
            ),
            (
                "laternennummer",
                "Nummer der Laterne",
                "text",
                NO,
                CITIZEN,
                {"help": "Steht auf einem Schild am Mast."},
            ),
            ("foto", "Foto", "file", NO, CITIZEN, {}),
            ("gefahr", "Besteht eine akute Gefahr?", "yes_no", PROCESSING, CITIZEN, {}),
        ],
    },
    {
        "name": "Lärmbeschwerde",
        "slug": "laermbeschwerde",
        "topic_group": "Sicherheit und Ordnung",
        "queue": "ordnungsamt",
        "leika": "",
        "description": "Beschweren Sie sich über anhaltenden Lärm, zum Beispiel von Baustellen.",
        "easy": "Es ist zu laut? Sagen Sie uns, wo und wann.",
        "fields": [
            (
                "quelle",
                "Lärmquelle",
                "choice",
                PROCESSING,
                CITIZEN,
                {
                    "choices": [
                        "Baustelle",
                        "Gaststätte",
                        "Nachbarschaft",
                        "Veranstaltung",
                        "Sonstiges",
                    ]
                },
            ),
            ("ort", "Ort", "text", ALWAYS, CITIZEN, {}),
            ("datum", "Datum", "date", PROCESSING, CITIZEN, {}),
            ("uhrzeit", "Uhrzeit", "time", NO, CITIZEN, {}),
            (
                "wochentage",
                "An welchen Tagen?",
                "multi_choice",
                NO,
                CITIZEN,
                {
                    "choices": [
                        "Montag",
                        "Dienstag",
                        "Mittwoch",
                        "Donnerstag",
                        "Freitag",
                        "Samstag",
                        "Sonntag",
                    ]
                },
            ),
        ],
    },
    {
        "name": "Gewerbe anmelden",
        "slug": "gewerbeanmeldung",
        "topic_group": "Wirtschaft",
        "queue": "ordnungsamt",
        "leika": "99050012104000",
        "description": "Melden Sie ein Gewerbe an, um oder ab.",
        "easy": "Sie wollen eine Firma gründen? Melden Sie Ihr Gewerbe an.",
        "fields": [
            ("taetigkeit", "Tätigkeit", "long_text", PROCESSING, CITIZEN, {}),
            ("beginn", "Beginn der Tätigkeit", "date", PROCESSING, CITIZEN, {}),
            ("betriebsstaette", "Betriebsstätte", "address", PROCESSING, CITIZEN, {}),
            ("email_betrieb", "E-Mail-Adresse des Betriebs", "email", NO, CITIZEN, {}),
            ("telefon_betrieb", "Telefon des Betriebs", "phone", NO, CITIZEN, {}),
        ],
    },
    {
        "name": "Fundsache",
        "slug": "fundsache",
        "topic_group": "Sicherheit und Ordnung",
        "queue": "buergerdienste",
        "leika": "99089017152000",
        "description": "Sie haben etwas verloren oder gefunden? Fragen Sie beim Fundbüro nach.",
        "easy": "Sie haben etwas verloren? Vielleicht hat es jemand gefunden.",
        "fields": [
            (
                "verloren_gefunden",
                "Verloren oder gefunden?",
                "choice",
                PROCESSING,
                CITIZEN,
                {"choices": ["Verloren", "Gefunden"]},
            ),
            (
                "gegenstand",
                "Gegenstand",
                "text",
                PROCESSING,
                CITIZEN,
                {"help": "Zum Beispiel: schwarzer Rucksack mit Laptop."},
            ),
            ("datum", "Wann?", "date", PROCESSING, CITIZEN, {}),
            ("ort", "Wo?", "text", NO, CITIZEN, {}),
            (
                "fundnummer",
                "Fundnummer",
                "file_reference",
                NO,
                AGENT,
                {"pattern": r"^F-\d{4}/\d{1,5}$", "example": "F-2026/123"},
            ),
        ],
    },
    {
        "name": "Kfz-Zulassung",
        "slug": "kfz-zulassung",
        "topic_group": "Verkehr und Mobilität",
        "queue": "kfz-zulassung",
        "leika": "99036012104000",
        "description": "Fahrzeug zulassen, umschreiben, außer Betrieb setzen oder "
        "Wunschkennzeichen reservieren.",
        "easy": "Sie haben ein Auto gekauft? Melden Sie es an.",
        "fields": [
            (
                "vorgang",
                "Vorgang",
                "choice",
                PROCESSING,
                CITIZEN,
                {
                    "choices": [
                        "Neuzulassung",
                        "Umschreibung",
                        "Außerbetriebsetzung",
                        "Wunschkennzeichen",
                    ]
                },
            ),
            (
                "kennzeichen",
                "Kennzeichen (falls vorhanden)",
                "vehicle_registration",
                NO,
                CITIZEN,
                {},
            ),
            (
                "fin",
                "Fahrzeug-Identifizierungsnummer",
                "text",
                NO,
                CITIZEN,
                {"help": "17 Zeichen, steht in der Zulassungsbescheinigung Teil I, Feld E."},
            ),
            ("evb", "eVB-Nummer der Versicherung", "text", NO, CITIZEN, {}),
        ],
    },
    {
        "name": "Urkunde beim Standesamt bestellen",
        "slug": "urkunde-standesamt",
        "topic_group": "Familie und Standesamt",
        "queue": "standesamt",
        "leika": "99014002000000",
        "description": "Bestellen Sie eine Geburts-, Ehe- oder Sterbeurkunde.",
        "easy": "Sie brauchen eine Urkunde? Zum Beispiel über Ihre Geburt.",
        "fields": [
            (
                "urkunde",
                "Art der Urkunde",
                "choice",
                PROCESSING,
                CITIZEN,
                {
                    "choices": [
                        "Geburtsurkunde",
                        "Eheurkunde",
                        "Sterbeurkunde",
                        "Lebenspartnerschaftsurkunde",
                    ]
                },
            ),
            ("name_person", "Name der Person in der Urkunde", "text", PROCESSING, CITIZEN, {}),
            ("datum_ereignis", "Datum des Ereignisses", "date", PROCESSING, CITIZEN, {}),
            ("anzahl", "Anzahl der Exemplare", "number", PROCESSING, CITIZEN, {}),
            (
                "zweck",
                "Verwendungszweck",
                "text",
                NO,
                CITIZEN,
                {"help": "Zum Beispiel Rentenantrag."},
            ),
            (
                "registernummer",
                "Registernummer",
                "file_reference",
                NO,
                AGENT,
                {"pattern": r"^[GESL] \d{1,4}/\d{4}$", "example": "G 1234/1961"},
            ),
        ],
    },
    {
        "name": "Baumfällung beantragen",
        "slug": "baumfaellung",
        "topic_group": "Bauen und Umwelt",
        "queue": "bauordnung",
        "leika": "99104010000000",
        "description": "Beantragen Sie die Genehmigung, einen Baum auf Ihrem Grundstück zu fällen.",
        "easy": "Sie wollen einen Baum fällen? Dafür brauchen Sie eine Erlaubnis.",
        "fields": [
            ("grundstueck", "Grundstück", "address", PROCESSING, CITIZEN, {}),
            ("baumart", "Baumart", "text", NO, CITIZEN, {}),
            ("stammumfang", "Stammumfang in cm (in 1 m Höhe)", "number", PROCESSING, CITIZEN, {}),
            ("grund", "Grund für die Fällung", "long_text", PROCESSING, CITIZEN, {}),
            ("lageplan", "Lageplan oder Foto", "file", NO, CITIZEN, {}),
        ],
    },
]


# Retention (ulm_servicepoint.retention): months after closing until the personal data go, and
# the two flags. Information requests 3 months, complaints 24, everything a department handles
# (the forwarded cases) 12; a tree-felling permit is of lasting value (offered to the city
# archive) and must be kept for its period, so must a business registration.
RETENTION: dict[str, dict[str, Any]] = {
    "allgemeine-auskunft": {"retention_months": 3},
    "laermbeschwerde": {"retention_months": 24},
    "baumfaellung": {"retention_months": 12, "archive_worthy": True, "retention_obligation": True},
    "gewerbeanmeldung": {"retention_months": 12, "retention_obligation": True},
}
FORWARDED_MONTHS = 12


def retention_of(spec: dict[str, Any]) -> dict[str, Any]:
    """The retention fields of a demo type (see RETENTION)."""
    return RETENTION.get(
        spec["slug"], {"retention_months": FORWARDED_MONTHS if spec["queue"] else 3}
    )
