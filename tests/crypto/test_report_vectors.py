"""The reports' JavaScript (static/js/grievances/crypto.js) and crypto/reports.py
make the same bytes and open each other's messages, in both directions, under node.

* Python with fixed randomness made tests/crypto/vectors/reports.json; Python
  still makes exactly it, and the JavaScript, given the same randomness and
  content key, reproduces the contexts, fingerprints and every sealed message
  byte for byte.
* Messages Python seals open in the JavaScript for each recipient; messages the
  JavaScript seals with fresh randomness verify and open in Python.
* A changed byte, another context or a key the message was not sealed to is
  refused by both.
* Personal keys the JavaScript makes (a steward's, a member's for one report)
  prove possession and open with the passphrase in Python, and the other way round.
* Further copies of a message's key (for a steward who made a key later): the
  JavaScript reproduces Python's byte for byte; each side opens the other's;
  a changed byte, another message or a copy for someone else is refused by
  both.
* The key codes a page shows (computed by the worker from the keys it seals
  to) are Python's for the same keys.
* The worker makes a key, unlocks it, seals and opens, copies a message's key
  for a newer steward, and never posts the secret, the passphrase or a
  message's content key.

Node is required, never skipped. Regenerate the vectors (only when the format
is meant to change) with ``.venv/bin/python -m tests.crypto.test_report_vectors``.
"""

from __future__ import annotations

import base64
import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from crypto import reports
from crypto.group import Point, Scalar
from crypto.sealing import ScryptParams, open_with_passphrase, seal_with_passphrase
from tests.crypto.test_browser_vectors import DeterministicScalars, node_binary

ROOT = Path(__file__).resolve().parents[2]
DRIVER = ROOT / "tests" / "crypto" / "js" / "reports_driver.mjs"
VECTORS = ROOT / "tests" / "crypto" / "vectors" / "reports.json"
FAST = ScryptParams(14, 8, 1)
PASSPHRASE = "the loading dock floods every spring"
REPORT_ID = "5be0c1d2e3f405162738495a6b7c8d9e"
ACCOUNT_REF = "account:42"
TEXTS = {
    "report": json.dumps({"v": 1, "kind": "report", "what": "No overtime pay for the Saturday shifts since May.",
                          "when": "2026-05", "others": 6, "wanted": "Pay what is owed.", "name": None,
                          "reply_key": "AAAA"}),
    "addition": "También el sábado pasado. Łódź ✊ 加班",
    "reply": "",
}


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def unb64(text: str) -> bytes:
    return base64.b64decode(text, validate=True)


def stream(seed: str) -> DeterministicScalars:
    return DeterministicScalars(seed.encode())


def run_js(op: str, **request: Any) -> Any:
    completed = subprocess.run(
        [node_binary(), str(DRIVER)], input=json.dumps({"op": op, **request}), capture_output=True, text=True,
        timeout=300, cwd=ROOT)
    assert completed.returncode == 0, f"node failed:\n{completed.stderr}"
    return json.loads(completed.stdout)["result"]


def batch(*requests: dict[str, Any]) -> list[Any]:
    return run_js("batch", requests=list(requests))


def vector_secrets() -> list[Scalar]:
    return [stream(f"recipient {i}")() for i in range(1, 4)]


def newcomer_secret() -> Scalar:
    """A steward who made their key after the vectors' messages were sealed."""
    return stream("recipient 4")()


def content_key(kind: str) -> bytes:
    return stream(f"content key {kind}")().to_bytes()


