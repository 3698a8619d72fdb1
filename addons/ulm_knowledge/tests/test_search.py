"""German search: stemming, compounds, typos, synonyms, usage signal, and the three interfaces
(service, command, API) giving the same JSON."""

from __future__ import annotations

import json

from django.core.management import call_command
from helpdesk.models import Queue, Ticket

from ulm_knowledge import services
from ulm_knowledge.models import Synonym
from ulm_knowledge.tests.conftest import by_external_id
from ulm_knowledge.text import (
    FILLER,
    Decompounder,
    SynonymTable,
    apply_synonyms,
    normalise,
    particle_verbs,
    query_words,
    synonym_matches,
    tokens,
)


def top(query: str, n: int = 1) -> list[str]:
    return [hit.external_id for hit in services.search(query, n)]


def test_decompounder_splits_over_the_vocabulary():
    splitter = Decompounder(["anwohner", "park", "parkausweis", "ausweis", "verlust"])
    assert splitter.parts("anwohnerparkausweis") == ["anwohner", "parkausweis", "park", "ausweis"]
    assert splitter.parts("ausweisverlust") == ["ausweis", "verlust"]
    assert splitter.parts("fahrrad") == []
    assert normalise("Führerschein Straße") == "fuhrerschein strasse"


def test_unknown_part_leaves_the_known_head_and_synonyms_match_inflections():
    splitter = Decompounder(["parkausweis", "ausweis", "krippe"])
    assert splitter.parts("bewohnerparkausweis") == ["parkausweis", "ausweis"]
    assert splitter.parts("krippenplatz") == ["krippe"]
    table = {("beglaubigt",): ["beglaubigung"], ("kfz", "schein"): ["fahrzeugschein"]}
    assert apply_synonyms(["beglaubigte", "kopie"], table) == ["beglaubigung"]
    assert apply_synonyms(["kfz", "schein", "weg"], table) == ["fahrzeugschein"]
    assert apply_synonyms(["kopie"], table) == []


def test_the_indexed_synonym_table_finds_each_term_once_at_its_first_place():
    # the index by first word (and its stem) must find what trying every term found: each
    # term once, at its first place, inflected forms too, in the list's order
    table = SynonymTable(
        [(("kfz", "schein"), ["fahrzeugschein"]), (("beglaubigt",), ["beglaubigung"])]
    )
    words = ["beglaubigte", "kfz", "brief", "kfz", "schein", "beglaubigten", "kfz", "schein"]
    assert synonym_matches(words, table) == [(3, ["fahrzeugschein"]), (0, ["beglaubigung"])]
    assert synonym_matches(["schein", "kfz"], table) == []


def test_stemming_and_unaccent(catalogue):
    assert top("Führungszeugnisse") == ["dldb:9005"]
    assert top("fuhrungszeugnis") == ["dldb:9005"]


def test_compound_split(catalogue):
    # "Anwohnerparkausweis" is nowhere in the catalogue; its parts are
    assert top("Anwohnerparkausweis") == ["dldb:9003"]


def test_typo(catalogue):
    assert top("Personalauswies") == ["dldb:9001"]
    assert top("Fürungszeugnis") == ["dldb:9005"]


def test_shipped_synonyms(catalogue):
    assert top("Perso") == ["dldb:9001"]
    assert top("Kfz-Schein verloren") == ["dldb:9004"]


def test_shipped_words_for_situations(catalogue):
    # citizens' words that no catalogue name holds, from the shipped service vocabulary
    assert top("Bin ich vorbestraft? Mein neuer Arbeitgeber will das wissen") == ["dldb:9005"]
    assert top("Darf ich mit meiner Anwohnerplakette in der Zone parken?") == ["dldb:9003"]
    # and how they say what they do: a phrase of the fourth pass
    assert top("Ich will im Sportverein mit Kindern arbeiten, was muss ich vorlegen?") == [
        "dldb:9005"
    ]
    # and the international words of people new to Germany (sixth pass)
    assert top("Where do I get a police clearance certificate?") == ["dldb:9005"]


