"""What the database itself gives away (PRIVACY.md invariants 1, 2 and 6):
the ballot and sealed-comment tables hold nothing that points to a person, a
session or a time, have random keys and no link to the participation ledger,
in the models and in the live schema; and after a full run in both key modes
the raw database (the SQLite file, or a pg_dump of PostgreSQL) holds no
comment text and no secret key in the clear."""

from __future__ import annotations

import sqlalchemy as sa

from core.extensions import db
from crypto import sealing
from surveys import keys, tally
from surveys.models import Ballot, KeyMode, ReleasedComment, SurveyState
from tests.dumps import raw_database
from tests.surveys.helpers import cast_all, launched_pulse, passphrase, register_trustees, voters

BALLOT_TABLES = {
    # `cell` is NULL on every ballot stored since the pool (only older ballots of
    # surveys not yet mixed have one); `sealed_cell` is padded, sealed and
    # cleared by the mix at close (see surveys/pool.py).
    "survey_ballots": {"id", "survey_id", "cell", "sealed_cell", "payload", "fingerprint"},
    "survey_sealed_comments": {"id", "survey_id", "question_id", "sealed", "digest"},
}
#: Words in a column name that would point to a person, a session, a place or a time.
TELLING_WORDS = {"voter", "user", "account", "person", "member", "ref", "session", "token", "ip", "address",
                 "email", "agent", "time", "timestamp", "date", "at", "on", "created", "updated", "seq",
                 "sequence", "serial", "participation", "ledger", "receipt"}
LINKABLE_TABLES = {"surveys", "survey_questions"}


def _words(column_name: str) -> set[str]:
    return set(column_name.lower().split("_"))


# -- the schema ----------------------------------------------------------------------------------

def test_ballot_tables_hold_no_person_session_or_time_in_the_models(app):
    for name, expected in BALLOT_TABLES.items():
        table = db.metadata.tables[name]
        # An exact list: a new column here must be argued for against PRIVACY.md first.
        assert {c.name for c in table.columns} == expected, name
        for column in table.columns:
            assert not _words(column.name) & TELLING_WORDS, f"{name}.{column.name}"
            assert not isinstance(column.type, (sa.Date, sa.DateTime, sa.Time, sa.Interval)), f"{name}.{column.name}"
            assert column.server_default is None, f"{name}.{column.name} is filled in by the database"
        assert {fk.column.table.name for fk in table.foreign_keys} <= LINKABLE_TABLES
        (key,) = table.primary_key.columns
        assert key.name == "id" and isinstance(key.type, sa.LargeBinary) and key.autoincrement is not True
        assert table.dialect_options["sqlite"]["with_rowid"] is False


def test_nothing_points_to_a_ballot_and_the_ledger_holds_only_who(app):
    for table in db.metadata.tables.values():
        assert not {fk.column.table.name for fk in table.foreign_keys} & set(BALLOT_TABLES), table.name
    ledger = db.metadata.tables["survey_participation"]
    assert {c.name for c in ledger.columns} == {"survey_id", "voter_ref"}


def test_ballot_tables_hold_no_person_session_or_time_in_the_live_database(app_ctx):
    inspector = sa.inspect(db.engine)
    for name, expected in BALLOT_TABLES.items():
        columns = inspector.get_columns(name)
        assert {c["name"] for c in columns} == expected, name
        for column in columns:
            assert not isinstance(column["type"], (sa.Date, sa.DateTime, sa.Time, sa.Interval))
            assert column.get("default") is None, f"{name}.{column['name']} is filled in by the database"
        assert {fk["referred_table"] for fk in inspector.get_foreign_keys(name)} <= LINKABLE_TABLES
        assert inspector.get_pk_constraint(name)["constrained_columns"] == ["id"]
        key_type = next(c["type"] for c in columns if c["name"] == "id")
        assert isinstance(key_type, sa.LargeBinary), f"{name}.id is {key_type}, not random bytes"
        assert _triggers(name) == [], f"{name} has a trigger"
    for fk in inspector.get_foreign_keys("survey_participation"):
        assert fk["referred_table"] == "surveys"
    if db.engine.dialect.name == "sqlite":
        # Without a rowid, SQLite stores the rows in the order of their random key, not of arrival.
        for name in BALLOT_TABLES:
            sql = db.session.execute(sa.text("SELECT sql FROM sqlite_master WHERE name = :n"), {"n": name}).scalar()
            assert "WITHOUT ROWID" in sql.upper(), name