def make_vectors() -> dict[str, Any]:
    """The vectors, made by crypto/reports.py with DeterministicScalars."""
    secrets = vector_secrets()
    keys = [Point.base_times(s) for s in secrets]
    messages = {}
    for kind, text in TEXTS.items():
        context = reports.message_context(REPORT_ID, kind)
        messages[kind] = {"text": text, "context": b64(context), "content_key": b64(content_key(kind)),
                          "sealed": b64(reports.seal_message(keys, text, context, random_scalar=stream(kind),
                                                              content_key=content_key(kind)))}
    steward_context = reports.steward_key_context(ACCOUNT_REF)
    report = messages["report"]
    newcomer = Point.base_times(newcomer_secret())
    copy = reports.rewrap(secrets[1], content_key("report"), unb64(report["sealed"]), unb64(report["context"]),
                          newcomer, random_scalar=stream("rewrap"))
    return {
        "about": "Made by tests/crypto/test_report_vectors.py (python -m tests.crypto.test_report_vectors); "
                 "every value is crypto.reports', from DeterministicScalars(seed).",
        "report_id": REPORT_ID, "account_ref": ACCOUNT_REF,
        "contexts": {"steward": b64(steward_context), "member": b64(reports.member_key_context(REPORT_ID)),
                     "message": b64(reports.message_context(REPORT_ID, "report"))},
        "secrets": [b64(s.to_bytes()) for s in secrets],
        "keys": [b64(k.to_bytes()) for k in keys],
        "fingerprints": [reports.key_fingerprint(k) for k in keys],
        "possession_proof": b64(reports.prove_possession(secrets[0], keys[0], steward_context,
                                                         random_scalar=stream("possession"))),
        "messages": messages,
        "rewrap": {"message": "report", "holder": 1, "newcomer_secret": b64(newcomer_secret().to_bytes()),
                   "newcomer_key": b64(newcomer.to_bytes()), "newcomer_fingerprint": reports.key_fingerprint(newcomer),
                   "digest": b64(reports.message_digest(unb64(report["sealed"]))), "copy": b64(copy)},
    }


@pytest.fixture(scope="module")
def vectors() -> dict[str, Any]:
    return json.loads(VECTORS.read_text())


def test_python_still_makes_the_committed_vectors(vectors):
    assert make_vectors() == vectors
    secrets = [Scalar.from_bytes(unb64(s)) for s in vectors["secrets"]]
    for message in vectors["messages"].values():
        for secret in secrets:
            assert reports.open_message(secret, unb64(message["sealed"]), unb64(message["context"])) == message["text"]


def test_javascript_reproduces_the_python_vectors_byte_for_byte(vectors):
    requests: list[dict[str, Any]] = [{"op": "contexts", "account_ref": ACCOUNT_REF, "report_id": REPORT_ID,
                                       "kind": "report"}]
    requests += [{"op": "fingerprint", "public_key": key} for key in vectors["keys"]]
    requests += [{"op": "seal", "recipients": vectors["keys"], "text": m["text"], "context": m["context"],
                  "seed": kind, "content_key": m["content_key"]} for kind, m in vectors["messages"].items()]
    results = iter(batch(*requests))
    assert next(results) == vectors["contexts"]
    assert [next(results) for _ in vectors["keys"]] == vectors["fingerprints"]
    assert [next(results) for _ in vectors["messages"]] == [m["sealed"] for m in vectors["messages"].values()]


def test_javascript_reproduces_a_further_copy_byte_for_byte_and_each_side_opens_the_others(vectors):
    copied = vectors["rewrap"]
    message = vectors["messages"][copied["message"]]
    sealed, context = unb64(message["sealed"]), unb64(message["context"])
    newcomer = Scalar.from_bytes(unb64(copied["newcomer_secret"]))
    assert reports.open_rewrapped(newcomer, unb64(copied["copy"]), sealed, context) == message["text"]
    holder = vectors["secrets"][copied["holder"]]
    results = batch(
        {"op": "digest", "sealed": message["sealed"]},
        {"op": "content_key", "secret": holder, "sealed": message["sealed"], "context": message["context"]},
        {"op": "rewrap", "holder": holder, "content_key": message["content_key"], "sealed": message["sealed"],
         "context": message["context"], "recipient": copied["newcomer_key"], "seed": "rewrap"},
        {"op": "verify_rewrap", "copy": copied["copy"], "sealed": message["sealed"], "context": message["context"]},
        {"op": "open_rewrapped", "secret": copied["newcomer_secret"], "copy": copied["copy"],
         "sealed": message["sealed"], "context": message["context"]},
        # With fresh randomness, for Python to open.
        {"op": "rewrap", "holder": holder, "content_key": message["content_key"], "sealed": message["sealed"],
         "context": message["context"], "recipient": copied["newcomer_key"]},
        {"op": "fingerprint", "public_key": copied["newcomer_key"]})
    assert results[:5] == [copied["digest"], message["content_key"], copied["copy"], True, message["text"]]
    fresh = unb64(results[5])
    assert fresh != unb64(copied["copy"]) and reports.verify_rewrap(fresh, sealed, context)
    assert reports.open_rewrapped(newcomer, fresh, sealed, context) == message["text"]
    assert results[6] == copied["newcomer_fingerprint"]