def test_no_shipped_synonym_fires_on_a_function_word():
    # "Uber" normalises to "uber", which is "über": such a term would add its meaning to
    # half of all questions
    from ulm_knowledge.synonyms import default_synonyms

    single = {words[0] for words in (tokens(t) for t, _ in default_synonyms()) if len(words) == 1}
    assert not single & FILLER


def test_each_shipped_synonym_term_is_given_once():
    # the list is loaded term by term where missing: a second line of a term never takes effect
    from ulm_knowledge.synonyms import default_synonyms

    terms = [" ".join(tokens(term)) for term, _ in default_synonyms()]
    assert sorted(t for t in set(terms) if terms.count(t) > 1) == []


def test_edited_synonym_takes_effect(catalogue):
    assert "dldb:9005" not in top("Leumund", 3)
    Synonym.objects.create(term="Leumund", expansion="Führungszeugnis")
    services.forget_cached()
    assert top("Leumund") == ["dldb:9005"]


def test_whole_email(catalogue):
    mail = (
        "Sehr geehrte Damen und Herren, mir wurde gestern mein Ausweis gestohlen. "
        "Was muss ich jetzt tun? Mit freundlichen Grüßen"
    )
    assert top(mail) == ["dldb:9002"]


def test_nothing_found_and_empty_query(catalogue):
    assert services.search("xyzzy qwrtz") == []
    assert services.search("   ") == []


def test_usage_signal_lifts_the_item_used_for_similar_tickets(catalogue, demo):
    query = "Ausweis"
    before = [hit.external_id for hit in services.search(query, 2)]
    loser = before[1]
    queue = Queue.objects.get(slug="servicecenter")
    for _ in range(20):
        ticket = Ticket.objects.create(title="Frage zum Ausweis", description="", queue=queue)
        use = services.record_answer_use(ticket, by_external_id(loser).kbitem)
    assert use.version == 1
    assert Ticket.objects.get(pk=ticket.pk).kbitem_id == by_external_id(loser).kbitem_id
    assert top(query) == [loser]


def test_command_json_single_and_file(catalogue, capsys, tmp_path):
    call_command("kb_search", "Perso", "--limit", "2", "--json")
    result = json.loads(capsys.readouterr().out)
    assert len(result["results"]) == 2
    first = result["results"][0]
    assert set(first) == {"id", "external_id", "title", "score"}
    assert (first["external_id"], first["title"]) == ("dldb:9001", "Personalausweis")
    assert first["id"] == by_external_id("dldb:9001").kbitem_id

    queries = tmp_path / "q.txt"
    queries.write_text("Führungszeugnis\nParklizenz\n", encoding="utf-8")
    call_command("kb_search", "--queries", str(queries), "--limit", "1", "--json")
    lines = capsys.readouterr().out.strip().splitlines()
    assert [json.loads(line)["results"][0]["external_id"] for line in lines] == [
        "dldb:9005",
        "dldb:9003",
    ]


def test_api_returns_the_same_json(catalogue, client, capsys):
    response = client.get("/api/v1/knowledge/search/", {"q": "Perso", "limit": 2})
    assert response.status_code == 200
    call_command("kb_search", "Perso", "--limit", "2", "--json")
    assert response.json() == json.loads(capsys.readouterr().out)


def test_api_rejects_bad_limit_in_german(catalogue, client):
    response = client.get("/api/v1/knowledge/search/", {"q": "Perso", "limit": "zwei"})
    assert response.status_code == 400
    assert "limit" in response.json()
    assert "ganze Zahl" in response.json()["limit"][0]


def test_separable_verbs_and_signature_of_an_email():
    words, ends = query_words("Wo melde ich mein Gewerbe an? Viele Grüße, Petra Huber")
    assert words == ["wo", "melde", "ich", "mein", "gewerbe", "an"]
    vocabulary = frozenset(["anmelden", "nachziehen"])
    assert [verb for _, _, verb in particle_verbs(words, vocabulary, ends)] == ["anmelden"]
    assert particle_verbs(["gewerbe", "ab", "melden"], frozenset(["abmelden"])) == [
        (2, 1, "abmelden")
    ]
    # "nach" inside a clause is a preposition, not the particle of nachziehen
    words, ends = query_words("Ich ziehe nach München und melde mich an.")
    assert [verb for _, _, verb in particle_verbs(words, vocabulary, ends)] == ["anmelden"]
    # a clause also ends before a conjunction, where German sets no comma
    words, ends = query_words("Ich melde mein Gewerbe ab und ziehe nach Augsburg")
    assert particle_verbs(words, frozenset(["abmelden"]), ends) == [(1, 4, "abmelden")]
    # a verb the catalogue does not use counts where the synonym list knows it
    words, ends = query_words("Wir ziehen im Mai zusammen.")
    assert particle_verbs(words, vocabulary, ends) == []
    assert particle_verbs(words, vocabulary, ends, frozenset(["zusammenziehen"])) == [
        (1, 4, "zusammenziehen")
    ]


