"""Stories in escrow (crypto/escrow.py) and the trustee's side of them in the
browser (static/js/escrow/), under node.

* Known answers: Python with fixed randomness made tests/crypto/vectors/escrow.json
  (a story sealed to a server key, one sealed to a 2-of-3 key with two
  trustees' partials); Python still makes exactly it and opens it, and the
  JavaScript reproduces the terms' contexts, finds the same proven point and
  makes the same partial byte for byte.
* A story opens only on its own terms: another date, story, union, time zone
  or condition, any changed byte, or fewer than t partials, and it does not.
* Its seal is not a survey comment's, nor a comment's a story's, in Python and
  in the JavaScript.
* The worker (what a trustee's browser runs) refuses before the day by its own
  clock, refuses a story whose terms were changed, a key the ceremony did not
  make, a "recognised" story nobody recorded or the trustee did not confirm;
  on the day its part opens the story together with another trustee's.

Regenerate the vectors (only when the format is meant to change) with
``.venv/bin/python -m tests.crypto.test_escrow``.
"""

from __future__ import annotations

import base64
import json
import subprocess
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from crypto import dkg
from crypto.elgamal import PublicKey, SecretKey
from crypto.errors import DecodeError, NotEnoughPartialsError, SealError
from crypto.escrow import (
    STORY_HEADER_SIZE,
    STORY_PADDING_BLOCK,
    StoryTerms,
    open_story_with_partials,
    open_story_with_secret_key,
    proven_story_point,
    seal_story,
    story_partial,
    verify_sealed_story,
    verify_story_partial,
)
from crypto.group import Point, Scalar
from crypto.sealing import seal_text, verify_sealed_text
from crypto.threshold import KeyShare, PartialDecryption, ThresholdKey
from tests.crypto.test_browser_vectors import DeterministicScalars, node_binary

ROOT = Path(__file__).resolve().parents[2]
DRIVER = ROOT / "tests" / "crypto" / "js" / "escrow_driver.mjs"
VECTORS = ROOT / "tests" / "crypto" / "vectors" / "escrow.json"
CEREMONY_VECTORS = ROOT / "tests" / "crypto" / "vectors" / "ceremony.json"
STORY = "We won the heat break. [Rosa] carried the petition to every bay; the night shift — all of it — signed."
STORY_ON_A_DATE = StoryTerms("0123456789abcdef0123456789abcdef", 12, date(2027, 3, 1), False, "America/Chicago")
STORY_WHEN_RECOGNISED = StoryTerms("fedcba9876543210fedcba9876543210", 12, None, True, "Europe/Madrid")


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def unb64(text: str) -> bytes:
    return base64.b64decode(text, validate=True)


def stream(seed: str) -> DeterministicScalars:
    return DeterministicScalars(seed.encode())


def terms_json(terms: StoryTerms) -> dict[str, Any]:
    return {"story_id": terms.story_id, "union_id": terms.union_id,
            "opens_on": terms.opens_on.isoformat() if terms.opens_on else None,
            "when_recognised": terms.when_recognised, "time_zone": terms.time_zone}


def millis(moment: datetime) -> int:
    return int(moment.replace(tzinfo=UTC).timestamp() * 1000)


