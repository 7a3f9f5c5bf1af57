"""The reports' words in Spanish where the page walk of tests/core/test_i18n.py
does not look: the emails, and the words the pages hand their script as JSON
(refusals, progress, the labels of an opened report)."""

from __future__ import annotations

import json

from flask import render_template
from flask_babel import force_locale

from core import mail
from organizer.grievances import notices
from organizer.notifications import services as notifications
from tests.core.test_i18n import _english_in, _switch


def _strings(value) -> list[str]:
    if isinstance(value, dict):
        return [text for item in value.values() for text in _strings(item)]
    return [value] if isinstance(value, str) else []


def test_the_report_emails_read_in_spanish(app):
    with app.test_request_context(), force_locale("es"):
        for template in (notices.NEW_REPORT, notices.NEWS, notices.DEADLINE):
            body = render_template(template, home=mail.link("/"), settings=mail.link(notifications.SETTINGS_PATH))
            assert _english_in(body) == [], template
            assert "Hola" in body


def test_the_words_handed_to_the_script_read_in_spanish(app, world, login, shop_ids):
    client = login(app.test_client(), world.member)
    _switch(client, "es", back_to="/my/reports/new")
    html = client.get("/my/reports/new").get_data(as_text=True)
    assert "Reporta un problema en el trabajo" in html
    words = json.loads(html.split('id="grievance-words">', 1)[1].split("</script>", 1)[0])
    strings = _strings(words)
    assert len(strings) > 40
    for text in strings:
        assert _english_in(text) == [], text
    # The device's English refusals each have their Spanish.
    assert words["errors"]["That passphrase does not open your key."] == "Esa frase secreta no abre tu llave."