def test_a_forged_or_misplaced_copy_is_refused_by_both(vectors):
    copied = vectors["rewrap"]
    message = vectors["messages"][copied["message"]]
    other = vectors["messages"]["addition"]
    sealed, context = unb64(message["sealed"]), unb64(message["context"])
    copy = unb64(copied["copy"])
    changed = []
    for at in (0, 1, 40, 70, 100, 150, 200):
        forged = bytearray(copy)
        forged[at] ^= 1
        changed.append(b64(bytes(forged)))
    for data in changed:
        assert not reports.verify_rewrap(unb64(data), sealed, context)
    assert not reports.verify_rewrap(copy, unb64(other["sealed"]), unb64(other["context"]))
    assert not reports.verify_rewrap(copy, sealed, unb64(other["context"]))
    stranger = b64(Scalar.random().to_bytes())
    requests = [{"op": "verify_rewrap", "copy": data, "sealed": message["sealed"], "context": message["context"]}
                for data in changed]
    requests += [{"op": "open_rewrapped", "secret": copied["newcomer_secret"], "copy": data,
                  "sealed": message["sealed"], "context": message["context"]} for data in changed]
    requests += [{"op": "verify_rewrap", "copy": copied["copy"], "sealed": other["sealed"], "context": other["context"]},
                 {"op": "open_rewrapped", "secret": copied["newcomer_secret"], "copy": copied["copy"],
                  "sealed": other["sealed"], "context": other["context"]},
                 {"op": "open_rewrapped", "secret": stranger, "copy": copied["copy"], "sealed": message["sealed"],
                  "context": message["context"]},
                 # A holder passes on only the key that opens the message.
                 {"op": "rewrap", "holder": vectors["secrets"][0], "content_key": other["content_key"],
                  "sealed": message["sealed"], "context": message["context"], "recipient": copied["newcomer_key"]},
                 # ... and never to a key that holds it already.
                 {"op": "rewrap", "holder": vectors["secrets"][0], "content_key": message["content_key"],
                  "sealed": message["sealed"], "context": message["context"], "recipient": vectors["keys"][2]}]
    results = batch(*requests)
    count = len(changed)
    assert results[:count] == [False] * count
    assert all("error" in r for r in results[count:2 * count]), results[count:2 * count]
    assert results[2 * count] is False
    assert results[2 * count + 1] == {"error": "This message is damaged or was changed, so it was not opened."}
    assert results[2 * count + 2] == {"error": "This message was not sealed to your key."}
    assert all("error" in r for r in results[2 * count + 3:]), results[2 * count + 3:]


