"""The casework part of the synthetic statutory history: child and family assessments, visits,
social workers (and their changes), child in need plans and child protection.

A mixin of socialcare.SocialCareHistory (it uses the history's random generator, rows and
helpers). Each record is one a council would have made through the statutory record's own
actions (onestory/socialcare/actions/), in their order and with their rules:
- an assessment starts on or after its referral and is authorised before its referral closes
  (actions.closure refuses to close an episode while one is not); an assessment whose outcome
  is no further action or early help closes the referral (RC8, RC9) the day it is authorised
  (actions.assessment.CLOSING_OUTCOMES);
- "no factors identified" (21) stands alone and only on an assessment that closed its episode
  RC8 or RC9 (csc-validator-be-cin 0.1.13, query 8873Q);
- conferences are held on working days (rule 8875);
- every statutory case had a social worker allocated from its referral until it closed.
"""

from datetime import date, timedelta

from onestory.access.models import Allocation
from onestory.core.rules import add_months
from onestory.socialcare import models as sc
from onestory.socialcare import reference as codes
from onestory.socialcare import rules

from . import socialcare_texts as texts
from .contacts import Weights
from .drafts import REFERENCE_DATE
from .identifiers import new_uuid
from .socialcare_common import LAST_DAY, ONE_DAY, PURPOSE_ASSESSMENT, age, at

# Drawn on time this often; completions held back by an early closure make the share on time
# about 82% (England about 80-85%, DfE CIN 2023).
ASSESSMENT_ON_TIME = 0.79
ASSESSING_DAYS = 42  # hand-set: open referrals this recent are still being assessed
FACTOR_SHARES = {  # of assessments; 3B, 4B and 17A seed 000, the rest hand-set
    "3B": 0.12,
    "4B": 0.12,
    "17A": 0.08,
    "16A": 0.10,
    "2B": 0.06,
    "1B": 0.05,
    "4A": 0.07,
    "3A": 0.04,
    "18C": 0.04,
    "14A": 0.03,
    "24A": 0.02,
    "10A": 0.02,
    "11A": 0.02,
    "5A": 0.03,
    "6A": 0.03,
    "15A": 0.02,
    "20": 0.05,
}
# The outcomes of an assessment that close its episode when it is authorised (RC8, RC9).
CLOSING_OUTCOMES = {"no_further_action": "RC8", "early_help": "RC9"}
CHANGE_GAP_DAYS = (90, 800)  # hand-set: time between changes of social worker
CHANGE_REASONS = Weights(
    {
        "LEFTRL": 35,
        "MANAGE": 15,
        "ORGRST": 8,
        "ABSENC": 8,
        "CHCHAN": 6,
        "PCCHAN": 5,
        "OTHERS": 5,
    }
)


