"""Reading one <CINdetails> (a children in need episode) and what was done under it:
assessments, child in need plans, section 47 enquiries, child protection plans, reviews."""

from datetime import date

from onestory.frontdoor import rules as frontdoor_rules
from onestory.socialcare import reference

from .census import (
    ISO_DATE,
    RETIRED_FACTORS,
    AssessmentRow,
    CensusChild,
    ElementReader,
    Enquiry,
    Episode,
    PlanDates,
    ProtectionPlan,
    child_elements,
    find,
    find_all,
    local_name,
    text_of,
)


class EpisodeReader(ElementReader):
    """Reads a child's episodes (ChildReader, reader.py, reads the rest of the <Child>)."""

    # -- the episode ---------------------------------------------------------------------------

    def _episode(self, element, child: CensusChild) -> Episode | None:
        referral_date = self.day(
            element, "CINreferralDate", required="every episode needs the date of the referral."
        )
        source = self.code_from(
            element,
            "ReferralSource",
            frontdoor_rules.REFERRAL_SOURCES,
            required="every episode needs the source of the referral (10 when unknown).",
            what="referral source",
        )
        need = self.code_from(
            element, "PrimaryNeedCode", frontdoor_rules.PRIMARY_NEEDS, what="primary need"
        )
        closed_on = self.day(element, "CINclosureDate")
        reason = self.code_from(
            element,
            "ReasonForClosure",
            reference.CIN_CLOSURE_REASONS,
            what="reason for closure",
        )
        nfa = self.boolean(
            element,
            "ReferralNFA",
            required="every episode says whether the referral needed "
            "no further action (true or false).",
        )
        conference_on = self.day(element, "DateOfInitialCPC")
        self.in_order(
            find(element, "CINclosureDate"),
            referral_date,
            closed_on,
            "CINclosureDate is before CINreferralDate: an episode cannot close before the "
            "referral.",
        )
        if closed_on is not None and not reason:
            value, _ = self.text(element, "ReasonForClosure")
            if not value:
                self.refuse(
                    find(element, "CINclosureDate"),
                    "ReasonForClosure is missing: a closed episode needs the reason (RC1 to RC9).",
                )
        if referral_date is None or not source or nfa is None:
            return None
        episode = Episode(
            line=element.sourceline,
            referral_date=referral_date,
            source=source,
            primary_need=need,
            closed_on=closed_on,
            closure_reason=reason,
            no_further_action=nfa,
            initial_conference_on=conference_on,
        )
        for block in find_all(element, "Assessments"):
            self._assessment(block, episode)
        for block in find_all(element, "CINPlanDates"):
            starts = self.day(
                block, "CINPlanStartDate", required="a child in need plan needs its start date."
            )
            ends = self.day(block, "CINPlanEndDate")
            ok = self.in_order(
                find(block, "CINPlanEndDate"),
                starts,
                ends,
                "CINPlanEndDate is before CINPlanStartDate: a plan cannot end before it starts.",
            )
            if starts is not None and ok:
                episode.cin_plans.append(PlanDates(block.sourceline, starts, ends))
        for block in find_all(element, "Section47"):
            self._enquiry(block, episode)
        for block in find_all(element, "ChildProtectionPlans"):
            self._cp_plan(block, episode)
        context = {"LAchildID": child.code, "CINreferralDate": referral_date.isoformat()}
        child.kept.extend(self.keep_unknown(element, "CINdetails", context))
        for name in ("Assessments", "CINPlanDates", "Section47", "ChildProtectionPlans"):
            for block in find_all(element, name):
                child.kept.extend(self.keep_unknown(block, name, context))
        self._no_duplicates(element, episode)
        return episode

    def _no_duplicates(self, element, episode: Episode) -> None:
        for items, what in (
            (episode.assessments, "assessments"),
            (episode.cin_plans, "child in need plans"),
            (episode.enquiries, "section 47 enquiries"),
            (episode.cp_plans, "child protection plans"),
        ):
            seen = set()
            for item in items:
                start = getattr(item, "started_on", None) or item.starts_on
                if start in seen:
                    self.refuse(
                        element,
                        f"Two {what} in the episode referred on "
                        f"{episode.referral_date:%-d %B %Y} start on the same day "
                        f"({start:%-d %B %Y}): remove the repeat.",
                    )
                seen.add(start)

    def _assessment(self, block, episode: Episode) -> None:
        started = self.day(
            block, "AssessmentActualStartDate", required="an assessment needs its start date."
        )
        authorised = self.day(block, "AssessmentAuthorisationDate")
        ok = self.in_order(
            find(block, "AssessmentAuthorisationDate"),
            started,
            authorised,
            "AssessmentAuthorisationDate is before AssessmentActualStartDate: an assessment "
            "cannot be authorised before it starts.",
        )
        factors = []
        listed = find(block, "FactorsIdentifiedAtAssessment")
        for element in child_elements(listed) if listed is not None else []:
            code = text_of(element).upper()
            if not code:
                continue
            retired_until = RETIRED_FACTORS.get(code)
            known = code in reference.ASSESSMENT_FACTORS or (
                retired_until is not None and self.census.year <= retired_until
            )
            if not known:
                hint = (
                    f" ({code} was replaced by {code[:-1]}B and {code[:-1]}C in the 2021 census)"
                    if retired_until
                    else ""
                )
                self.refuse(
                    element,
                    f"Assessment factor {code!r} is not a factor code the census knows{hint}.",
                )
                ok = False
                continue
            self.early(code, "Assessment factor")
            if code not in factors:
                factors.append(code)
        if started is not None and ok:
            episode.assessments.append(
                AssessmentRow(block.sourceline, started, authorised, factors)
            )

    def _enquiry(self, block, episode: Episode) -> None:
        starts = self.day(
            block, "S47ActualStartDate", required="a section 47 enquiry needs its start date."
        )
        target = self.day(block, "InitialCPCtarget", not_future=False)
        held = self.day(block, "DateOfInitialCPC")
        not_required = self.boolean(
            block,
            "ICPCnotRequired",
            required="a section 47 enquiry says whether an initial conference was not needed "
            "(true or false).",
        )
        ok = self.in_order(
            find(block, "DateOfInitialCPC"),
            starts,
            held,
            "DateOfInitialCPC is before S47ActualStartDate: the initial conference cannot come "
            "before the enquiry starts.",
        )
        if not_required and held is not None:
            self.refuse(
                find(block, "ICPCnotRequired"),
                "ICPCnotRequired is true but DateOfInitialCPC gives the conference's date: say "
                "one or the other.",
            )
            ok = False
        if starts is not None and not_required is not None and ok:
            episode.enquiries.append(Enquiry(block.sourceline, starts, target, held, not_required))

    def _cp_plan(self, block, episode: Episode) -> None:
        starts = self.day(
            block, "CPPstartDate", required="a child protection plan needs its start date."
        )
        ends = self.day(block, "CPPendDate")
        categories = {}
        for name in ("InitialCategoryOfAbuse", "LatestCategoryOfAbuse"):
            categories[name] = self.code_from(
                block,
                name,
                reference.ABUSE_CATEGORIES,
                required="a child protection plan needs it (NEG, PHY, SAB, EMO or MUL).",
                what="category of abuse",
            )
        previous_text, previous_element = self.text(
            block,
            "NumberOfPreviousCPP",
            required="a child protection plan says how many "
            "plans the child had before (0 when none).",
        )
        previous = None
        if previous_text:
            if previous_text.isdigit():
                previous = int(previous_text)
            else:
                self.refuse(
                    previous_element,
                    f"NumberOfPreviousCPP must be a whole number: it says {previous_text!r}.",
                )
        ok = self.in_order(
            find(block, "CPPendDate"),
            starts,
            ends,
            "CPPendDate is before CPPstartDate: a plan cannot end before it starts.",
        )
        reviews = []
        for listed in find_all(block, "Reviews"):
            for element in child_elements(listed):
                if local_name(element) != "CPPreviewDate":
                    continue
                day = self._review(element)
                if day is None:
                    ok = False
                    continue
                if starts is not None and day < starts:
                    self.refuse(
                        element,
                        f"CPPreviewDate ({day:%-d %B %Y}) is before CPPstartDate: a review "
                        "conference cannot come before the plan starts.",
                    )
                    ok = False
                    continue
                if day not in reviews:
                    reviews.append(day)
        if starts is None or previous is None or not all(categories.values()) or not ok:
            return
        episode.cp_plans.append(
            ProtectionPlan(
                block.sourceline,
                starts,
                ends,
                categories["InitialCategoryOfAbuse"],
                categories["LatestCategoryOfAbuse"],
                previous,
                sorted(reviews),
            )
        )

    def _review(self, element) -> date | None:
        value = text_of(element)
        match = ISO_DATE.match(value)
        try:
            day = date.fromisoformat(match.group(1)) if match else None
        except ValueError:
            day = None
        if day is None:
            self.refuse(
                element, f"CPPreviewDate is not a date written YYYY-MM-DD: it says {value!r}."
            )
            return None
        if day > self.today:
            self.refuse(element, f"CPPreviewDate ({day:%-d %B %Y}) is in the future.")
            return None
        return day