def test_python_messages_open_in_javascript_for_each_recipient_and_refuse_everyone_else(vectors):
    message = vectors["messages"]["addition"]
    outsider = b64(Scalar.random().to_bytes())
    other_context = b64(reports.message_context(REPORT_ID, "reply"))
    changed = bytearray(unb64(message["sealed"]))
    changed[-1] ^= 1
    requests = [{"op": "open", "secret": s, "sealed": message["sealed"], "context": message["context"]}
                for s in vectors["secrets"]]
    requests += [{"op": "open", "secret": outsider, "sealed": message["sealed"], "context": message["context"]},
                 {"op": "open", "secret": vectors["secrets"][0], "sealed": message["sealed"], "context": other_context},
                 {"op": "open", "secret": vectors["secrets"][0], "sealed": b64(bytes(changed)),
                  "context": message["context"]},
                 {"op": "verify", "sealed": message["sealed"], "context": message["context"],
                  "recipients": vectors["keys"]},
                 {"op": "verify", "sealed": message["sealed"], "context": message["context"],
                  "recipients": vectors["keys"][:2]},
                 {"op": "verify", "sealed": b64(bytes(changed)), "context": message["context"]},
                 {"op": "recipients", "sealed": message["sealed"]}]
    results = batch(*requests)
    assert results[:3] == [message["text"]] * 3
    assert results[3] == {"error": "This message was not sealed to your key."}
    assert results[4] == results[5] == {"error": "This message is damaged or was changed, so it was not opened."}
    assert results[6:9] == [True, False, False]
    assert results[9] == vectors["keys"]


def test_javascript_messages_verify_and_open_in_python():
    pairs = [(s, Point.base_times(s)) for s in (Scalar.random(), Scalar.random())]
    keys = [b64(p.to_bytes()) for _, p in pairs]
    context = reports.message_context("a1b2c3", "reply")
    texts = ["Hablamos el lunes en la sala de descanso.", "", "x" * 5000, "ü" * 300]
    sealed = batch(*({"op": "seal", "recipients": keys, "text": t, "context": b64(context)} for t in texts))
    assert len(set(sealed)) == len(texts)
    for text, message in zip(texts, sealed, strict=True):
        raw = unb64(message)
        assert reports.verify_message(raw, context, [p for _, p in pairs])
        assert [reports.open_message(s, raw, context) for s, _ in pairs] == [text, text]


def test_javascript_refuses_to_seal_what_python_refuses():
    key = b64(Point.base_times(Scalar.random()).to_bytes())
    context = b64(reports.message_context("a1b2c3", "report"))
    results = batch({"op": "seal", "recipients": [], "text": "x", "context": context},
                    {"op": "seal", "recipients": [key, key], "text": "x", "context": context},
                    {"op": "seal", "recipients": [b64(bytes(32))], "text": "x", "context": context},
                    {"op": "seal", "recipients": [key], "text": "a" * (reports.MAX_TEXT_BYTES + 1), "context": context})
    assert all("error" in result for result in results), results
    assert results[3] == {"error": "The report is too long to send. Shorten it and try again."}


def test_personal_keys_made_in_javascript_open_in_python_and_the_other_way_round():
    steward_context = reports.steward_key_context("account:9")
    member_context = reports.member_key_context("a1b2c3")
    made = batch(*({"op": "make_key", "passphrase": PASSPHRASE, "context": b64(context),
                    "params": [FAST.log2_n, FAST.r, FAST.p]} for context in (steward_context, member_context)),
                 {"op": "make_key", "passphrase": "too short", "context": b64(steward_context),
                  "params": [FAST.log2_n, FAST.r, FAST.p]})
    for key, context in zip(made[:2], (steward_context, member_context), strict=True):
        public = Point.from_bytes(unb64(key["public_key"]))
        sealed = unb64(key["sealed_secret"])
        assert reports.check_sealed_secret(sealed)
        assert reports.verify_possession(public, unb64(key["possession_proof"]), context)
        assert not reports.verify_possession(public, unb64(key["possession_proof"]), reports.steward_key_context("x"))
        secret = Scalar.from_bytes(open_with_passphrase(sealed, PASSPHRASE, associated_data=context))
        assert Point.base_times(secret) == public
    assert made[2] == {"error": "Use a passphrase of at least 12 characters."}

    secret = Scalar.random()
    sealed = seal_with_passphrase(secret.to_bytes(), PASSPHRASE, associated_data=steward_context, params=FAST)
    opened = batch({"op": "open_key", "sealed": b64(sealed), "passphrase": PASSPHRASE, "context": b64(steward_context)},
                   {"op": "open_key", "sealed": b64(sealed), "passphrase": PASSPHRASE + "!",
                    "context": b64(steward_context)},
                   {"op": "open_key", "sealed": b64(sealed), "passphrase": PASSPHRASE, "context": b64(member_context)})
    assert opened[0] == b64(secret.to_bytes())
    assert opened[1] == opened[2] == {"error": "That passphrase does not open your key."}


