"""Care leavers and homeless 16 and 17 year olds in the synthetic statutory history.

A mixin of socialcare.SocialCareHistory.
- Every 16 or 17 year old in care is an eligible care leaver (their personal adviser from the
  casework). The young adults of 18 to 21 whose care in the history ended on their 18th
  birthday (about 115 at scale 1, more than half of them young people who came alone) are
  former relevant care leavers with a personal adviser from 16 (or when care began, if later),
  a pathway plan and birthday contacts (SSDA903 OC3).
- A handful of homeless 16 and 17 year olds a year (hand-set), a quarter of them looked after
  (section 20), with the social worker who assessed them.
"""

from datetime import date, timedelta

from onestory.access.models import Allocation
from onestory.core.rules import add_months
from onestory.socialcare import models as sc
from onestory.socialcare import rules

from . import socialcare_texts as texts
from .contacts import Weights
from .drafts import REFERENCE_DATE
from .identifiers import new_uuid
from .socialcare_common import LAST_DAY, ONE_DAY, PURPOSE_CARE, PURPOSE_PA, age, at

HOMELESS_PER_YEAR_AT_SCALE_1 = 12  # hand-set: "a handful a year"
HOMELESS_LOOKED_AFTER = 0.25  # hand-set
HOMELESS_FROM = date(2021, 4, 1)  # the front door's history starts here (contacts.HISTORY_START)
ACTIVITIES = Weights({"F2": 25, "F5": 18, "P5": 8, "F1": 6, "F4": 5, "G5": 22, "G6": 6, "G4": 6})
ACCOMMODATION = Weights({"U": 30, "D": 20, "Z": 12, "E": 8, "B": 14, "K": 6, "T": 4, "S": 2})


