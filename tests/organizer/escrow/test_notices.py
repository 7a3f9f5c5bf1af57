"""The escrow's two emails say nothing of the story, its union or unit, and read
wholly in Spanish for a Spanish reader."""

from __future__ import annotations

import pytest
from flask import render_template
from flask_babel import force_locale

from core import mail
from organizer.escrow import jobs
from organizer.notifications import services as notifications
from tests.core.test_i18n import _english_in


@pytest.mark.parametrize("template", [jobs.TRUSTEES_NOTICE, jobs.READERS_NOTICE])
def test_each_notice_reads_in_spanish_and_names_nothing(app, template):
    with app.test_request_context():
        with force_locale("es"):
            spanish = render_template(template, home=mail.link("/"), settings=mail.link(notifications.SETTINGS_PATH))
        english = render_template(template, home=mail.link("/"), settings=mail.link(notifications.SETTINGS_PATH))
    assert _english_in(spanish) == []
    assert "historia" not in spanish.lower() and "story" not in english.lower(), "a notice does not say what waits"
    assert "saved for later" in english and "guardó para después" in spanish
