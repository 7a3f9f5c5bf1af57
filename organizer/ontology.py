"""The importance ontology: what a demand is (kind), how much it matters (tier),
the leverage it rests on (basis) and the part of the job it concerns (category).

It sits on organizer/'s floor, below every feature package, because more than one
layer speaks it: demands are written in it, and the unit pulse offers its
categories as the standard "top issues" (their labels are the stored option
strings of released surveys, so a label changes only with a plan for those)."""

from __future__ import annotations

import enum


class DemandKind(enum.StrEnum):
    DEMAND = "demand"  #: asks the employer to act
    QUESTION = "question"  #: asks the employer for information

    @property
    def label(self) -> str:
        return {"demand": "Demand (asks the employer to act)",
                "question": "Question (asks for information)"}[self.value]


class Tier(enum.StrEnum):
    """Importance, ordered from the most to the least; each tier's weight ranks demands."""

    DEALBREAKER = "dealbreaker"
    PRIORITY = "priority"
    IMPORTANT = "important"
    NICE_TO_HAVE = "nice_to_have"
    CURIOUS = "curious"

    @property
    def rank(self) -> int:
        return list(Tier).index(self) + 1

    @property
    def weight(self) -> int:
        """Used in rankings: a dealbreaker counts five times a merely curious question."""
        return {"dealbreaker": 5, "priority": 4, "important": 3, "nice_to_have": 2, "curious": 1}[self.value]

    @property
    def label(self) -> str:
        return {"dealbreaker": "Dealbreaker", "priority": "Priority", "important": "Important",
                "nice_to_have": "Nice to have", "curious": "Curious"}[self.value]

    @property
    def meaning(self) -> str:
        return {"dealbreaker": "I would leave or strike over it",
                "priority": "Strongly wanted; I would trade other items for it",
                "important": "Matters to me; worth pushing for",
                "nice_to_have": "Welcome, but I would not trade anything for it",
                "curious": "Information wanted, no stake (questions only)"}[self.value]


class Basis(enum.StrEnum):
    """The leverage a demand rests on."""

    PERFORMANCE = "performance"
    GROWTH = "growth"
    NEEDS = "needs"
    COLLECTIVE = "collective"
    MARKET = "market"

    @property
    def label(self) -> str:
        return {"performance": "Performance (rewards: raise, promotion)",
                "growth": "Growth (training, education)",
                "needs": "Needs (accommodation, conditions that block good work)",
                "collective": "Collective (a condition for the whole unit)",
                "market": "Market (comparison information)"}[self.value]


class Category(enum.StrEnum):
    """Job-quality components."""

    PAY = "pay"
    BENEFITS = "benefits"
    SCHEDULING = "scheduling"
    SECURITY_CONDITIONS = "security_conditions"
    CAREER = "career"
    REPRESENTATION = "representation"
    CULTURE = "culture"
    DEIA = "deia"
    HIRING = "hiring"

    @property
    def label(self) -> str:
        return {"pay": "Pay", "benefits": "Benefits", "scheduling": "Scheduling and flexibility",
                "security_conditions": "Job security and working conditions (incl. safety)",
                "career": "Skills and career advancement", "representation": "Empowerment and representation",
                "culture": "Organizational culture",
                "deia": "Diversity, equity, inclusion and accessibility",
                "hiring": "Recruitment and hiring"}[self.value]