class LeaversHistory:
    def care_leavers(self) -> None:
        rng = self.rng
        for child, alloc in sorted(self.adviser.items(), key=lambda item: str(item[0])):
            born = self.born(child)
            if born is None:
                continue
            begins = alloc.starts_at.date()
            self.add(
                sc.CareLeaver,
                person_id=child,
                category="eligible",
                personal_adviser_id=alloc.worker.pk,
            )
            self.pathway(child, begins, alloc.worker, born)
        # Former relevant young adults: 18 to 21, whose care ended on their 18th birthday.
        advisers = self.workforce.practitioners.get("leaving-care") or [
            self.workforce.managers["leaving-care"]
        ]
        team = self.workforce.teams["leaving-care"]
        for pid, (came, _) in sorted(self.left_at_18.items(), key=lambda i: str(i[0])):
            born = self.born(pid)
            if born is None or pid in self.current or not 18 <= age(born, REFERENCE_DATE) <= 21:
                continue
            adviser = rng.choice(advisers)
            start = max(came, add_months(born, 16 * 12))
            self.allocations.append(
                Allocation(
                    id=new_uuid(rng),
                    person_id=pid,
                    worker=adviser,
                    team=team,
                    purpose=PURPOSE_PA,
                    starts_at=at(start, 10),
                    allocated_by=self.workforce.managers["leaving-care"],
                )
            )
            self.add(
                sc.CareLeaver,
                person_id=pid,
                category="former_relevant",
                personal_adviser_id=adviser.pk,
                support_to_25=False,
            )
            self.pathway(pid, start, adviser, born)
            self.counts["former_relevant_care_leavers"] = (
                self.counts.get("former_relevant_care_leavers", 0) + 1
            )

    def pathway(self, person, begins: date, adviser, born: date) -> None:
        rng = self.rng
        plan_id = new_uuid(rng)
        held: list = []
        due = rules.pathway_review_due_on(plan_started_on=begins, reviews_held=held)
        while due < LAST_DAY:
            on = due - timedelta(days=rng.randint(0, 10))
            held.append(on)
            self.add(
                sc.PathwayPlanReview,
                plan_id=plan_id,
                held_on=on,
                summary=rng.choice(texts.PATHWAY_REVIEWS),
                recorded_by_id=adviser.pk,
            )
            due = rules.pathway_review_due_on(plan_started_on=begins, reviews_held=held)
        self.add(
            sc.PathwayPlan,
            id=plan_id,
            person_id=person,
            starts_on=begins,
            summary=rng.choice(texts.PATHWAY_SUMMARIES),
            next_review_on=due,
        )
        self.chronicle(person, begins, "Pathway plan started", adviser, plan_id, sc.PathwayPlan)
        for years in rules.LEAVING_CARE_AGES:
            birthday = add_months(born, 12 * years)
            if birthday >= LAST_DAY:
                break
            on = min(birthday + timedelta(days=rng.randint(-40, 25)), LAST_DAY)
            in_touch = "YES" if rng.random() < 0.9 else rng.choice(["NO", "REFU"])
            accommodation = ACCOMMODATION.pick(rng) if in_touch == "YES" else ""
            self.add(
                sc.CareLeaverContact,
                person_id=person,
                birthday_age=years,
                contact_on=on,
                in_touch=in_touch,
                activity=ACTIVITIES.pick(rng) if in_touch == "YES" else "",
                accommodation=accommodation,
                accommodation_suitable=(accommodation != "S" and rng.random() < 0.9)
                if accommodation
                else None,
                recorded_by_id=adviser.pk,
            )
            self.visit(person, None, "leaving_care", on, adviser)

    # ----- homeless 16 and 17 year olds ---------------------------------------------------------

    def homeless(self) -> None:
        rng = self.rng
        years = (LAST_DAY - HOMELESS_FROM).days / 365
        wanted = round(HOMELESS_PER_YEAR_AT_SCALE_1 * self.scale * years)
        pool = sorted(
            (
                (str(c[0]), c[0], c[1])
                for info in self.households
                if not info.uasc
                for c in info.children
                if c[1]
                and c[0] not in self.current
                and c[0] not in self.cared_for
                and age(c[1], LAST_DAY) >= 16
            ),
            key=lambda c: c[0],
        )
        for _, child, born in rng.sample(pool, min(wanted, len(pool))):
            sixteen = add_months(born, 16 * 12)
            lo = max(sixteen, HOMELESS_FROM)
            hi = min(add_months(born, 18 * 12) - timedelta(days=60), LAST_DAY - timedelta(days=30))
            if hi <= lo:
                continue
            presented = self.working(lo + timedelta(days=rng.randint(0, (hi - lo).days)))
            team_key = self._area_team(self.household_of[child])
            worker = self.worker_in(team_key)
            decided = presented + timedelta(days=rng.randint(1, 10))
            decision = (
                "looked_after"
                if rng.random() < HOMELESS_LOOKED_AFTER
                else rng.choice(["declined_care", "not_in_need", "returned_home", "declined_care"])
            )
            period = None
            if decision == "looked_after":
                ends = min(
                    add_months(born, 18 * 12), decided + timedelta(days=rng.randint(60, 400))
                )
                ends = min(ends, LAST_DAY - ONE_DAY)
                period = self.care(None, child, decided, ends, worker, legal="V2")
                self.allocated(child, worker, team_key, PURPOSE_CARE, presented, ends)
            homeless_id = self.add(
                sc.HomelessAssessment,
                person_id=child,
                presented_on=presented,
                housing_officer="Housing options officer",
                social_worker_id=worker.pk,
                joint_assessment_on=presented + timedelta(days=rng.randint(0, 3)),
                young_persons_wishes=rng.choice(texts.HOMELESS_WISHES),
                advised_of_care_entitlements=True,
                decision=decision,
                reason=texts.HOMELESS_REASONS[decision],
                decided_on=decided,
                care_period_id=period,
            )
            self.chronicle(
                child,
                presented,
                "Homeless at 16 or 17: joint assessment",
                worker,
                homeless_id,
                sc.HomelessAssessment,
            )
