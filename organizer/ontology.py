"""The importance ontology: what a demand is (kind), how much it matters (tier),
the leverage it rests on (basis) and the part of the job it concerns (category).

It sits on organizer/'s floor, below every feature package, because more than one
layer speaks it: demands are written in it, and the unit pulse offers its
categories as the standard "top issues" (their labels are the stored option
strings of released surveys, so a label changes only with a plan for those)."""

from __future__ import annotations

from core.labels import LabelledEnum


class DemandKind(LabelledEnum):
    DEMAND = "demand", "Demand (asks the employer to act)"
    QUESTION = "question", "Question (asks for information)"


class Tier(LabelledEnum):
    """Importance, ordered from the most to the least; each tier's weight ranks demands."""

    DEALBREAKER = "dealbreaker", "Dealbreaker"
    PRIORITY = "priority", "Priority"
    IMPORTANT = "important", "Important"
    NICE_TO_HAVE = "nice_to_have", "Nice to have"
    CURIOUS = "curious", "Curious"

    @property
    def rank(self) -> int:
        return list(Tier).index(self) + 1

    @property
    def weight(self) -> int:
        """Used in rankings: a dealbreaker counts five times a merely curious question."""
        return {"dealbreaker": 5, "priority": 4, "important": 3, "nice_to_have": 2, "curious": 1}[self.value]

    @property
    def meaning(self) -> str:
        return {"dealbreaker": "I would leave or strike over it",
                "priority": "Strongly wanted; I would trade other items for it",
                "important": "Matters to me; worth pushing for",
                "nice_to_have": "Welcome, but I would not trade anything for it",
                "curious": "Information wanted, no stake (questions only)"}[self.value]


class Basis(LabelledEnum):
    """The leverage a demand rests on."""

    PERFORMANCE = "performance", "Performance (rewards: raise, promotion)"
    GROWTH = "growth", "Growth (training, education)"
    NEEDS = "needs", "Needs (accommodation, conditions that block good work)"
    COLLECTIVE = "collective", "Collective (a condition for the whole unit)"
    MARKET = "market", "Market (comparison information)"

    @property
    def rests_on(self) -> str:
        """How a demand's card, the summary and its exports name its basis."""
        return f"rests on {self.label[:1].lower()}{self.label[1:]}"


class Category(LabelledEnum):
    """Job-quality components."""

    PAY = "pay", "Pay"
    BENEFITS = "benefits", "Benefits"
    SCHEDULING = "scheduling", "Scheduling and flexibility"
    SECURITY_CONDITIONS = "security_conditions", "Job security and working conditions (incl. safety)"
    CAREER = "career", "Skills and career advancement"
    REPRESENTATION = "representation", "Empowerment and representation"
    CULTURE = "culture", "Organizational culture"
    DEIA = "deia", "Diversity, equity, inclusion and accessibility"
    HIRING = "hiring", "Recruitment and hiring"