class CaseworkHistory:
    """Assessments, visits, social workers and child in need plans."""

    # ----- assessments ------------------------------------------------------------------------

    def factors(self, *, none_allowed: bool) -> list[str]:
        """Each factor at its share of assessments: given when the running count falls behind
        the share (with a random margin under one), so a year's shares are the published ones
        to within a fraction of a point, not a few points either way."""
        given = self.given
        given["assessments"] = assessed = given.get("assessments", 0) + 1
        found = []
        for code, share in FACTOR_SHARES.items():
            if given.get(code, 0) + self.rng.random() < share * assessed:
                given[code] = given.get(code, 0) + 1
                found.append(code)
        if found:
            return found
        options = ["20", "16A", codes.NO_FACTORS] if none_allowed else ["20", "16A"]
        return [self.rng.choice(options)]

    def assessment(self, ref, worker, team_key, *, outcome, latest: date) -> dict:
        """A child and family assessment of the referral, finished by `latest` where it can be.

        An open referral of the last six weeks may still be being assessed. A closed referral's
        assessment is authorised by its closure; one whose outcome closed it (no further action,
        early help) was authorised on the day it closed.
        """
        rng = self.rng
        child, referred = ref["person_id"], ref["referral_date"]
        started = min(self.working(referred + timedelta(days=rng.randint(0, 3))), LAST_DAY)
        front = self.fd_strategy.get(ref["contact_id"])
        if front is not None and front.get("held_at") is not None:
            # A section 47 enquiry is carried out through the assessment (Working Together
            # 2023): it has started by the strategy discussion.
            started = min(started, front["held_at"].date())
        started = max(referred, min(started, latest))
        due = ref["assessment_due_on"]
        row = {
            "referral_id": ref["id"],
            "person_id": child,
            "worker_id": worker.pk,
            "started_on": started,
            "due_on": due,
            "status": sc.Assessment.Status.IN_PROGRESS.value,
            "child_views": self.text(texts.CHILD_VIEWS, child),
            "family_views": self.text(texts.FAMILY_VIEWS, child),
        }
        if rng.random() < ASSESSMENT_ON_TIME:
            completed = started + timedelta(days=rng.randint(10, max(11, (due - started).days)))
        else:
            completed = due + timedelta(days=rng.randint(1, 35))
        completed = max(started, min(completed, latest))
        manager = self.manager_of(team_key)
        closes = ref.get("closed_on") is not None and outcome in CLOSING_OUTCOMES
        recent = ref.get("closed_on") is None and (LAST_DAY - referred).days < ASSESSING_DAYS
        if recent:
            if rng.random() < 0.3:
                row.update(
                    status=sc.Assessment.Status.SUBMITTED.value,
                    completed_on=max(started, LAST_DAY - timedelta(days=rng.randint(0, 2))),
                    submitted_by_id=worker.pk,
                    factors=self.factors(none_allowed=False),
                    outcome=outcome,
                    analysis=self.text(texts.ANALYSIS, child),
                )
            self.counts["assessments_not_yet_authorised"] += 1
        else:
            if closes:
                authorised = latest
                completed = max(started, latest - timedelta(days=rng.randint(0, 5)))
            else:
                authorised = min(completed + timedelta(days=rng.randint(0, 5)), latest, LAST_DAY)
            row.update(
                status=sc.Assessment.Status.AUTHORISED.value,
                completed_on=completed,
                submitted_by_id=worker.pk,
                authorised_on=max(authorised, completed),
                authorised_by_id=manager.pk,
                factors=self.factors(none_allowed=closes),
                outcome=outcome,
                analysis=self.text(texts.ANALYSIS, child),
                manager_comment=rng.choice(texts.MANAGER_COMMENTS),
            )
        row["id"] = self.add(sc.Assessment, **row)
        self.chronicle(
            child, started, "Child and family assessment started", worker, row["id"], sc.Assessment
        )
        if row.get("authorised_on"):
            self.chronicle(
                child,
                row["authorised_on"],
                "Child and family assessment authorised",
                manager,
                row["id"],
                sc.Assessment,
            )
        # A visit to see the child during the assessment.
        seen_on = min(
            started + timedelta(days=rng.randint(1, 10)), row.get("completed_on") or LAST_DAY
        )
        if seen_on < REFERENCE_DATE:
            self.visit(child, ref["id"], "assessment", seen_on, worker)
        return row

    # ----- visits -----------------------------------------------------------------------------

    def by(self, child, day: date, worker):
        """The child's social worker on that day (the one given, before any change)."""
        for begins, someone in reversed(self.spans.get(child, ())):
            if begins <= day:
                return someone
        return worker

    def visit(self, child, referral_id, kind: str, day: date, worker) -> None:
        rng = self.rng
        if kind != "leaving_care":
            worker = self.by(child, day, worker)
        seen = rng.random() < 0.92
        self.rows[sc.Visit].append(
            {
                "id": new_uuid(rng),
                "person_id": child,
                "referral_id": referral_id,
                "kind": kind,
                "visited_on": day,
                "child_seen": seen,
                "seen_alone": seen and age(self.born(child), day) >= 5 and rng.random() < 0.6,
                "visited_by_id": worker.pk,
            }
        )

    def visits(self, child, referral_id, kind, start: date, end: date, working_days, worker):
        """Visits from `start` to `end`, about every `working_days` (a few late)."""
        day = start + timedelta(days=self.rng.randint(1, 6))
        while day <= end and day < REFERENCE_DATE:
            self.visit(child, referral_id, kind, day, worker)
            gap = working_days - self.rng.randint(0, working_days // 3)
            if self.rng.random() < 0.08:
                gap += self.rng.randint(2, working_days)
            day = self.wd(day, gap)

    # ----- social workers ---------------------------------------------------------------------

    def allocated(self, child, worker, team_key: str, purpose: str, begins: date, ends: date):
        """A social worker's allocation that has ended (a closed case, or an earlier worker)."""
        allocation = Allocation(
            id=new_uuid(self.rng),
            person_id=child,
            worker=worker,
            team=self.workforce.teams[team_key],
            purpose=purpose,
            starts_at=at(begins, 10),
            ends_at=at(ends, 9 if ends > begins else 17),
            allocated_by=self.manager_of(team_key),
        )
        self.allocations.append(allocation)
        return allocation

    def worker_changes(self, ref, alloc, assessor, team_key) -> None:
        """Earlier workers: the assessing social worker until the casework's allocation began,
        then changes of worker at intervals; the casework's allocation starts at the last one."""
        rng = self.rng
        child = alloc.person_id
        original = alloc.starts_at.date()
        current_key = self.team_key.get(alloc.team.pk, team_key)
        segments = []  # (worker, team key, starts, purpose), oldest first
        referred = ref["referral_date"]
        if (original - referred).days >= 3 and assessor.pk != alloc.worker.pk:
            key = self.team_key.get(assessor.team_id, team_key)
            segments.append((assessor, key, referred + ONE_DAY, PURPOSE_ASSESSMENT))
        changes = []
        day = original + timedelta(days=rng.randint(*CHANGE_GAP_DAYS))
        while day < LAST_DAY - timedelta(days=14):
            changes.append(day)
            day += timedelta(days=rng.randint(*CHANGE_GAP_DAYS))
        if changes:
            chain, following = [], alloc.worker
            for _ in changes:
                following = self.colleague(current_key, avoid=following)
                chain.append(following)
            for worker, begins in zip(reversed(chain), [original, *changes[:-1]], strict=True):
                key = self.team_key.get(worker.team_id, current_key)
                segments.append((worker, key, begins, alloc.purpose))
            alloc.starts_at = at(changes[-1], 10)
        segments.append((alloc.worker, current_key, alloc.starts_at.date(), None))
        self.spans[child] = [(begins, worker) for worker, _, begins, _ in segments]
        for i, (worker, key, begins, purpose) in enumerate(segments[:-1]):
            following, next_key, ends, _ = segments[i + 1]
            self.allocated(child, worker, key, purpose, begins, ends)
            self.handover(
                child,
                worker,
                following,
                self.workforce.teams[next_key],
                next_key,
                ends,
                team_moved=next_key != key,
            )

    def handover(self, child, from_worker, to_worker, team, key, day, *, team_moved):
        reason = "TSPROC" if team_moved else CHANGE_REASONS.pick(self.rng)
        manager = self.manager_of(key)
        handover_id = self.add(
            sc.Handover,
            person_id=child,
            from_worker_id=from_worker.pk,
            to_worker_id=to_worker.pk,
            to_team_id=team.pk,
            reason=reason,
            summary=self.text(texts.HANDOVER_SUMMARIES, child),
            handed_over_at=at(day, 10),
            recorded_by_id=manager.pk,
        )
        self.chronicle(
            child,
            day,
            f"Case handed over to {to_worker.get_full_name()}: "
            f"{codes.SOCIAL_WORKER_CHANGE_REASONS[reason].lower()}",
            manager,
            handover_id,
            sc.Handover,
        )

    # ----- children in need -------------------------------------------------------------------

    def cin_plan(self, ref, starts: date, ends: date | None, worker) -> None:
        rng = self.rng
        child = ref["person_id"]
        plan_id = new_uuid(rng)
        due = rules.cin_review_due_on(
            plan_started_on=starts, reviews_held=[], months=rules.LOCAL_CIN_REVIEW_MONTHS
        )
        last = ends or LAST_DAY
        while due <= last:
            held = (
                due - timedelta(days=rng.randint(0, 7))
                if rng.random() < 0.9
                else due + timedelta(days=rng.randint(1, 20))
            )
            if held > last:
                break
            self.add(
                sc.ChildInNeedReview,
                plan_id=plan_id,
                held_on=held,
                summary=self.text(texts.CIN_REVIEWS, child),
                recorded_by_id=self.by(child, held, worker).pk,
            )
            due = add_months(held, rules.LOCAL_CIN_REVIEW_MONTHS)
        self.add(
            sc.ChildInNeedPlan,
            id=plan_id,
            referral_id=ref["id"],
            person_id=child,
            starts_on=starts,
            ends_on=ends,
            end_reason=rng.choice(texts.CIN_ENDINGS) if ends else "",
            what_needs_to_change=self.text(texts.WHAT_NEEDS_TO_CHANGE, child),
            next_review_on=None if ends else due,
        )
        self.chronicle(
            child, starts, "Child in need plan started", worker, plan_id, sc.ChildInNeedPlan
        )
        if ends:
            self.chronicle(
                child, ends, "Child in need plan ended", worker, plan_id, sc.ChildInNeedPlan
            )
        self.visits(
            child,
            ref["id"],
            "child_in_need",
            starts,
            last,
            rules.LOCAL_CIN_VISIT_WORKING_DAYS,
            worker,
        )