def test_the_worker_makes_unlocks_seals_and_opens_and_never_posts_a_secret_or_the_passphrase():
    context = reports.member_key_context("a1b2c3")
    message_context = reports.message_context("a1b2c3", "reply")
    other = Point.base_times(Scalar.random())
    made = run_js("make_key", passphrase=PASSPHRASE, context=b64(context), params=[FAST.log2_n, FAST.r, FAST.p])
    text = "We filed it at step 1 today."
    posted = run_js("worker", messages=[
        {"id": 1, "type": "unlock", "passphrase": "not the passphrase", "keys": [
            {"sealedSecret": made["sealed_secret"], "context": b64(context)}]},
        {"id": 2, "type": "unlock", "passphrase": PASSPHRASE, "keys": [
            {"sealedSecret": made["sealed_secret"], "context": b64(context)}]},
        {"id": 3, "type": "seal", "recipients": [made["public_key"], b64(other.to_bytes())], "text": text,
         "context": b64(message_context)},
    ])
    answers = {m["id"]: m for m in posted if m["type"] != "progress"}
    assert answers[1] == {"id": 1, "type": "error", "message": "That passphrase does not open your key."}
    assert answers[2]["type"] == "unlocked" and answers[2]["opened"] == 1
    sealed = answers[3]["sealed"]
    assert reports.verify_message(unb64(sealed), message_context)
    opened = run_js("worker", messages=[
        {"id": 1, "type": "unlock", "passphrase": PASSPHRASE, "keys": [
            {"sealedSecret": made["sealed_secret"], "context": b64(context)}]},
        {"id": 2, "type": "open", "messages": [{"sealed": sealed, "context": b64(message_context)},
                                               {"sealed": sealed, "context": b64(reports.message_context("z", "reply"))}]},
    ])
    answers = {m["id"]: m for m in opened if m["type"] != "progress"}
    assert answers[2] == {"id": 2, "type": "error",
                          "message": "This message is damaged or was changed, so it was not opened."}
    single = run_js("worker", messages=[
        {"id": 1, "type": "unlock", "passphrase": PASSPHRASE, "keys": [
            {"sealedSecret": made["sealed_secret"], "context": b64(context)}]},
        {"id": 2, "type": "open", "messages": [{"sealed": sealed, "context": b64(message_context)}]},
    ])
    assert {m["id"]: m for m in single if m["type"] != "progress"}[2]["texts"] == [text]
    secret = open_with_passphrase(unb64(made["sealed_secret"]), PASSPHRASE, associated_data=context)
    wire = json.dumps(posted) + json.dumps(opened) + json.dumps(single)
    assert b64(secret) not in wire and secret.hex() not in wire and PASSPHRASE not in wire


