"""Job seekers' leverage, not union business: a candidate's looking status,
weighted preferences and proof of leverage that is not a job; experiences told
without employers; a job's requirements mapped to those experiences; and the
card a candidate shares with one employer by an unguessable, expiring,
revocable link, which carries their preconditions and questions and takes the
employer's answers.

It stands on `core`, `crypto` and the shared `ontology`, never on `organizer/`
(tests/core/test_layering.py checks it): a candidate need not be in a union,
and the union's code never learns who is looking for work. Accounts are
organizer/'s; this package knows an account only as the id its rows point to
and as the signed-in `current_user`."""
