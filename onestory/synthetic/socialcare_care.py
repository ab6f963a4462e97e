"""Children in care in the synthetic statutory history: periods of care, legal statuses,
placements, reviews (reg. 33), visits (reg. 28), health checks, missing episodes and
unaccompanied children's dates.

A mixin of socialcare.SocialCareHistory. What a council records, as the SSDA903 return and its
validator (csc-validator-be-903 0.1.17) read it:
- every placement has its own carers (a foster family's name): a move to another family is a
  new carer (reason for a new episode P), and a child placed for adoption with their current
  foster carers (A5) stays with the same carers at the same address (T, or U with a change of
  legal status: rule 217);
- a child is adopted (E11, E12) from a placement for adoption (A5, A6: rule 390) made after a
  placement order (E1), at least ten weeks before the adoption order (Adoption and Children Act
  2002 s.42(2));
- supported accommodation (K3) for 16 and 17 year olds is in Luton (rule 241 in lac2025_26 checks
  the provider's area against the council's own, having no Ofsted register to look it up in).
"""

from datetime import date, timedelta
from functools import cache

from onestory.core.rules import add_months
from onestory.people.rules import normalise_postcode
from onestory.socialcare import models as sc
from onestory.socialcare import reference as codes
from onestory.socialcare import rules
from onestory.socialcare.geography import letter_rows

from . import socialcare_texts as texts
from .contacts import Weights
from .drafts import REFERENCE_DATE
from .identifiers import new_uuid
from .names import read_file
from .reference import LUTON_ONS_CODE
from .socialcare_common import LAST_DAY, ONE_DAY, age, at

OUT_OF_AREA_SHARE = 0.4  # placements outside Luton, hand-set (brief)
FAR_SHARE = 0.3  # of out-of-area placements: beyond the neighbouring counties, hand-set
UNSTABLE_SHARE = 0.10  # 3+ placements in the last 12 months: England about 10% (measure A1)
UNSTABLE_SPELLS_A_YEAR = 0.08  # of care: two moves within months (see moves)
MISSING_SHARE = 0.12  # of children in care of 11 or more with missing episodes, hand-set
CATEGORY_OF_NEED = Weights({"N1": 62, "N2": 4, "N3": 3, "N4": 8, "N5": 14, "N6": 2, "N8": 7})
FOSTER = Weights({"U4": 30, "U6": 35, "U1": 10, "U3": 15, "U5": 2, "U2": 1})
CARE_ENDINGS = Weights({"E4A": 45, "E41": 12, "E45": 10, "E47": 8, "E11": 10, "E13": 10, "E8": 5})
NOT_ADOPTED = Weights({k: v for k, v in CARE_ENDINGS.items() if k not in ("E11", "E12")})
ADOPTED = frozenset({"E11", "E12"})
# Special guardianship by former foster carers (E45, E46) ends a foster placement (rule 516).
WITH_FORMER_FOSTER_CARERS = frozenset({"E45", "E46"})
FOSTERING = frozenset({"U1", "U2", "U3", "U4", "U5", "U6"})
LEAVING_AT_18 = ("E17", "E5", "E5", "E6", "E8")
PARTICIPATION = Weights({"PN1": 60, "PN6": 15, "PN5": 8, "PN2": 6, "PN3": 3, "PN4": 3, "PN7": 5})
NEAR_AREAS = ("AL", "SG", "MK", "HP", "LU")  # out of area but close (files A, S, M, H, L)
FAR_AREAS = ("B", "NN", "NG", "CV", "LE", "PE", "IP", "CB")  # files B, N, C, L, P, I
# The road to adoption, in days (hand-set): an interim then a full care order, a placement
# order, a placement for adoption, and the adoption order at least ten weeks after it.
CARE_ORDER_DAYS = (90, 300)
PLACEMENT_ORDER_DAYS = (30, 200)
PLACED_FOR_ADOPTION_DAYS = (14, 120)
LIVED_WITH_ADOPTERS_DAYS = 70  # Adoption and Children Act 2002 s.42(2): ten weeks
ADOPTED_UNDER = 8  # hand-set: a child adopted from care came into care younger than this
WITH_FOSTER_CARERS = 0.4  # hand-set: placed for adoption with their foster carers (A5)
# Carers' family names (a foster family is "Mr and Mrs Khan"): the name lists of Luton's larger
# communities; the hand-set first fifty of each.
CARER_COMMUNITIES = ("british", "pakistani", "bangladeshi", "caribbean", "indian", "polish")
CARER_TITLES = Weights({"Mr and Mrs": 60, "Ms": 25, "Mr and Mr": 3, "Mrs": 8, "Mr": 4})