def test_the_worker_shows_pythons_codes_and_copies_a_key_without_posting_it(vectors):
    """A steward's device, unlocked, opens a report sealed before a newer steward's key and copies its
    key for that steward: Python opens the copy with the newcomer's secret. The content key, the secret
    and the passphrase are never among what the worker posts."""
    steward_context = reports.steward_key_context("account:7")
    made = run_js("make_key", passphrase=PASSPHRASE, context=b64(steward_context), params=[FAST.log2_n, FAST.r, FAST.p])
    holder = Point.from_bytes(unb64(made["public_key"]))
    newcomer = Scalar.random()
    newcomer_key = Point.base_times(newcomer)
    context = reports.message_context("a1b2c3", "report")
    key = Scalar.random().to_bytes()
    sealed = reports.seal_message([holder, Point.base_times(Scalar.random())], "Heat in bay 2 again.", context,
                                  content_key=key)
    unrelated = reports.seal_message([Point.base_times(Scalar.random())], "not for this steward", context)
    unlock = {"id": 1, "type": "unlock", "passphrase": PASSPHRASE,
              "keys": [{"sealedSecret": made["sealed_secret"], "context": b64(steward_context)}]}
    posted = run_js("worker", messages=[
        unlock,
        {"id": 2, "type": "fingerprints", "publicKeys": vectors["keys"]},
        {"id": 3, "type": "reseal", "messages": [
            {"sealed": b64(sealed), "context": b64(context), "to": [b64(newcomer_key.to_bytes())]},
            {"sealed": b64(unrelated), "context": b64(context), "to": [b64(newcomer_key.to_bytes())]}]},
    ])
    answers = {m["id"]: m for m in posted if m["type"] != "progress"}
    assert answers[1]["publicKeys"] == [made["public_key"]]
    assert answers[2]["fingerprints"] == vectors["fingerprints"]
    [copy], refused = answers[3]["copies"]
    assert refused is None, "a message this device cannot open is not passed on"
    assert reports.open_rewrapped(newcomer, unb64(copy), sealed, context) == "Heat in bay 2 again."
    assert reports.parse_rewrap(unb64(copy)).holder == holder.to_bytes()
    # The newcomer's device opens it through the copy, in the worker too.
    newcomer_made = run_js("make_key", passphrase=PASSPHRASE, context=b64(steward_context),
                           params=[FAST.log2_n, FAST.r, FAST.p])
    newcomer_secret = Scalar.from_bytes(open_with_passphrase(unb64(newcomer_made["sealed_secret"]), PASSPHRASE,
                                                             associated_data=steward_context))
    second = reports.rewrap(Scalar.from_bytes(open_with_passphrase(unb64(made["sealed_secret"]), PASSPHRASE,
                                                                    associated_data=steward_context)),
                            key, sealed, context, Point.base_times(newcomer_secret))
    read = run_js("worker", messages=[
        {**unlock, "keys": [{"sealedSecret": newcomer_made["sealed_secret"], "context": b64(steward_context)}]},
        {"id": 2, "type": "open", "messages": [{"sealed": b64(sealed), "context": b64(context)},
                                               {"sealed": b64(sealed), "context": b64(context),
                                                "copies": [copy, b64(second)]}]},
    ])
    assert {m["id"]: m for m in read if m["type"] != "progress"}[2]["texts"] == [None, "Heat in bay 2 again."]
    wire = json.dumps(posted) + json.dumps(read)
    assert b64(key) not in wire and key.hex() not in wire and PASSPHRASE not in wire


def test_the_reports_crypto_loads_nothing_but_its_own_files():
    for path in (ROOT / "static" / "js" / "grievances").glob("*.js"):
        text = path.read_text()
        for specifier in re.findall(r"^\s*(?:import|export)\b[^;]*?\bfrom\s+[\"']([^\"']+)[\"']", text, re.M):
            assert specifier.startswith(("./", "../")), (path.name, specifier)
            assert (path.parent / specifier).resolve().is_file(), (path.name, specifier)
        for loader in ("importScripts(", "XMLHttpRequest", "WebSocket", "import(", "eval(", "new Function",
                       "innerHTML", "localStorage", "indexedDB"):
            assert loader not in text, (path.name, loader)


if __name__ == "__main__":
    VECTORS.parent.mkdir(parents=True, exist_ok=True)
    VECTORS.write_text(json.dumps(make_vectors(), indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {VECTORS.relative_to(ROOT)}")
