"""Child protection in the synthetic statutory history: strategy discussion, section 47
enquiry, initial conference (on a working day: csc-validator-be-cin 0.1.13, rule 8875), the
plan in the strategy's proportions, review conferences and visits.

A mixin of socialcare.SocialCareHistory.
"""

from datetime import date, timedelta

from onestory.socialcare import models as sc
from onestory.socialcare import reference as codes
from onestory.socialcare import rules

from . import socialcare_texts as texts
from .contacts import Weights
from .identifiers import new_uuid
from .socialcare_common import LAST_DAY, ONE_DAY

CP_CATEGORIES = Weights({"NEG": 43, "EMO": 37, "SAB": 2, "PHY": 2, "MUL": 16})  # seed 004
CONFERENCE_ON_TIME = 0.78  # England about 78% (DfE CIN 2023)
SECOND_PLAN_SHARE = 0.23  # England about 23%


class ProtectionHistory:
    def conference_day(self, held: date, last: date) -> date:
        """The initial conference: within 15 working days of the strategy discussion for most,
        later for some, and always on a working day before `last` (the case's end)."""
        rng = self.rng
        # Keep the share on time at England's, conference by conference.
        held_so_far = self.counts.get("initial_conferences", 0)
        self.counts["initial_conferences"] = held_so_far + 1
        if self.counts.get("initial_conferences_in_time", 0) < CONFERENCE_ON_TIME * (
            held_so_far + 1
        ):
            self.counts["initial_conferences_in_time"] = (
                self.counts.get("initial_conferences_in_time", 0) + 1
            )
            icpc = self.wd(held, rng.randint(8, 15))
        else:
            icpc = self.wd(held, rng.randint(16, 30))
        if icpc >= last:
            icpc = self.working(held + timedelta(days=max(1, (last - held).days // 2)))
            while icpc >= last or not self.is_working(icpc):
                icpc -= ONE_DAY
        return max(icpc, held + ONE_DAY)

    def first_category(self) -> str:
        """A plan's first category of abuse: the one furthest behind its share so far (ties
        broken at random), so the plans of any year are in the strategy's proportions."""
        given = self.given
        given["plans"] = plans = given.get("plans", 0) + 1
        total = sum(CP_CATEGORIES.values())
        category = max(
            CP_CATEGORIES,
            key=lambda c: (
                CP_CATEGORIES[c] / total * plans - given.get(("category", c), 0),
                self.rng.random(),
            ),
        )
        given[("category", category)] = given.get(("category", category), 0) + 1
        return category

    def protection(self, ref, a, worker, *, ends: date | None) -> bool:
        """Strategy discussion, section 47 and conference; a plan unless it is too late."""
        rng = self.rng
        child, referred = ref["person_id"], ref["referral_date"]
        front = self.fd_strategy.get(ref["contact_id"])
        if front is not None and front.get("held_at") is not None:
            held = front["held_at"].date()
            participants = front.get("agencies_present") or ["social_care", "police", "health"]
        else:
            front = None
            held = self.working(referred + timedelta(days=rng.randint(0, 6)))
            held = max(held, a["started_on"])  # during the assessment (Working Together 2023)
            participants = ["social_care", "police", "health"]
            if rng.random() < 0.6:
                participants.append("education")
        last = ends or LAST_DAY
        if held >= last - timedelta(days=3):
            return False
        strategy_id = self.add(
            sc.StrategyDiscussion,
            referral_id=ref["id"],
            person_id=child,
            front_door_discussion_id=front["id"] if front else None,
            held_on=held,
            summary=rng.choice(texts.STRATEGY_SUMMARIES),
            outcome="section_47",
            recorded_by_id=self.by(child, held, worker).pk,
        )
        for kind in participants:
            self.add(
                sc.StrategyParticipant,
                discussion_id=strategy_id,
                name="",
                role={"social_care": "Social worker", "police": "Detective constable"}.get(
                    kind, "Safeguarding lead"
                ),
                agency_kind=kind if kind in sc.StrategyParticipant.AgencyKind.values else "other",
            )
        self.chronicle(
            child,
            held,
            "Strategy discussion held: section 47 enquiry",
            worker,
            strategy_id,
            sc.StrategyDiscussion,
        )
        due = rules.initial_conference_due_on(held, self.holidays)
        icpc = self.conference_day(held, last)
        enquiry_id = self.add(
            sc.Section47Enquiry,
            referral_id=ref["id"],
            person_id=child,
            strategy_discussion_id=strategy_id,
            worker_id=worker.pk,
            starts_on=held,
            conference_due_on=due,
            completed_on=icpc - timedelta(days=rng.randint(1, 3))
            if icpc - held > timedelta(3)
            else held,
            outcome="conference",
            findings=self.text(texts.S47_FINDINGS, child),
        )
        category = self.first_category()
        previous = len(self.history_of.get(child, []))
        # Keep second or later plans at England's share, plan by plan: a first plan in the
        # history's records may follow one before they began.
        plans = self.counts["child_protection_plans_started"] = (
            self.counts.get("child_protection_plans_started", 0) + 1
        )
        if (
            previous == 0
            and self.counts.get("second_or_later_plans", 0) < SECOND_PLAN_SHARE * plans
        ):
            previous = 1
        if previous:
            self.counts["second_or_later_plans"] = self.counts.get("second_or_later_plans", 0) + 1
        plan_id = new_uuid(rng)
        chair = "Independent conference chair"
        self.add(
            sc.ChildProtectionConference,
            referral_id=ref["id"],
            person_id=child,
            kind="initial",
            enquiry_id=enquiry_id,
            plan_id=plan_id,
            due_on=due,
            held_on=icpc,
            decision="plan",
            category=category,
            chair=chair,
            summary=texts.CONFERENCE_SUMMARIES[0].format(**self.words(child)),
            recorded_by_id=self.by(child, icpc, worker).pk,
        )
        self.chronicle(
            child,
            icpc,
            f"Child protection plan started: {codes.ABUSE_CATEGORIES[category]}",
            worker,
            plan_id,
            sc.ChildProtectionPlan,
        )
        latest = category
        reviews = []
        review_due = rules.cp_review_due_on(initial_conference_on=icpc, reviews_held=[])
        # A closed case's plan ended with it (episodes.py), at a review conference (brought
        # forward when it was not due); an open case's plan goes on.
        plan_end = None if ends is None else max(icpc, ends - timedelta(days=rng.randint(0, 10)))
        while True:
            held_on = review_due - timedelta(days=rng.randint(0, 5))
            final = plan_end is not None and review_due >= plan_end
            if final:
                held_on = plan_end
                if held_on <= (reviews[-1] if reviews else icpc):
                    break  # ended at the last conference's own decision
            elif review_due >= last:
                break
            reviews.append(held_on)
            if rng.random() < 0.12:
                latest = CP_CATEGORIES.pick(rng)
            self.add(
                sc.ChildProtectionConference,
                referral_id=ref["id"],
                person_id=child,
                kind="review",
                plan_id=plan_id,
                due_on=review_due,
                held_on=held_on,
                decision="end" if final else "continue",
                category=latest,
                chair=chair,
                summary=texts.CONFERENCE_SUMMARIES[3 if final else rng.randint(1, 2)].format(
                    **self.words(child)
                ),
                recorded_by_id=self.by(child, held_on, worker).pk,
            )
            if final:
                break
            review_due = rules.cp_review_due_on(initial_conference_on=icpc, reviews_held=reviews)
        self.add(
            sc.ChildProtectionPlan,
            id=plan_id,
            referral_id=ref["id"],
            person_id=child,
            starts_on=icpc,
            initial_category=category,
            latest_category=latest,
            previous_plans=previous,
            next_review_on=None if plan_end else review_due,
            ends_on=plan_end,
            end_reason="no_longer_at_risk" if plan_end else "",
        )
        if plan_end:
            self.chronicle(
                child,
                plan_end,
                "Child protection plan ended",
                worker,
                plan_id,
                sc.ChildProtectionPlan,
            )
        self.visits(
            child,
            ref["id"],
            "child_protection",
            icpc,
            plan_end or LAST_DAY,
            rules.LOCAL_CP_VISIT_WORKING_DAYS,
            worker,
        )
        return True