def test_a_separable_verb_of_the_synonym_list_written_apart(catalogue):
    # an administrator's term that no service text uses, in the forms a citizen writes it
    Synonym.objects.create(term="anfordern", expansion="Führungszeugnis")
    services.forget_cached()
    assert top("Mein neuer Chef will das anfordern") == ["dldb:9005"]
    assert top("Mein neuer Chef fordert von mir einen Nachweis an") == ["dldb:9005"]


def test_compound_part_the_catalogue_only_has_inflected():
    splitter = Decompounder(["geburt", "urkunden"])
    assert splitter.parts("geburtsurkunde") == ["geburt", "urkunde"]


def test_colloquial_weg_means_lost(catalogue):
    assert top("Ausweis weg") == ["dldb:9002"]


SIBLINGS = {
    "data": [
        {
            "id": "8001",
            "name": "Gewerbe-Anmeldung",
            "description": "<p>Sie beginnen ein Gewerbe in der Stadt.</p>",
            "meta": {"keywords": "Gewerbe anmelden, Gewerbeanmeldung"},
        },
        {
            "id": "8002",
            "name": "Gewerbe-Ummeldung",
            "description": "<p>Sie verlegen Ihr Gewerbe oder ändern es.</p>",
            "meta": {
                "keywords": "Gewerbe, Gewerbe ummelden, Gewerbeanmeldung, Gewerbeummeldung,"
                " Gewerbeumschreibung, Gewerbebehörde, Gewerbeanzeige"
            },
        },
        {
            "id": "8003",
            "name": "Gewerbe-Abmeldung",
            "description": "<p>Sie geben Ihr Gewerbe auf.</p>",
            "meta": {"keywords": "Gewerbeabmeldung"},
        },
    ]
}


def test_sibling_services_the_query_names(db, tmp_path):
    path = tmp_path / "siblings.json"
    path.write_text(json.dumps(SIBLINGS), encoding="utf-8")
    services.forget_cached()
    services.import_services(path)
    # a separable verb, written apart at the end of the clause or before the verb
    assert top("Wo melde ich mein Gewerbe an?") == ["dldb:8001"]
    assert top("gewerbe ab melden") == ["dldb:8003"]
    # a typo in a compound whose first part is known, and the keyword-rich sibling second
    assert top("Gewerbeanmledung") == ["dldb:8001"]
    assert top("Gewerbe anmelden", 2) == ["dldb:8001", "dldb:8002"]


def test_compound_title_split_by_words_of_the_descriptions(db, tmp_path):
    # many real services have no keywords: a part of a compound title may be a word only the
    # descriptions use (here "Vorbesprechung"), never a name or keyword
    items = [
        {
            "id": "8101",
            "name": "Entwässerungsplanvorbesprechung",
            "description": "<p>Termine online vereinbaren.</p>"
            "<p>Vor dem Bauantrag klären wir die Entwässerung in einer Vorbesprechung.</p>",
        },
        {
            "id": "8102",
            "name": "Beratung zum Baurecht",
            "description": "<p>Wir beraten Sie zum Bauen.</p>",
            "meta": {"keywords": "Bauantrag, Neubau, Bauen, Planung besprechen"},
        },
    ]
    path = tmp_path / "planung.json"
    path.write_text(json.dumps({"data": items}), encoding="utf-8")
    services.forget_cached()
    services.import_services(path)

    assert top("Vorbesprechung zum Neubau") == ["dldb:8101"]
