"""The booth in Spanish: a Spanish member's receipt page, the words the booth's
script shows (the page's booth-words block, each with the same blanks for the
script to fill in both languages), and the ballot box's refusals, which the
endpoints answer in the language of the member who sent the ballot."""

from __future__ import annotations

import json
import re

from core.extensions import db
from surveys.models import Survey
from tests.organizer.booth.builders import device_ballot

ENGLISH_RECEIPT = ("Your answers are in", "The server locked (encrypted) your answers", "Your ballot's code",
                   "Copy the fingerprint", "Back to surveys")


def _in(language: str, client):
    """The member chooses the language on the page's switch (saved on their account)."""
    response = client.post("/language", data={"language-language": language, "language-next": "/"})
    assert response.status_code == 302
    return client


def _server_form_answers(page: str) -> dict:
    scale, yes_no, single, multiple, text = sorted(set(re.findall(r'name="(q\d+)"', page)), key=lambda n: int(n[1:]))
    return {scale: "4", yes_no: "yes", single: "1", multiple: ["1", "2"], text: "Hace mucho calor en el muelle"}


def _words(page: str) -> dict:
    return json.loads(re.search(r'<script type="application/json" id="booth-words">(.*?)</script>', page, re.S)
                      .group(1))


def test_a_spanish_members_receipt_page_is_in_spanish(app, login, crowd, launch):
    survey_id = launch(device_encryption_required=False)
    member = _in("es", login(app.test_client(), crowd[0]))
    page = member.get(f"/surveys/{survey_id}/answer").get_data(as_text=True)
    assert '<html lang="es">' in page and "Cifrar mis respuestas" in page
    response = member.post(f"/surveys/{survey_id}/answer", data=_server_form_answers(page))
    receipt = response.get_data(as_text=True)
    assert response.status_code == 200 and '<html lang="es">' in receipt
    for words in ("<title>Comprobante · Leverage</title>", "Tus respuestas llegaron",
                  "El servidor cifró tus respuestas cuando llegaron", "El código de seguimiento de tu boleta",
                  "Copiar la huella", 'data-copied="Copiado"', "Volver a las encuestas"):
        assert words in receipt, words
    assert not [words for words in ENGLISH_RECEIPT if words in receipt]
    # The tracker is the ballot's whatever the language: the same 64 characters the list will publish.
    assert re.search(r'id="receipt"[^>]*value="[0-9a-f]{64}"', receipt)


def test_an_english_members_receipt_stays_english(app, login, crowd, launch):
    survey_id = launch(device_encryption_required=False)
    member = _in("en", login(app.test_client(), crowd[1]))
    page = member.get(f"/surveys/{survey_id}/answer").get_data(as_text=True)
    receipt = member.post(f"/surveys/{survey_id}/answer", data=_server_form_answers(page)).get_data(as_text=True)
    assert all(words in receipt for words in ENGLISH_RECEIPT)
    assert "Tus respuestas llegaron" not in receipt


def test_the_booths_words_are_the_readers_with_the_same_blanks_for_the_script(app, login, crowd, launch):
    survey_id = launch()
    english = _words(_in("en", login(app.test_client(), crowd[0])).get(f"/surveys/{survey_id}/answer")
                     .get_data(as_text=True))
    spanish = _words(_in("es", login(app.test_client(), crowd[1])).get(f"/surveys/{survey_id}/answer")
                     .get_data(as_text=True))
    assert english.keys() == spanish.keys()
    assert spanish["locking"] == "Cifrando tus respuestas" and spanish["checking"] == "Verificando la boleta"
    assert spanish["verdict_ok"].startswith("Verificada en este teléfono o computadora")
    # The progress is announced in quarters, each percentage written the language's way.
    assert len(spanish["progress"]) == 5 and spanish["progress"][1].endswith("25\u00a0% hecho")
    assert english["progress"][4].endswith("100% done")
    assert "2.000" in spanish["too_long"] and "2,000" in english["too_long"]
    blanks = re.compile(r"\{(\w+)\}")
    for key, words in english.items():
        if isinstance(words, str):
            assert words != spanish[key], key
            assert blanks.findall(words) == blanks.findall(spanish[key]), key
    assert blanks.findall(spanish["lock_failed"]) == ["reason"]


def test_a_refusal_from_the_ballot_box_reads_in_the_senders_language(app, login, crowd, launch):
    survey_id = launch(device_encryption_required=True)
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        first, second = device_ballot(survey), device_ballot(survey)
    member = _in("es", login(app.test_client(), crowd[0]))
    assert member.post(f"/surveys/{survey_id}/ballot", json=first).status_code == 201
    again = member.post(f"/surveys/{survey_id}/ballot", json=second)
    assert again.status_code == 409
    assert again.get_json()["error"] == "Ya respondiste esta encuesta. Cada persona responde una vez."
    replay = _in("es", login(app.test_client(), crowd[1])).post(f"/surveys/{survey_id}/ballot", json=first)
    assert replay.status_code == 400 and "no se acepta una boleta repetida" in replay.get_json()["error"]
    english = _in("en", login(app.test_client(), crowd[2])).post(f"/surveys/{survey_id}/ballot", json=first)
    assert "a replayed ballot is refused" in english.get_json()["error"]


def test_the_servers_form_refused_on_a_device_only_survey_says_why_in_spanish(app, login, crowd, launch):
    survey_id = launch(device_encryption_required=True)
    member = _in("es", login(app.test_client(), crowd[0]))
    page = member.get(f"/surveys/{survey_id}/answer").get_data(as_text=True)
    assert "Esta encuesta necesita JavaScript." in page
    refused = member.post(f"/surveys/{survey_id}/answer", data=_server_form_answers(page))
    assert refused.status_code == 403
    assert "Esta encuesta solo acepta respuestas cifradas en tu propio teléfono" in refused.get_data(as_text=True)
