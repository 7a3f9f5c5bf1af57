"""Pay surveys: pay bands, the middle and quarters of pay estimated from a
released count per band, and the pay scale of each role as released.

A pay survey is an ordinary survey of the engine, answered and counted like
every other: the pay is one single-choice question whose options are bands
("$19 to $20"), encrypted one-hot with its validity proofs, so the booth in the
browser, the ballot box, the tally and the election record take it unchanged.
Nothing here decrypts or reads a ballot; it reads released counts only.

How a role is broken out, and why that way (PRIVACY.md). A role is the
survey's one breakdown dimension, declared before launch like a department:
each person's role is known to whoever launches (the union side takes it from
the role each member chose for themselves, weeks before), `plan_segments`
merges every role with fewer than k people into "Other" (and more, so that
"Other" is never a group of fewer than k), and each ballot is summed in its
cell at close and never stored with it. So:

* A ballot's stored plaintext says nothing of its role: its cell is held only
  sealed (in the survey's pool, or padded and sealed on its row) until the mix
  at close, which sums by cell in memory and drops it; the eligibility row
  ties a person to a cell of at least k eligible people, as it does for
  departments, and roles are job titles the employer knows. The pay answer
  itself is ciphertexts of 0 and 1 with their proofs, one per band, the same
  size whichever band was chosen.
* Small roles are merged up before anyone answers: `plan_segments` counts
  every role with fewer than k eligible people under "Other", and more roles
  with it where "Other" would otherwise be a group of fewer than k (the whole
  minus the roles shown), or drops the breakdown by role altogether.
* Per role, `decide_release` approves a role's counts only when at least k
  answered in it and no subtraction from this survey's other groups (the whole
  minus the other roles), from an earlier survey over the same people or from
  the people the reader may know singles out fewer than k. A pay survey is
  set against every released pulse, bargaining, vote and pay survey that
  shares a respondent (`tally._earlier_released_sets`): two roles whose union
  is released, or two rounds a person apart, show nothing a reader could
  subtract. A role withheld for any reason shows nothing but that it is.
* The alternative, a role × band one-hot matrix in one question, would make
  every role's bands one decrypted sum of the whole survey: the counts of a
  role two people hold would be decrypted (and stored) with the rest, and the
  release rules, which reason about groups of people, could not see inside it.
  A role chosen on the ballot itself would tell the server, as the ballot
  arrives, who holds which role and when they answered. Neither is done.

What stays outside, as for every breakdown: a role group whose answers all
fall in one band tells each of its members' band, whatever its size; k is the
floor, not a promise of ambiguity. The tenure and hours questions are
released as their own counts per group, never crossed with pay.

One basis per survey. A survey asks pay by the hour or by the year, never
both: a group's figures then hold only answers of one basis, and no figure
mixes them. (Asking both in one survey would leave, inside each released
group, a sub-group by basis that the release rules never judged: two yearly
answers in a group of nine would show those two people's bands.) A unit with
both kinds of pay runs one survey of each.

The middle and the quarters (the method, stated on every results page). The
answers are put in order from the lowest band to the highest. The middle of
the pay is the band holding answer ⌈n/2⌉ of n; the bottom quarter ends in the
band holding answer ⌈n/4⌉; the top quarter starts in the band holding answer
⌈3n/4⌉ (the nearest-rank rule). Nothing is interpolated inside a band, so no
figure claims more precision than the bands hold: "the top quarter starts at
$23" says that at least a quarter of the answers are in the $23 band or above.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from flask_babel import gettext

from core.i18n import format_decimal, format_number
from surveys.errors import SurveyError
from surveys.models import Question
from surveys.release import OTHER
from surveys.results import ReleasedGroup, ReleasedResult

#: The most bands a pay question may have: a ballot carries at most 64 options
#: (crypto.ballot.MAX_OPTIONS), and a phone shows 60 at a scroll.
MAX_BANDS = 60

#: The breakdown dimension a pay survey is declared with.
ROLE = "role"

#: The highest pay a band may name, in cents: far above any pay, low enough to be no typing slip's.
HIGHEST_AMOUNT = 100_000_000 * 100


@dataclass(frozen=True, order=True)
class Band:
    """One pay band, in cents: from `low` (included) up to `high` (not included),
    or `low` and over when `high` is None (only a survey's last band)."""

    low: int
    high: int | None = None

    @property
    def is_open(self) -> bool:
        return self.high is None

    def to_json(self) -> list[int | None]:
        return [self.low, self.high]

    @classmethod
    def from_json(cls, data) -> Band:
        low, high = data
        return cls(int(low), None if high is None else int(high))


# -- amounts ------------------------------------------------------------------------------------

def amount_text(cents: int) -> str:
    """An amount as the language writes it, with cents only when it has some: "19", "19.50", "45,000"."""
    return format_number(cents // 100) if cents % 100 == 0 else format_decimal(Decimal(cents) / 100, 2)


_AMOUNT = r"[$€£]?\s*\d[\d.,\s]*"


def parse_amount(text: str) -> int | None:
    """Cents from an amount as someone types it ("$19", "19.50", "45,000", "45.000", "19,50"), or None.

    A comma or dot followed by exactly three digits (and nothing after them but
    more such groups) separates thousands; one followed by one or two digits at
    the end is the decimal mark; so both "45,000" and Spanish "19,50" read as meant."""
    raw = re.sub(r"[\s$€£]", "", text or "")
    if not raw or not re.fullmatch(r"\d[\d.,]*", raw):
        return None
    whole, cents = raw, "0"
    decimal = re.search(r"[.,](\d{1,2})$", raw)
    if decimal:
        whole, cents = raw[:decimal.start()], decimal.group(1).ljust(2, "0")
    if whole and not re.fullmatch(r"\d{1,3}(?:[.,]\d{3})*|\d+", whole):
        return None
    try:
        value = int(Decimal(re.sub(r"[.,]", "", whole) or "0") * 100 + int(cents))
    except InvalidOperation:
        return None
    return value if value <= HIGHEST_AMOUNT else None


# -- the bands an organizer sets ----------------------------------------------------------------

def _refuse(message: str) -> SurveyError:
    return SurveyError(message, field="bands")


def check_bands(bands: tuple[Band, ...] | list[Band]) -> tuple[Band, ...]:
    """The bands, refused unless they run from the lowest up without a gap or an
    overlap, each wider than nothing, at most MAX_BANDS, with only the last open."""
    bands = tuple(bands)
    if len(bands) < 2:
        raise _refuse(gettext("Give at least two pay bands."))
    if len(bands) > MAX_BANDS:
        raise _refuse(gettext("Give at most %(max)d pay bands: %(num)d were given. Use wider bands.",
                              max=MAX_BANDS, num=len(bands)))
    for number, band in enumerate(bands, 1):
        if band.low < 0 or band.low > HIGHEST_AMOUNT or (band.high is not None and band.high > HIGHEST_AMOUNT):
            raise _refuse(gettext("Band %(number)d: give amounts from 0 up.", number=number))
        if band.is_open and number != len(bands):
            raise _refuse(gettext("Only the last band can be open at the top (“%(low)s and over”).",
                                  low=amount_text(band.low)))
        if band.high is not None and band.high <= band.low:
            raise _refuse(gettext("Band %(number)d, from %(low)s to %(high)s, holds no pay: each band must end "
                                  "above where it starts.", number=number, low=amount_text(band.low),
                                  high=amount_text(band.high)))
    for number, (before, after) in enumerate(zip(bands, bands[1:]), 1):
        if after.low < before.high:
            raise _refuse(gettext("Bands %(first)d and %(second)d overlap: one ends at %(end)s, the next starts at "
                                  "%(start)s. Each pay must fall in exactly one band.", first=number,
                                  second=number + 1, end=amount_text(before.high), start=amount_text(after.low)))
        if after.low > before.high:
            raise _refuse(gettext("Between bands %(first)d and %(second)d there is a gap, from %(end)s to %(start)s: "
                                  "a pay there would fit no band. Start each band where the one before ends.",
                                  first=number, second=number + 1, end=amount_text(before.high),
                                  start=amount_text(after.low)))
    return bands


def bands_in_steps(start: int, width: int, count: int, *, open_top: bool) -> tuple[Band, ...]:
    """`count` bands `width` wide from `start` (cents), and, with `open_top`, one more
    for everything from where they end: "$40 and over"."""
    if width <= 0:
        raise _refuse(gettext("Each band must be wider than nothing: give a step above 0."))
    if count < 1:
        raise _refuse(gettext("Give at least one band."))
    if count + open_top > MAX_BANDS:
        raise _refuse(gettext("Give at most %(max)d pay bands: %(num)d were given. Use wider bands.",
                              max=MAX_BANDS, num=count + open_top))
    bands = [Band(start + i * width, start + (i + 1) * width) for i in range(count)]
    if open_top:
        bands.append(Band(start + count * width))
    return check_bands(bands)


_RANGE = re.compile(rf"^\s*(?P<low>{_AMOUNT}?)\s*(?:-|–|—|to|a|hasta)\s*(?P<high>{_AMOUNT})\s*$", re.I)
_OPEN = re.compile(rf"^\s*(?P<low>{_AMOUNT}?)\s*(?:\+|and over|or more|and up|y más|o más)\s*$", re.I)


def parse_band_list(text: str) -> tuple[Band, ...]:
    """Bands written one a line, lowest first: "15-16", "$16.50 to $17", and a last
    "40+" (or "40 and over") for an open top band; refused as `check_bands` refuses."""
    bands = []
    lines = [line for line in (text or "").splitlines() if line.strip()]
    if len(lines) > MAX_BANDS:
        raise _refuse(gettext("Give at most %(max)d pay bands: %(num)d were given. Use wider bands.",
                              max=MAX_BANDS, num=len(lines)))
    for number, line in enumerate(lines, 1):
        found = _RANGE.match(line) or _OPEN.match(line)
        low = parse_amount(found.group("low")) if found else None
        high = parse_amount(found.group("high")) if found and "high" in found.groupdict() else None
        if low is None or (found.re is _RANGE and high is None):
            raise _refuse(gettext("Line %(number)d, “%(line)s”, is not a band: write one band a line, as "
                                  "“15-16”, and “40+” for a top band with no end.", number=number,
                                  line=line.strip()[:40]))
        bands.append(Band(low, high))
    return check_bands(bands)


# -- the middle and the quarters ----------------------------------------------------------------

def band_of_answer(counts: tuple[int, ...] | list[int], rank: int) -> int:
    """The index of the band holding the `rank`-th answer (from 1), the answers
    put in order from the lowest band to the highest."""
    seen = 0
    for index, count in enumerate(counts):
        seen += count
        if seen >= rank:
            return index
    raise ValueError(f"there are only {seen} answers, not {rank}")


def nearest_rank(answered: int, numerator: int, denominator: int) -> int:
    """⌈answered × numerator / denominator⌉, at least 1: which answer marks that share."""
    return max(1, -(-answered * numerator // denominator))


@dataclass(frozen=True)
class Quarters:
    """Band indices (into the survey's bands) of the nearest-rank quartiles."""

    #: The band holding answer ⌈n/4⌉: the bottom quarter ends in it.
    bottom: int
    #: The band holding answer ⌈n/2⌉: the middle of the pay.
    middle: int
    #: The band holding answer ⌈3n/4⌉: the top quarter starts in it.
    top: int


def quarters(counts: tuple[int, ...] | list[int]) -> Quarters | None:
    """The quartile bands of these counts per band, or None when nobody answered."""
    answered = sum(counts)
    if answered <= 0 or any(count < 0 for count in counts):
        return None
    return Quarters(*(band_of_answer(counts, nearest_rank(answered, share, 4)) for share in (1, 2, 3)))


@dataclass(frozen=True)
class Gap:
    """How far apart two bands are: the least and the most two pays in them can differ
    by, in cents (`most` None when the higher band is open at the top)."""

    bands_apart: int
    least: int
    most: int | None


def gap_between(bands: tuple[Band, ...], higher: int, lower: int) -> Gap:
    """The gap between a pay in band `higher` and one in band `lower` (indices, higher ≥ lower)."""
    if higher < lower:
        raise ValueError("the higher band comes first")
    top, bottom = bands[higher], bands[lower]
    if higher == lower:
        return Gap(0, 0, None if top.is_open else top.high - top.low)
    return Gap(higher - lower, top.low - bottom.high, None if top.is_open else top.high - bottom.low)


# -- the scale of each role, as released ---------------------------------------------------------

@dataclass(frozen=True)
class GroupScale:
    """One released group of a pay survey (the whole, or one role): its counts per
    band and their quartiles when shown; only that it is withheld (and why) when not."""

    #: The role as the breakdown names it (OTHER for the merged small roles); None for the whole.
    role: str | None
    respondents: int
    is_shown: bool
    withheld_reason: str | None
    #: Answers per band, in the bands' order; None when withheld.
    counts: tuple[int, ...] | None
    quarters: Quarters | None

    @property
    def is_other(self) -> bool:
        return self.role == OTHER


@dataclass(frozen=True)
class Spread:
    """The gap between the highest and the lowest middle of pay among the roles shown on their own."""

    highest: GroupScale
    lowest: GroupScale
    gap: Gap


@dataclass(frozen=True)
class PayRelease:
    whole: GroupScale
    #: The role groups in the declared order, the merged "Other" last; empty without a breakdown by role.
    roles: tuple[GroupScale, ...]
    spread: Spread | None

    def role(self, name: str) -> GroupScale | None:
        """The group of a role by its name, when the breakdown has one of its own."""
        return next((group for group in self.roles if group.role and group.role.casefold() == name.casefold()), None)


def _group_scale(group: ReleasedGroup, band_question: Question) -> GroupScale:
    counts = group.counts_for(band_question) if group.is_shown else None
    return GroupScale(group.label if group.dimension else None, group.respondents, counts is not None,
                      group.withheld_reason, tuple(counts) if counts is not None else None,
                      quarters(counts) if counts is not None else None)


def pay_release(result: ReleasedResult, band_question: Question, bands: tuple[Band, ...]) -> PayRelease:
    """Each group of a released pay survey as a pay scale, and the spread between the
    middles of the roles shown on their own (the merged "Other" is no role of its own)."""
    whole = _group_scale(result.whole, band_question)
    roles = tuple(_group_scale(group, band_question) for group in result.breakdowns.get(ROLE, ()))
    named = [group for group in roles if group.is_shown and not group.is_other and group.quarters is not None]
    spread = None
    if len(named) >= 2:
        ordered = sorted(named, key=lambda group: (group.quarters.middle, group.role))
        lowest, highest = ordered[0], ordered[-1]
        spread = Spread(highest, lowest, gap_between(bands, highest.quarters.middle, lowest.quarters.middle))
    return PayRelease(whole, roles, spread)