def _triggers(table: str) -> list[dict]:
    if db.engine.dialect.name == "sqlite":
        rows = db.session.execute(sa.text("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :t"),
                                  {"t": table})
    else:
        rows = db.session.execute(sa.text("SELECT tgname AS name FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                                          "WHERE c.relname = :t AND NOT t.tgisinternal"), {"t": table})
    return [dict(row._mapping) for row in rows]


def test_ballot_keys_are_random_and_say_nothing_of_the_order_of_casting(app_ctx):
    people = voters(12)
    survey = launched_pulse(people, dimensions=())
    receipts = cast_all(survey, list(people))
    tally.close(survey)
    db.session.commit()
    rows = db.session.execute(sa.select(Ballot.id, Ballot.fingerprint).order_by(Ballot.id)).all()
    assert all(len(bytes(key)) == 16 for key, _ in rows)
    assert len({bytes(key) for key, _ in rows}) == 12
    # Ordered by key, the ballots are not in the order cast (one chance in 12! that they are).
    assert [fingerprint for _, fingerprint in rows] != [r.fingerprint for r in receipts]


# -- the raw database ----------------------------------------------------------------------------

def test_no_comment_text_or_secret_key_reaches_the_database_in_the_clear(app_ctx):
    people = voters(12)
    register_trustees("trustee:1", "trustee:2")
    server = launched_pulse(people, dimensions=(), comment_threshold=10)
    quorum = launched_pulse(people, dimensions=(), comment_threshold=10, key_mode=KeyMode.TRUSTEES, t=2,
                            trustees=["trustee:1", "trustee:2"])
    comments = {
        server: [f"Marguerite on the loading dock skips breaks {i:02d}" for i in range(10)],
        quorum: [f"Quillon from payroll fears retaliation {i:02d}" for i in range(10)],
    }
    for survey, texts in comments.items():
        cast_all(survey, list(people)[:10], comment=lambda i, texts=texts: texts[i])
        tally.close(survey)
    tally.release_with_server_key(server)
    for ref in ("trustee:1", "trustee:2"):
        tally.contribute(quorum, ref, passphrase(ref))
    assert server.state == quorum.state == SurveyState.RELEASED
    # The secrets the run made, read back through the app (never stored like this).
    secrets = {"server key": keys.server_secret_key(server).to_bytes()}
    for trustee in quorum.trustees:
        ref = trustee.trustee_ref
        secrets[f"{ref} share"] = keys.open_share(quorum, trustee, passphrase(ref)).scalar.to_bytes()
        secrets[f"{ref} personal key"] = sealing.open_with_passphrase(
            keys.trustee_key(ref).sealed_secret, passphrase(ref), associated_data=f"leverage/trustee-key/{ref}".encode())
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReleasedComment)) == 20

    raw = raw_database(db.engine.url)

    # A control: plain, non-secret data *is* found, so the search itself works.
    assert b"How willing are you to act?" in raw
    for texts in comments.values():
        for text in texts:
            for encoding in ("utf-8", "utf-16-le"):
                assert text.encode(encoding) not in raw, f"a comment is readable in the raw database: {text}"
    # Distinctive words alone, too: not even a fragment of a comment.
    assert b"Marguerite" not in raw and b"Quillon" not in raw
    for label, secret in secrets.items():
        assert len(secret) == 32
        for form in (secret, secret.hex().encode(), secret.hex().upper().encode()):
            assert form not in raw, f"the {label} is readable in the raw database"
