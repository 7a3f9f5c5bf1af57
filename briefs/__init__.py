"""The negotiation brief: one page a person takes into a meeting with an employer.

From their own asks grouped by importance tier, and the market context where a
released figure exists, a person writes what to ask first (suggested from the
tiers), what to trade (their nice-to-haves), the point where they walk away,
and a pre-mortem: the worst cases, each with the answer planned for it. It
prints as a PDF and as Markdown. A person may ask someone to coach them: the
coach reads the brief and comments on it until the person revokes them.

The package knows nothing of unions or candidates. The composition root hands
it its sources (`briefs.sources.BriefSource`): a union member's demands,
a job seeker's preconditions. Each source says who may keep a brief of its
kind, gives the items (kind, tier, category, words, a market line) of an
account, and says who may coach that account. It stands on `core`, `crypto`
and the shared `ontology`, never on `organizer/` or `candidates/`
(tests/core/test_layering.py checks it). Accounts are known only as the ids
rows point to and as the signed-in `current_user`."""
