"""How long statutory episodes last in the synthetic local authority, and the steady state.

A council's stock of children in need, on a plan or in care is the flow of new episodes times
how long they last (stock = starts a year x mean years). The generator keeps the history in a
steady state, so that the stock at any 31 March of the history is about the stock at the
reference date:
- each statutory referral (one not ending with no further action) is one kind of episode, in
  EPISODE_SHARES, lasting a time drawn from its Durations;
- a referral of the history must close before the reference date (the children open then are
  the casework's), so its kind and length are drawn given the room it has: kinds in proportion
  to their share times the chance of fitting the room, lengths from their distribution cut at
  the room;
- the casework's children open at the reference date started as long ago as children open on a
  day of a steady state did: ages drawn from the length-biased distribution (a long episode is
  more likely to be open on a given day), `Durations.draw_open`;
- episodes open when the front door's history begins (contacts.HISTORY_START) started before
  it, drawn the same way, as many as the stock wants less the casework's begun by then
  (contacts.FrontDoorHistory._earlier_episodes);
- left to chance, a stock of a few hundred wanders by 5% or more (a Poisson count's spread):
  as the history is made, the kinds drawn lean towards a stock short of its target (Stock,
  choose_kind), and child in need services last a little longer while the stock is short.

Each length is a mixture of spells: at least `shortest` days, then either an exponential tail
(`mean_extra` days on average) or an even spread up to `longest`. The shares and lengths are
hand-set (unverified) to give Luton's stocks at 31 March 2023 (seed 000, DOMAIN.md "Published
figures": 1,647 children in need, 378 in care, about 270 on a plan) from its 3,164 referrals a
year, 36.8% of them with no further action, and about 160 children starting care a year (157
in 2013, seed 001); child protection plans last about 10 months on average (hand-set, within
the 9 to 15 months usual in England).
"""

import heapq
import math
import random
from dataclasses import dataclass
from datetime import date, timedelta

YEAR_DAYS = 365.25


@dataclass(frozen=True)
class Spell:
    weight: float
    shortest: float  # days
    mean_extra: float = 0.0  # days beyond the shortest, exponentially distributed
    longest: float | None = None  # instead of a tail: evenly spread from shortest to this

    @property
    def mean(self) -> float:
        if self.longest is not None:
            return (self.shortest + self.longest) / 2
        return self.shortest + self.mean_extra

    def within(self, days: float) -> float:
        """The chance this spell is over in fewer than `days`."""
        if days <= self.shortest:
            return 0.0
        if self.longest is not None:
            return min(1.0, (days - self.shortest) / max(1e-9, self.longest - self.shortest))
        if self.mean_extra <= 0:
            return 1.0
        return 1.0 - math.exp(-(days - self.shortest) / self.mean_extra)

    def draw(self, rng: random.Random, below: float | None = None) -> float:
        """A length; shorter than `below` when given (within(below) must be more than 0)."""
        top = 1.0 if below is None else self.within(below)
        u = rng.random() * top
        if self.longest is not None:
            return self.shortest + u * (self.longest - self.shortest)
        return self.shortest - self.mean_extra * math.log1p(-u)

    def draw_length_biased(self, rng: random.Random) -> float:
        """The whole length of a spell open on a random day: density in proportion to length
        times the spell's own density."""
        if self.longest is not None:
            a, b = self.shortest, self.longest
            return math.sqrt(a * a + rng.random() * (b * b - a * a))
        c, m = self.shortest, self.mean_extra
        if m <= 0:
            return c
        # (c + x) e^(-x/m): an exponential with weight c, a gamma(2, m) with weight m.
        extra = -m * math.log1p(-rng.random())
        if rng.random() >= c / (c + m):
            extra -= m * math.log1p(-rng.random())
        return c + extra