def run_js(op: str, **request: Any) -> Any:
    completed = subprocess.run([node_binary(), str(DRIVER)], input=json.dumps({"op": op, **request}),
                               capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert completed.returncode == 0, f"node failed:\n{completed.stderr}"
    return json.loads(completed.stdout)["result"]


def batch(*requests: dict[str, Any]) -> list[Any]:
    return run_js("batch", requests=list(requests))


# ------------------------------------------------------------------ a 2-of-3 key with known shares

def known_threshold_key() -> tuple[ThresholdKey, list[KeyShare]]:
    """f(x) = a0 + a1·x from the vectors' stream: the key and the shares f(1), f(2), f(3)."""
    a0, a1 = stream("polynomial a0")(), stream("polynomial a1")()
    key = ThresholdKey(2, 3, (Point.base_times(a0), Point.base_times(a1)))
    return key, [KeyShare(i, a0 + a1 * Scalar(i)) for i in (1, 2, 3)]


def make_vectors() -> dict[str, Any]:
    server_secret = SecretKey(stream("server key")())
    server_key = server_secret.public_key()
    by_server = seal_story(server_key, STORY.encode(), STORY_ON_A_DATE, random_scalar=stream("seal on a date"))
    key, shares = known_threshold_key()
    by_trustees = seal_story(key.public_key, STORY.encode(), STORY_WHEN_RECOGNISED,
                             random_scalar=stream("seal when recognised"))
    partials = [story_partial(key, shares[i - 1], by_trustees, STORY_WHEN_RECOGNISED,
                              random_scalar=stream(f"partial {i}")) for i in (1, 3)]
    return {
        "about": "Made by tests/crypto/test_escrow.py (python -m tests.crypto.test_escrow); every value is "
                 "crypto.escrow's, from DeterministicScalars(seed).",
        "story": STORY,
        "server": {"secret": b64(server_secret.to_bytes()), "public_key": b64(server_key.to_bytes()),
                   "terms": terms_json(STORY_ON_A_DATE), "context": b64(STORY_ON_A_DATE.context()),
                   "sealed": b64(by_server)},
        "trustees": {"threshold_key": b64(key.to_bytes()),
                     "shares": [{"index": s.index, "scalar": b64(s.scalar.to_bytes())} for s in shares],
                     "terms": terms_json(STORY_WHEN_RECOGNISED), "context": b64(STORY_WHEN_RECOGNISED.context()),
                     "partials_context": b64(STORY_WHEN_RECOGNISED.partials_context()),
                     "sealed": b64(by_trustees),
                     "point": b64(proven_story_point(key.public_key, by_trustees, STORY_WHEN_RECOGNISED).to_bytes()),
                     "partials": {str(p.trustee_index): b64(p.to_bytes()) for p in partials}},
    }


@pytest.fixture(scope="module")
def vectors() -> dict[str, Any]:
    return json.loads(VECTORS.read_text())


def test_python_still_makes_the_committed_vectors(vectors):
    assert make_vectors() == vectors


def test_the_vectors_open_with_the_server_key_and_with_two_trustees(vectors):
    server = vectors["server"]
    secret = SecretKey.from_bytes(unb64(server["secret"]))
    assert open_story_with_secret_key(secret, unb64(server["sealed"]), STORY_ON_A_DATE) == STORY.encode()
    trustees = vectors["trustees"]
    key = ThresholdKey.from_bytes(unb64(trustees["threshold_key"]))
    partials = [PartialDecryption.from_bytes(unb64(p)) for p in trustees["partials"].values()]
    assert open_story_with_partials(key, unb64(trustees["sealed"]), partials, STORY_WHEN_RECOGNISED) == STORY.encode()


# ------------------------------------------------------------------ opening only on its own terms

def test_a_story_opens_with_its_key_and_with_any_two_of_three_trustees():
    key, shares = known_threshold_key()
    sealed = seal_story(key.public_key, b"the whole story", STORY_ON_A_DATE)
    parts = {s.index: story_partial(key, s, sealed, STORY_ON_A_DATE) for s in shares}
    for pair in ((1, 2), (1, 3), (2, 3)):
        assert open_story_with_partials(key, sealed, [parts[i] for i in pair], STORY_ON_A_DATE) == b"the whole story"
    with pytest.raises(NotEnoughPartialsError):
        open_story_with_partials(key, sealed, [parts[2]], STORY_ON_A_DATE)
    assert all(verify_story_partial(key, sealed, STORY_ON_A_DATE, p) for p in parts.values())


@pytest.mark.parametrize("changed", [
    replace(STORY_ON_A_DATE, opens_on=date(2027, 2, 28)),
    replace(STORY_ON_A_DATE, story_id="1" * 32),
    replace(STORY_ON_A_DATE, union_id=13),
    replace(STORY_ON_A_DATE, time_zone="Pacific/Kiritimati"),
    replace(STORY_ON_A_DATE, opens_on=None, when_recognised=True),
], ids=["an earlier date", "another story", "another union", "another time zone", "when recognised"])
def test_a_story_does_not_open_on_other_terms(changed):
    key, shares = known_threshold_key()
    secret = SecretKey(stream("a server key")())
    for public, opener in ((key.public_key, None), (secret.public_key(), secret)):
        sealed = seal_story(public, b"only on its own terms", STORY_ON_A_DATE)
        assert verify_sealed_story(public, sealed, STORY_ON_A_DATE)
        assert not verify_sealed_story(public, sealed, changed)
        with pytest.raises(SealError):
            proven_story_point(public, sealed, changed)
        if opener is not None:
            with pytest.raises(SealError):
                open_story_with_secret_key(opener, sealed, changed)
    sealed = seal_story(key.public_key, b"only on its own terms", STORY_ON_A_DATE)
    with pytest.raises(SealError):
        story_partial(key, shares[0], sealed, changed)
    # A partial made under the true terms does not count under the changed ones either.
    honest = [story_partial(key, s, sealed, STORY_ON_A_DATE) for s in shares[:2]]
    assert not verify_story_partial(key, sealed, changed, honest[0])
    with pytest.raises(SealError):
        open_story_with_partials(key, sealed, honest, changed)


def test_every_changed_byte_is_refused():
    secret = SecretKey(stream("tampering")())
    sealed = seal_story(secret.public_key(), b"a story nobody may alter", STORY_ON_A_DATE)
    for position in [0, 1, 16, 32, 33, 64, 65, 96, STORY_HEADER_SIZE, STORY_HEADER_SIZE + 100, len(sealed) - 1]:
        altered = bytearray(sealed)
        altered[position] ^= 0x01
        assert not verify_sealed_story(secret.public_key(), bytes(altered), STORY_ON_A_DATE), position
        with pytest.raises(SealError):
            open_story_with_secret_key(secret, bytes(altered), STORY_ON_A_DATE)
    for cut in (sealed[:-1], sealed[:STORY_HEADER_SIZE], sealed + b"\0", b"", sealed[:1]):
        assert not verify_sealed_story(secret.public_key(), cut, STORY_ON_A_DATE)
    with pytest.raises(SealError):
        open_story_with_secret_key(SecretKey(stream("another key")()), sealed, STORY_ON_A_DATE)


def test_a_sealed_story_tells_its_length_only_to_the_nearest_256_bytes():
    secret = SecretKey(stream("sizes")())
    sizes = {n: len(seal_story(secret.public_key(), b"x" * n, STORY_ON_A_DATE)) for n in (0, 1, 200, 252, 253, 600)}
    assert sizes[0] == sizes[1] == sizes[200] == sizes[252] == STORY_HEADER_SIZE + STORY_PADDING_BLOCK + 16
    assert sizes[253] == sizes[0] + STORY_PADDING_BLOCK
    assert sizes[600] == sizes[0] + 2 * STORY_PADDING_BLOCK
    assert open_story_with_secret_key(secret, seal_story(secret.public_key(), b"", STORY_ON_A_DATE),
                                      STORY_ON_A_DATE) == b""


def test_a_story_is_no_survey_comment_and_no_comment_is_a_story():
    secret = SecretKey(stream("domains")())
    public = secret.public_key()
    context = STORY_ON_A_DATE.context()
    story = seal_story(public, b"a story", STORY_ON_A_DATE)
    # The same bytes presented as a comment (version 2 of crypto.sealing), under the story's very context.
    as_comment = bytes([2]) + story[1:]
    assert not verify_sealed_text(public, as_comment, context)
    # A comment of a length whose body fits a story's blocks, presented as a story.
    comment = seal_text(public, "c" * 200, context)
    assert (len(comment) - STORY_HEADER_SIZE - 16) % STORY_PADDING_BLOCK == 0
    as_story = bytes([1]) + comment[1:]
    assert not verify_sealed_story(public, as_story, STORY_ON_A_DATE)


def test_a_story_is_due_on_its_day_in_its_zone_or_once_the_union_is_recognised():
    assert not STORY_ON_A_DATE.is_due(date(2027, 2, 28), None)
    assert STORY_ON_A_DATE.is_due(date(2027, 3, 1), None)
    assert STORY_ON_A_DATE.is_due(date(2030, 1, 1), date(2020, 1, 1))
    assert not STORY_WHEN_RECOGNISED.is_due(date(2030, 1, 1), None)
    assert not STORY_WHEN_RECOGNISED.is_due(date(2027, 3, 1), date(2027, 3, 2))
    assert STORY_WHEN_RECOGNISED.is_due(date(2027, 3, 2), date(2027, 3, 2))


@pytest.mark.parametrize("fields", [
    {"story_id": "ABCDEF" * 5 + "AB"}, {"story_id": "12"}, {"union_id": 0}, {"union_id": True},
    {"opens_on": None}, {"when_recognised": True}, {"time_zone": "Europe/Madrid; drop"}, {"time_zone": ""},
    {"opens_on": datetime(2027, 3, 1)},
])
def test_terms_refuse_what_no_story_has(fields):
    with pytest.raises(DecodeError):
        replace(STORY_ON_A_DATE, **fields)


# ------------------------------------------------------------------ the JavaScript

def test_javascript_reads_the_terms_and_the_seal_as_python_does(vectors):
    server, trustees = vectors["server"], vectors["trustees"]
    earlier = {**server["terms"], "opens_on": "2027-02-28"}
    comment = seal_text(PublicKey.from_bytes(unb64(server["public_key"])), "c" * 200, STORY_ON_A_DATE.context())
    answers = batch(
        {"op": "terms", "terms": server["terms"]},
        {"op": "terms", "terms": trustees["terms"]},
        {"op": "point", "public_key": server["public_key"], "sealed": server["sealed"], "terms": server["terms"]},
        {"op": "point", "public_key": server["public_key"], "sealed": server["sealed"], "terms": earlier},
        {"op": "point", "public_key": server["public_key"], "sealed": b64(bytes([1]) + comment[1:]),
         "terms": server["terms"]},
        {"op": "point", "public_key": trustees["threshold_key"][:44], "sealed": trustees["sealed"],
         "terms": trustees["terms"]},
        {"op": "terms", "terms": {**server["terms"], "story_id": "X" * 32}},
        {"op": "terms", "terms": {**server["terms"], "when_recognised": True}},
    )
    assert answers[0] == {"ok": {"context": server["context"],
                                 "partials_context": b64(STORY_ON_A_DATE.partials_context())}}
    assert answers[1] == {"ok": {"context": trustees["context"], "partials_context": trustees["partials_context"]}}
    assert answers[2] == b64(proven_story_point(PublicKey.from_bytes(unb64(server["public_key"])),
                                                unb64(server["sealed"]), STORY_ON_A_DATE).to_bytes())
    assert answers[3] is None and answers[4] is None
    assert answers[5] is None  # not the key's public point: the header bytes of the threshold key
    assert "error" in answers[6] and "error" in answers[7]


def test_javascript_makes_the_trustees_partials_byte_for_byte(vectors):
    trustees = vectors["trustees"]
    shares = {s["index"]: s for s in trustees["shares"]}
    made = batch(*[{"op": "partial", "threshold_key": trustees["threshold_key"], "share": shares[int(i)],
                    "target": trustees["point"], "context": trustees["partials_context"], "seed": f"partial {i}"}
                   for i in trustees["partials"]])
    assert made == list(trustees["partials"].values())


#: 1 March 2027 begins in Chicago at 06:00 UTC, in Madrid at 23:00 UTC the day before.
@pytest.mark.parametrize(("zone", "moment", "day"), [
    ("America/Chicago", datetime(2027, 3, 1, 5, 59), "2027-02-28"),
    ("America/Chicago", datetime(2027, 3, 1, 6, 0), "2027-03-01"),
    ("Europe/Madrid", datetime(2027, 2, 28, 23, 0), "2027-03-01"),
    ("Pacific/Kiritimati", datetime(2027, 2, 28, 10, 0), "2027-03-01"),
])
def test_javascript_reads_the_day_in_the_unions_zone(zone, moment, day):
    assert run_js("today", time_zone=zone, now=millis(moment)) == {"ok": day}


def test_javascript_refuses_before_the_day_and_without_recognition(vectors):
    on_date, recognised = vectors["server"]["terms"], vectors["trustees"]["terms"]
    answers = batch(
        {"op": "due", "terms": on_date, "recognised_on": None, "confirmed": False,
         "now": millis(datetime(2027, 3, 1, 5, 59))},
        {"op": "due", "terms": on_date, "recognised_on": None, "confirmed": False,
         "now": millis(datetime(2027, 3, 1, 6, 0))},
        {"op": "due", "terms": recognised, "recognised_on": None, "confirmed": True,
         "now": millis(datetime(2030, 1, 1))},
        {"op": "due", "terms": recognised, "recognised_on": "2029-12-31", "confirmed": False,
         "now": millis(datetime(2030, 1, 1))},
        {"op": "due", "terms": recognised, "recognised_on": "2030-01-02", "confirmed": True,
         "now": millis(datetime(2030, 1, 1))},
        {"op": "due", "terms": recognised, "recognised_on": "2029-12-31", "confirmed": True,
         "now": millis(datetime(2030, 1, 1))},
    )
    assert "not come" in answers[0]["error"]
    assert answers[1] == {"ok": True}
    assert "nobody has recorded" in answers[2]["error"]
    assert "Tick the box" in answers[3]["error"]
    assert "not come" in answers[4]["error"]
    assert answers[5] == {"ok": True}


# ------------------------------------------------------------------ the worker, with a ceremony's key

@pytest.fixture(scope="module")
def ceremony() -> dict[str, Any]:
    """The ceremony vectors' 2-of-3 key: trustee 1's material as the server hands it to their browser
    (their personal secret sealed with the vectors' passphrase), and trustee 2's final share."""
    vectors = json.loads(CEREMONY_VECTORS.read_text())
    seal = vectors["passphrase_seals"][0]
    context = unb64(vectors["context"])
    dealings = [dkg.Dealing.from_json(d) for d in vectors["dealings"]]
    second = dkg.final_share(context, dealings, 2, Scalar.from_bytes(unb64(vectors["secrets"][1])))
    material = {"ceremony_id": vectors["ceremony_id"], "trustee_index": 1, "threshold": vectors["threshold"],
                "trustee_count": len(vectors["personal_keys"]), "context": vectors["context"],
                "personal_keys": vectors["personal_keys"], "dealings": vectors["dealings"],
                "sealed_secret": seal["sealed"]}
    return {"material": material, "passphrase": seal["passphrase"], "second": second,
            "key": ThresholdKey.from_bytes(unb64(vectors["threshold_key"]))}


def trustee_task(ceremony, terms: StoryTerms, sealed: bytes, *, recognised_on: str | None = None,
                 stated_terms: dict[str, Any] | None = None, threshold_key: bytes | None = None) -> dict[str, Any]:
    return {"terms": stated_terms or terms_json(terms), "recognised_on": recognised_on, "sealed": b64(sealed),
            "threshold_key": b64(threshold_key or ceremony["key"].to_bytes()), "ceremony": ceremony["material"]}


def run_worker(task, *, now: datetime, passphrase: str | None = None, confirmed: bool = False,
               page_clock: bool = True) -> dict[str, Any]:
    """One message to the worker, the device's clock at `now`: as the page reads it and hands it
    over (`page_clock`), or as the worker reads it itself when the page gives none."""
    message = {"id": 1, "type": "open" if passphrase else "check", "task": task, "confirmed": confirmed}
    if page_clock:
        message["now"] = millis(now)
    if passphrase:
        message["passphrase"] = passphrase
    posted = run_js("worker", messages=[message], now=millis(now))
    return next(m for m in posted if m["type"] != "progress")


def test_the_trustees_worker_gives_its_part_only_once_the_day_has_come(ceremony):
    key = ceremony["key"]
    story = "The warehouse won its heat breaks on 1 March."
    sealed = seal_story(key.public_key, story.encode(), STORY_ON_A_DATE)
    task = trustee_task(ceremony, STORY_ON_A_DATE, sealed)
    for page_clock in (True, False):
        before = run_worker(task, now=datetime(2027, 3, 1, 5, 59), passphrase=ceremony["passphrase"],
                            page_clock=page_clock)
        assert before["type"] == "error" and "not come" in before["message"]
    assert run_worker(task, now=datetime(2027, 3, 1, 6, 0), page_clock=False) == {"id": 1, "type": "checked"}
    on_the_day = run_worker(task, now=datetime(2027, 3, 1, 6, 0), passphrase=ceremony["passphrase"])
    assert on_the_day["type"] == "part", on_the_day
    mine = PartialDecryption.from_bytes(unb64(on_the_day["partial"]))
    assert mine.trustee_index == 1 and verify_story_partial(key, sealed, STORY_ON_A_DATE, mine)
    theirs = story_partial(key, ceremony["second"], sealed, STORY_ON_A_DATE)
    assert open_story_with_partials(key, sealed, [mine, theirs], STORY_ON_A_DATE).decode() == story


def test_the_trustees_worker_refuses_changed_terms_another_key_and_a_wrong_passphrase(ceremony):
    key = ceremony["key"]
    sealed = seal_story(key.public_key, b"a story of the night shift", STORY_ON_A_DATE)
    after = datetime(2027, 6, 1)
    earlier_date = {**terms_json(STORY_ON_A_DATE), "opens_on": "2027-01-01"}
    changed = run_worker(trustee_task(ceremony, STORY_ON_A_DATE, sealed, stated_terms=earlier_date),
                         now=datetime(2027, 2, 1), passphrase=ceremony["passphrase"])
    assert changed["type"] == "error" and "not the story sealed on these terms" in changed["message"]
    other_key, _ = known_threshold_key()
    foreign = run_worker(trustee_task(ceremony, STORY_ON_A_DATE, sealed, threshold_key=other_key.to_bytes()),
                         now=after, passphrase=ceremony["passphrase"])
    assert foreign["type"] == "error" and "not sealed with the key this ceremony made" in foreign["message"]
    wrong = run_worker(trustee_task(ceremony, STORY_ON_A_DATE, sealed), now=after, passphrase="not the passphrase")
    assert wrong == {"id": 1, "type": "error", "message": dkg_wrong_passphrase()}


def dkg_wrong_passphrase() -> str:
    text = (ROOT / "static" / "js" / "ceremony" / "dkg.js").read_text()
    return text.split('export const WRONG_PASSPHRASE = "', 1)[1].split('"', 1)[0]


def test_the_trustees_worker_opens_a_recognised_story_only_when_recorded_and_confirmed(ceremony):
    key = ceremony["key"]
    sealed = seal_story(key.public_key, b"recognised at last", STORY_WHEN_RECOGNISED)
    now = datetime(2028, 5, 2, 12)
    unrecorded = run_worker(trustee_task(ceremony, STORY_WHEN_RECOGNISED, sealed), now=now, confirmed=True)
    assert unrecorded["type"] == "error" and "nobody has recorded" in unrecorded["message"]
    recorded = trustee_task(ceremony, STORY_WHEN_RECOGNISED, sealed, recognised_on="2028-05-01")
    unconfirmed = run_worker(recorded, now=now, passphrase=ceremony["passphrase"])
    assert unconfirmed["type"] == "error" and "Tick the box" in unconfirmed["message"]
    assert run_worker(recorded, now=now, confirmed=True) == {"id": 1, "type": "checked"}
    given = run_worker(recorded, now=now, passphrase=ceremony["passphrase"], confirmed=True)
    mine = PartialDecryption.from_bytes(unb64(given["partial"]))
    theirs = story_partial(key, ceremony["second"], sealed, STORY_WHEN_RECOGNISED)
    assert open_story_with_partials(key, sealed, [mine, theirs], STORY_WHEN_RECOGNISED) == b"recognised at last"


if __name__ == "__main__":
    VECTORS.parent.mkdir(parents=True, exist_ok=True)
    VECTORS.write_text(json.dumps(make_vectors(), indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {VECTORS.relative_to(ROOT)}")