@cache
def postcodes_elsewhere() -> dict[str, tuple]:
    """England's postcodes near Luton and further off: area -> ((postcode, east, north, laua))."""
    wanted = {a: [] for a in (*NEAR_AREAS, *FAR_AREAS)}
    for letter in sorted({a[0] for a in wanted}):
        for pcd, east, north, laua in letter_rows(letter):
            if east is None or north is None or laua[:1] != "E":
                continue
            if laua == LUTON_ONS_CODE:
                continue
            postcode = normalise_postcode(pcd)
            if not postcode:
                continue
            outward = postcode.split()[0]
            area = outward[:2] if outward[1:2].isalpha() else outward[:1]
            if area in wanted:
                wanted[area].append((postcode, east, north, laua))
    return {a: tuple(rows[::7]) for a, rows in wanted.items() if rows}


@cache
def carer_family_names() -> tuple[str, ...]:
    names = []
    for stem in CARER_COMMUNITIES:
        names += [n.usual for n in read_file(stem).get("family", [])[:50]]
    return tuple(dict.fromkeys(names))


class CareHistory:
    def placement_postcode(self, home: str) -> tuple:
        rng = self.rng
        if rng.random() >= OUT_OF_AREA_SHARE or not postcodes_elsewhere():
            return self.luton_postcode(other_than=home)
        elsewhere = postcodes_elsewhere()
        areas = [
            a for a in (FAR_AREAS if rng.random() < FAR_SHARE else NEAR_AREAS) if a in elsewhere
        ]
        return rng.choice(elsewhere[rng.choice(areas or list(elsewhere))])

    def luton_postcode(self, *, other_than: str) -> tuple:
        """A Luton postcode, never the child's home's: only a child placed with their parents
        lives at home (csc-validator-be-903 0.1.17, rule 392d)."""
        postcode = self.rng.choice(self.luton_list)
        while postcode == other_than:
            postcode = self.rng.choice(self.luton_list)
        e, n = self.luton[postcode]
        return postcode, e, n, LUTON_ONS_CODE

    def carers(self, *, adopters: bool = False, other_than: str = "") -> str:
        """A foster family's (or adopters') name, never the one the child has just left."""
        while True:
            name = f"{CARER_TITLES.pick(self.rng)} {self.rng.choice(carer_family_names())}"
            if adopters:
                name += " (adopters)"
            if name != other_than:
                return name

    # ----- legal statuses ---------------------------------------------------------------------

    def care_ending(self, *, ends, legal, born, starts, uasc) -> str:
        if not ends:
            return ""
        if legal == "leaver":
            return self.rng.choice(LEAVING_AT_18)
        reason = CARE_ENDINGS.pick(self.rng)
        if reason in ADOPTED and not self.can_be_adopted(born, starts, ends, uasc, legal):
            reason = NOT_ADOPTED.pick(self.rng)
        return reason

    @staticmethod
    def can_be_adopted(born, starts, ends, uasc, legal) -> bool:
        shortest = (
            CARE_ORDER_DAYS[0]
            + PLACEMENT_ORDER_DAYS[0]
            + PLACED_FOR_ADOPTION_DAYS[0]
            + LIVED_WITH_ADOPTERS_DAYS
        )
        return (
            not uasc
            and legal is None
            and born is not None
            and age(born, starts) < ADOPTED_UNDER
            and (ends - starts).days >= shortest
        )

    def legal_statuses(self, *, starts, ends, last, born, uasc, legal, adopted) -> tuple:
        """[(status, from)] one after another, and the day the child was placed for adoption
        (None when they were not)."""
        rng = self.rng
        if not adopted and (uasc or legal == "V2" or rng.random() < 0.28):
            return [("V2", starts)], None
        statuses = [("C1", starts)]
        if adopted:
            # Back from the adoption order: ten weeks with the adopters, placed after the
            # placement order, the placement order after the full care order.
            placed_by = ends - timedelta(days=LIVED_WITH_ADOPTERS_DAYS)
            order_by = placed_by - timedelta(days=PLACED_FOR_ADOPTION_DAYS[0])
            c2_by = order_by - timedelta(days=PLACEMENT_ORDER_DAYS[0])
            c2 = min(starts + timedelta(days=rng.randint(*CARE_ORDER_DAYS)), c2_by)
            e1 = min(c2 + timedelta(days=rng.randint(*PLACEMENT_ORDER_DAYS)), order_by)
            placed = min(e1 + timedelta(days=rng.randint(*PLACED_FOR_ADOPTION_DAYS)), placed_by)
            return [*statuses, ("C2", c2), ("E1", e1)], placed
        c2 = starts + timedelta(days=rng.randint(120, 300))
        if c2 >= last:
            return statuses, None
        statuses.append(("C2", c2))
        if age(born, starts) < 4 and rng.random() < 0.35:
            e1 = c2 + timedelta(days=rng.randint(30, 200))
            if e1 < last:
                statuses.append(("E1", e1))
                placed = e1 + timedelta(days=rng.randint(*PLACED_FOR_ADOPTION_DAYS))
                if placed < last - timedelta(days=7):
                    return statuses, placed
        return statuses, None

    # ----- the period of care -----------------------------------------------------------------

    def care(self, ref, child, starts: date, ends: date | None, worker, *, legal=None) -> object:
        rng = self.rng
        born = self.born(child)
        info = self.household_of.get(child)
        uasc = bool(info and info.uasc)
        period_id = new_uuid(rng)
        self.cared_for.add(child)
        leaving = legal == "leaver"
        if ends and born and ends >= add_months(born, 18 * 12):
            ends, leaving = add_months(born, 18 * 12), True  # nobody is looked after past 18
            if ref is not None:
                self.left_at_18[child] = (starts, ends)
        last = ends or LAST_DAY
        end_reason = self.care_ending(
            ends=ends,
            legal="leaver" if leaving else legal,
            born=born,
            starts=starts,
            uasc=uasc,
        )
        statuses, placed = self.legal_statuses(
            starts=starts,
            ends=ends,
            last=last,
            born=born,
            uasc=uasc,
            legal=legal or ("leaver" if leaving else None),
            adopted=end_reason in ADOPTED,
        )
        for i, (status, begins) in enumerate(statuses):
            finish = statuses[i + 1][1] - ONE_DAY if i + 1 < len(statuses) else ends
            self.add(
                sc.LegalStatus, period_id=period_id, status=status, starts_on=begins, ends_on=finish
            )
        place = self.placements(
            ref, child, period_id, starts, ends, worker, born, uasc, statuses, placed
        )
        if end_reason in WITH_FORMER_FOSTER_CARERS and place not in FOSTERING:
            end_reason = "E47"  # special guardians who had not fostered the child (rule 516)
        self.add(
            sc.CarePeriod,
            id=period_id,
            person_id=child,
            referral_id=ref["id"] if ref else None,
            starts_on=starts,
            ends_on=ends,
            end_reason=end_reason,
            category_of_need="N8" if uasc else CATEGORY_OF_NEED.pick(rng),
        )
        self.chronicle(child, starts, "Became looked after", worker, period_id, sc.CarePeriod)
        if ends:
            self.chronicle(
                child,
                ends,
                f"Stopped being looked after: {codes.CARE_END_REASONS[end_reason]}",
                worker,
                period_id,
                sc.CarePeriod,
            )
        self.reviews(child, period_id, starts, last, born, worker)
        self.health(child, starts, last, born, worker)
        self.missing(child, period_id, starts, last, born, worker)
        if uasc and (ends is None or leaving):
            self.add(
                sc.UnaccompaniedChild,
                person_id=child,
                # Referred the day they arrived (contacts: accommodated that day or the next).
                arrived_on=ref["referral_date"] if ref else starts,
                became_looked_after_on=starts,
                national_transfer_scheme=rng.random() < 0.4,
                age_assessed=rng.random() < 0.3,
                # Unaccompanied until 18 (SSDA903's DUC: validator rules 205B and 304).
                status_ceased_on=ends,
            )
        return period_id

    def moves(self, starts: date, ends: date | None, last: date, placed: date | None) -> list:
        """The days the child moved: at random over the years, and for some, unsettled spells
        of two moves within months (about half the children with three or more placements in
        a year); none after they were placed for adoption, which is a move of its own."""
        rng = self.rng
        moves = []
        day = starts + timedelta(days=rng.randint(60, 700))
        while day < last - timedelta(days=7):
            moves.append(day)
            day += timedelta(days=rng.randint(120, 900))
        # Unsettled spells (hand-set rate), so that on any day about UNSTABLE_SHARE of the
        # children in care had three or more placements in the last year.
        span = (last - starts).days
        expected = UNSTABLE_SPELLS_A_YEAR * span / 365
        spells = int(expected) + (rng.random() < expected - int(expected))
        for _ in range(spells if span > 60 else 0):
            begins = starts + timedelta(days=rng.randint(14, span - 40))
            room = min(300, (last - begins).days - 8)
            extra = {begins + timedelta(days=rng.randint(0, room)) for _ in range(2)}
            moves = sorted(set(moves) | extra)
        if placed is not None:
            moves = [m for m in moves if m < placed] + [placed]
        return moves

    def placements(
        self, ref, child, period_id, starts, ends, worker, born, uasc, statuses, placed
    ) -> str:
        """The child's placements, one after another; the last one's kind."""
        rng = self.rng
        last = ends or LAST_DAY
        home = self.home_postcode(child)
        home_en = self.luton.get(home)
        begins_list = [starts, *self.moves(starts, ends, last, placed)]
        before = None  # the placement the child is leaving: (place, carer, postcode row)
        for i, begins in enumerate(begins_list):
            finish = begins_list[i + 1] if i + 1 < len(begins_list) else ends
            years = age(born, begins)
            carer, where = "", None
            if placed is not None and begins == placed:
                provider = "PR1"
                if before and before[0].startswith("U") and rng.random() < WITH_FOSTER_CARERS:
                    place, carer, where = "A5", before[1], before[2]
                else:
                    place, carer = "A6", self.carers(adopters=True)
            elif years >= 16 and rng.random() < 0.45:
                place, provider = "K3", rng.choice(["PR4", "PR5"])
                where = self.luton_postcode(other_than=home)
            elif years >= 11 and rng.random() < 0.22:
                place, provider = "K2", "PR4"
            elif not uasc and statuses[-1][0] == "C2" and rng.random() < 0.05:
                place, provider = "P1", "PR0"
            else:
                place = FOSTER.pick(rng)
                provider = "PR1" if place in ("U1", "U2", "U3") or rng.random() < 0.6 else "PR4"
                carer = self.carers(other_than=before[1] if before else "")
            if where is None:
                where = (
                    (home, *home_en, LUTON_ONS_CODE)
                    if place == "P1" and home_en
                    else self.placement_postcode(home)
                )
            postcode, e, n, laua = where
            moving_on = finish and i + 1 < len(begins_list)
            change = ""
            if moving_on:
                change = rng.choice(list(codes.PLACEMENT_CHANGE_REASONS)[:9])
                if placed is not None and begins_list[i + 1] == placed:
                    change = "CARPL"  # to the placement for adoption the care plan set out
            self.add(
                sc.Placement,
                period_id=period_id,
                person_id=child,
                place=place,
                provider=provider,
                carer="" if place in codes.PLACEMENTS_WITHOUT_PROVIDER else carer,
                urn=f"SC{rng.randint(100000, 999999)}" if place in ("K2", "K3") else "",
                starts_on=begins,
                ends_on=finish,
                change_reason=change,
                long_term=place in codes.LONG_TERM_PLACEMENTS,
                home_postcode=home,
                placement_postcode=postcode,
                distance_miles=rules.placement_distance_miles(home_en, (e, n)) if home_en else None,
                placement_area_code=laua,
                inside_area=laua == LUTON_ONS_CODE,
                outside_england=False,
            )
            if i:
                self.chronicle(child, begins, "Placement changed", worker, period_id, sc.CarePeriod)
            self.care_visits(ref, child, worker, place, begins, finish or LAST_DAY)
            before = (place, carer, where)
        return before[0]

    def care_visits(self, ref, child, worker, place, begins, stop) -> None:
        """Statutory visits (reg. 28) while in this placement."""
        rng = self.rng
        visit = begins + timedelta(days=rng.randint(1, 7))
        long_term = place in codes.LONG_TERM_PLACEMENTS
        while visit < stop and visit < REFERENCE_DATE:
            self.visit(child, ref["id"] if ref else None, "child_in_care", visit, worker)
            due = rules.cla_visit_due_on(
                placement_started_on=begins, last_visit_on=visit, long_term=long_term
            )
            visit = due - timedelta(days=rng.randint(0, 14))
            if rng.random() < 0.05:
                visit = due + timedelta(days=rng.randint(1, 10))

    def reviews(self, child, period_id, starts, last, born, worker) -> None:
        """Reviews (reg. 33)."""
        rng = self.rng
        held: list = []
        due = rules.cla_review_due_on(
            care_started_on=starts, reviews_held=held, holidays=self.holidays
        )
        while due < last:
            on = (
                due - timedelta(days=rng.randint(0, 6))
                if rng.random() < 0.92
                else due + timedelta(days=rng.randint(1, 15))
            )
            if on >= last:
                break
            held.append(on)
            self.add(
                sc.CareReview,
                period_id=period_id,
                person_id=child,
                due_on=due,
                held_on=on,
                participation="PN0" if age(born, on) < 4 else PARTICIPATION.pick(rng),
                chair="Independent reviewing officer",
                summary=self.text(texts.CARE_REVIEWS, child),
                recorded_by_id=self.by(child, on, worker).pk,
            )
            due = rules.cla_review_due_on(
                care_started_on=starts, reviews_held=held, holidays=self.holidays
            )

    def health(self, child, starts, last, born, worker) -> None:
        """Yearly health and dental checks, SDQ for 4 to 16."""
        rng = self.rng
        check = starts + timedelta(days=rng.randint(14, 28))
        while check < last:
            for kind in ("health", "dental", "sdq"):
                if kind == "sdq" and not 4 <= age(born, check) <= 16:
                    continue
                if kind == "dental" and rng.random() < 0.1:
                    continue
                self.add(
                    sc.HealthCheck,
                    person_id=child,
                    kind=kind,
                    done_on=check + timedelta(days=rng.randint(0, 20) if kind != "health" else 0),
                    score=rng.randint(4, 28) if kind == "sdq" else None,
                    recorded_by_id=worker.pk,
                )
            check = add_months(check, 12) - timedelta(days=rng.randint(0, 20))

    def missing(self, child, period_id, starts, last, born, worker) -> None:
        """Some children of 11 or more went missing (or were away without authorisation), one
        episode at a time: each starts after the last one ended (SSDA903 rule 574)."""
        rng = self.rng
        if age(born, last) < 11 or rng.random() >= MISSING_SHARE:
            return
        lo = max(starts, add_months(born, 11 * 12)) if born else starts
        if lo >= last:
            return
        days = sorted(
            lo + timedelta(days=rng.randint(0, (last - lo).days)) for _ in range(rng.randint(1, 4))
        )
        back = None
        for gone in days:
            went = at(gone, rng.randint(16, 22))
            if back is not None and went <= back:
                continue
            back = went + timedelta(hours=rng.randint(3, 40))
            if back.date() >= REFERENCE_DATE:
                break
            offered = rng.random() < 0.95
            accepted = offered and rng.random() < 0.7
            self.add(
                sc.MissingEpisode,
                person_id=child,
                period_id=period_id,
                kind="M" if rng.random() < 0.8 else "A",
                started_at=went,
                ended_at=back,
                return_interview_offered=offered,
                return_interview_accepted=accepted if offered else None,
                return_interview_on=min(back.date() + timedelta(days=rng.randint(1, 3)), LAST_DAY)
                if accepted
                else None,
                notes=rng.choice(texts.MISSING_NOTES),
                recorded_by_id=worker.pk,
            )