class Durations:
    """A length in days drawn from a mixture of spells."""

    def __init__(self, *spells: Spell):
        total = sum(s.weight for s in spells)
        self.spells = tuple(
            Spell(s.weight / total, s.shortest, s.mean_extra, s.longest) for s in spells
        )

    @classmethod
    def mixture(cls, *parts: tuple[float, "Durations"]) -> "Durations":
        return cls(
            *(
                Spell(share * s.weight, s.shortest, s.mean_extra, s.longest)
                for share, durations in parts
                for s in durations.spells
            )
        )

    def shifted(self, days: float) -> "Durations":
        """The same lengths less `days` (never below one day)."""
        return Durations(
            *(
                Spell(
                    s.weight,
                    max(1.0, s.shortest - days),
                    s.mean_extra,
                    None if s.longest is None else max(2.0, s.longest - days),
                )
                for s in self.spells
            )
        )

    @property
    def mean(self) -> float:
        return sum(s.weight * s.mean for s in self.spells)

    def within(self, days: float) -> float:
        return sum(s.weight * s.within(days) for s in self.spells)

    def draw(
        self, rng: random.Random, below: float | None = None, *, tilt: float = 1.0
    ) -> int | None:
        """Whole days; fewer than `below` when given (None when nothing fits). A tilt above 1
        makes the longer spells likelier (below 1, the shorter)."""
        mean = self.mean
        weights = [s.weight * tilt ** (s.mean / mean - 1) for s in self.spells]
        if below is None:
            return int(self._pick(rng, weights).draw(rng))
        weights = [w * s.within(below) for w, s in zip(weights, self.spells, strict=True)]
        if sum(weights) <= 0:
            return None
        spell = self._pick(rng, weights)
        return min(int(spell.draw(rng, below)), math.ceil(below) - 1)

    def draw_open(self, rng: random.Random) -> tuple[int, int]:
        """(days since it began, days until it ends) of one open on a random day of a steady
        state."""
        spell = self._pick(rng, [s.weight * s.mean for s in self.spells])
        length = spell.draw_length_biased(rng)
        age = rng.random() * length
        return int(age), int(length - age)

    def open_ages(self, rng: random.Random, count: int, *, fineness: int = 16) -> list[int]:
        """`count` ages (days since it began) of episodes open on a day of a steady state, in
        random order, spread evenly over their distribution (every `fineness`-th of a sorted
        larger draw), so that a few hundred of them follow it closely."""
        drawn = sorted(self.draw_open(rng)[0] for _ in range(count * fineness))
        ages = [drawn[i * fineness + rng.randrange(fineness)] for i in range(count)]
        rng.shuffle(ages)
        return ages

    def _pick(self, rng: random.Random, weights: list[float]) -> Spell:
        point = rng.random() * sum(weights)
        for spell, weight in zip(self.spells, weights, strict=True):
            point -= weight
            if point < 0:
                return spell
        return self.spells[-1]


# ----- calibration (see the module's docstring) ------------------------------------------------

# What a statutory referral became, as a share of those not ending with no further action.
ASSESSMENT_ONLY, CHILD_IN_NEED, PROTECTION, CARE = "assessment", "cin", "cp", "care"
EPISODE_SHARES = {ASSESSMENT_ONLY: 0.4425, CHILD_IN_NEED: 0.325, PROTECTION: 0.16, CARE: 0.0725}
# Children starting care are mostly babies and teenagers: roughly England's starts by age
# (DfE, Children looked after in England 2023, approximately: under 1 18%, 1 to 4 14%, 5 to 9
# 16%, 10 to 15 32%, 16 and over 20%) over the share of each age among the children referred
# (about even): (under this age in years, how much likelier a referral is to lead to care).
CARE_BY_AGE = ((1, 3.3), (5, 0.64), (10, 0.57), (16, 0.97), (18, 1.8))
# A teenager who comes into care mostly stays until 18 (in England about a third of those
# who leave care in a year are 18, DfE Children looked after 2023, approximately): from this
# age their periods of care lean this much to the long spells (Durations.draw's tilt),
# hand-set.
CARE_TILT_FROM_AGE, CARE_TILT = 12, 6.0
# How long each kind of episode lasts, from the referral to its closure (days). An episode of
# services lasts 90 days or more (contacts.LONG_EPISODE_DAYS); one closed after its assessment
# fewer (RC8, RC9).
EPISODE_DURATIONS = {
    ASSESSMENT_ONLY: Durations(Spell(1, 20, longest=75)),
    CHILD_IN_NEED: Durations(Spell(0.5, 90, 140), Spell(0.5, 140, 560)),
    PROTECTION: Durations(Spell(0.5, 90, 160), Spell(0.5, 150, 266)),
    CARE: Durations(Spell(0.3, 90, 150), Spell(0.3, 150, 550), Spell(0.4, 330, 1200)),
}
# A child comes into care about this long after the referral (socialcare.closed_case), and the
# period of care ends with the episode.
DAYS_BEFORE_CARE = 16
# An initial child protection conference about this long after the referral (the strategy
# discussion, then 15 working days: socialcare_protection); the plan ends with the episode.
DAYS_BEFORE_CONFERENCE = 25


def care_durations() -> Durations:
    """How long a period of care lasts: its episode less the days before care."""
    return EPISODE_DURATIONS[CARE].shifted(DAYS_BEFORE_CARE)


def plan_durations() -> Durations:
    """How long a child protection plan lasts: its episode less the days before the initial
    conference."""
    return EPISODE_DURATIONS[PROTECTION].shifted(DAYS_BEFORE_CONFERENCE)


