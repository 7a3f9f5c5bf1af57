"""The importance ontology: what an ask is (kind), how much it matters (tier), the
leverage it rests on (basis), the part of the job it concerns (category), and the
words an employer answers it with (response).

Two domains speak it, and neither may import the other: a union member's demands
(organizer/) and a job seeker's preferences, preconditions and questions
(candidates/). So it lives here, beside them, importing nothing of either. The
category labels are also the stored option strings of released pulse surveys
(the standard "top issues"): a label changes only with a plan for those."""

from __future__ import annotations

from flask_babel import lazy_gettext

from core.labels import LabelledEnum


class DemandKind(LabelledEnum):
    DEMAND = "demand", lazy_gettext("Demand (asks the employer to act)")
    QUESTION = "question", lazy_gettext("Question (asks for information)")


class Tier(LabelledEnum):
    """Importance, ordered from the most to the least; each tier's weight ranks demands."""

    DEALBREAKER = "dealbreaker", lazy_gettext("Dealbreaker")
    PRIORITY = "priority", lazy_gettext("Priority")
    IMPORTANT = "important", lazy_gettext("Important")
    NICE_TO_HAVE = "nice_to_have", lazy_gettext("Nice to have")
    CURIOUS = "curious", lazy_gettext("Curious")

    @property
    def rank(self) -> int:
        return list(Tier).index(self) + 1

    @property
    def weight(self) -> int:
        """Used in rankings: a dealbreaker counts five times a merely curious question."""
        return {"dealbreaker": 5, "priority": 4, "important": 3, "nice_to_have": 2, "curious": 1}[self.value]

    @property
    def meaning(self) -> str:
        return {"dealbreaker": lazy_gettext("I would leave or strike over it"),
                "priority": lazy_gettext("Strongly wanted; I would trade other items for it"),
                "important": lazy_gettext("Matters to me; worth pushing for"),
                "nice_to_have": lazy_gettext("Welcome, but I would not trade anything for it"),
                "curious": lazy_gettext("Information wanted, no stake (questions only)")}[self.value]


class Basis(LabelledEnum):
    """The leverage a demand rests on."""

    PERFORMANCE = "performance", lazy_gettext("Performance (rewards: raise, promotion)")
    GROWTH = "growth", lazy_gettext("Growth (training, education)")
    NEEDS = "needs", lazy_gettext("Needs (accommodation, conditions that block good work)")
    COLLECTIVE = "collective", lazy_gettext("Collective (a condition for the whole unit)")
    MARKET = "market", lazy_gettext("Market (comparison information)")

    @property
    def rests_on(self) -> str:
        """How a demand's card, the summary and its exports name its basis (a phrase of its own
        per basis: the words around a label differ between languages)."""
        return {"performance": lazy_gettext("rests on performance (rewards: raise, promotion)"),
                "growth": lazy_gettext("rests on growth (training, education)"),
                "needs": lazy_gettext("rests on needs (accommodation, conditions that block good work)"),
                "collective": lazy_gettext("rests on collective (a condition for the whole unit)"),
                "market": lazy_gettext("rests on market (comparison information)")}[self.value]


class Category(LabelledEnum):
    """Job-quality components."""

    PAY = "pay", lazy_gettext("Pay")
    BENEFITS = "benefits", lazy_gettext("Benefits")
    SCHEDULING = "scheduling", lazy_gettext("Scheduling and flexibility")
    SECURITY_CONDITIONS = "security_conditions", lazy_gettext("Job security and working conditions (incl. safety)")
    CAREER = "career", lazy_gettext("Skills and career advancement")
    REPRESENTATION = "representation", lazy_gettext("Empowerment and representation")
    CULTURE = "culture", lazy_gettext("Organizational culture")
    DEIA = "deia", lazy_gettext("Diversity, equity, inclusion and accessibility")
    HIRING = "hiring", lazy_gettext("Recruitment and hiring")


class EmployerResponse(LabelledEnum):
    """An employer's answer to an ask: a steward records it for a member's demand; an
    employer gives it through a candidate's card (never "no answer": that is its absence)."""

    SUPPORTS = "supports", lazy_gettext("Supports")
    PARTLY = "partly", lazy_gettext("Partly")
    REFUSES = "refuses", lazy_gettext("Refuses")
    NO_ANSWER = "no_answer", lazy_gettext("No answer")
