"""What the unit-survey page tests share: a pulse draft made through the new-survey form."""

from __future__ import annotations


def create_pulse_draft(client, world, **overrides) -> int:
    """A pulse draft of the world's unit, posted by the signed-in organizer; its id."""
    data = {"kind": "pulse", "title": "October pulse", "key_mode": "server_key", "release_threshold": "5",
            "comment_threshold": "10", "standard_questions": "y", **overrides}
    response = client.post(f"/units/{world.unit_id}/surveys", data=data)
    assert response.status_code == 302, response.data
    return int(response.headers["Location"].rsplit("/", 1)[1])