def open_child_in_need() -> Durations:
    """The casework's children in need without a plan or care: the episodes of assessment
    and of child in need services, in proportion to how many of each are open on a day."""
    return Durations.mixture(
        *(
            (EPISODE_SHARES[kind] * EPISODE_DURATIONS[kind].mean, EPISODE_DURATIONS[kind])
            for kind in (ASSESSMENT_ONLY, CHILD_IN_NEED)
        )
    )


# The stock followed as the history is made (Stock): every statutory episode, and those of
# child protection and of care.
ALL = "all"
# How strongly the kinds drawn lean towards a stock below its target (hand-set): a stock 2%
# short makes its kind half as likely again (and an assessment alone, the short one, less
# likely), so chance does not carry the stock away from its target for long (left to itself,
# a stock of a few hundred wanders by 5% or more, a Poisson count's spread).
STEERING = 20.0
# The casework's episodes (known beforehand) count among all episodes this long before their
# referral (hand-set): in the history's last months, when they crowd in, the episodes drawn
# then are a little shorter.
LOOKAHEAD_DAYS = 20


class Stock:
    """The statutory episodes open on the day the history has reached, by group (ALL, and
    PROTECTION and CARE), and the targets they are steered to."""

    def __init__(self, targets: dict[str, float]):
        self.targets = targets
        self.open = dict.fromkeys(targets, 0)
        self._closing: list[tuple[date, str]] = []  # a heap of (closes on, group)
        self._opening: list[tuple[date, str]] = []  # a heap of (counted from, group)

    def start(self, kind: str, closes: date | None) -> None:
        for group in (ALL, kind):
            if group in self.open:
                self.open[group] += 1
                if closes is not None:
                    heapq.heappush(self._closing, (closes, group))

    def expect(self, kind: str, begins: date, closes: date | None) -> None:
        """An episode known beforehand: counted among all episodes from LOOKAHEAD_DAYS before
        it begins, in its own group from the day it begins."""
        for group in (ALL, kind):
            if group in self.open:
                ahead = timedelta(days=LOOKAHEAD_DAYS if group == ALL else 0)
                heapq.heappush(self._opening, (begins - ahead, group))
                if closes is not None:
                    heapq.heappush(self._closing, (closes, group))

    def advance(self, day: date) -> None:
        """To the start of `day`: an episode closing on it is no longer open."""
        opening, closing = self._opening, self._closing
        while opening and opening[0][0] <= day:
            self.open[heapq.heappop(opening)[1]] += 1
        while closing and closing[0][0] <= day:
            self.open[heapq.heappop(closing)[1]] -= 1

    def lean(self, kind: str) -> float:
        """How much likelier `kind` is drawn, from how far its stock is below its target (an
        assessment alone, the short episode, from how far all are above theirs)."""
        group = kind if kind in self.targets else ALL
        target = self.targets.get(group)
        if not target:
            return 1.0
        short = (target - self.open[group]) / target
        return min(
            5.0, max(0.2, math.exp(STEERING * (-short if kind == ASSESSMENT_ONLY else short)))
        )


def stock_targets(*, in_need: float, protection: float, in_care: float) -> dict[str, float]:
    """The episodes open on a day that give these children in need, on a plan and in care (an
    episode of protection or care is open a little before its plan or care begins)."""
    return {
        ALL: in_need,
        PROTECTION: protection * EPISODE_DURATIONS[PROTECTION].mean / plan_durations().mean,
        CARE: in_care * EPISODE_DURATIONS[CARE].mean / care_durations().mean,
    }


def care_by_age(years: int | None) -> float:
    """How much likelier than on average a referral of a child this old leads to care (None:
    not born yet)."""
    for under, factor in CARE_BY_AGE:
        if years is None or years < under:
            return factor
    return CARE_BY_AGE[-1][1]


def choose_kind(
    rng: random.Random, room: float, stock: Stock | None = None, *, age: int | None = 8
) -> str:
    """The kind of an episode that must close within `room` days, for a child of this age in
    years: each kind in proportion to its share (care by age), to the chance it is over by
    then and (with a stock) to how far its stock is short of its target. (The same shares
    whatever the contact: the casework's children, most of them referred through a strategy
    discussion, would otherwise use up the strategy discussions of the history's last months
    and change the mix.)"""
    weights = {}
    for kind, share in EPISODE_SHARES.items():
        lean = 1.0 if stock is None else stock.lean(kind)
        if kind == CARE:
            share *= care_by_age(age)
        weights[kind] = share * EPISODE_DURATIONS[kind].within(room) * lean
    total = sum(weights.values())
    if total <= 0:
        return ASSESSMENT_ONLY
    point = rng.random() * total
    for kind, weight in weights.items():
        point -= weight
        if point < 0:
            return kind
    return ASSESSMENT_ONLY
