"""Short synthetic words for the statutory record (socialcare.py). Invented; never real cases.

Placeholders: {child} (the child's given name), {carer} (who the child lives with).
"""

CHILD_VIEWS = (
    "{child} said they like school and want things to be calmer at home.",
    "{child} drew their family and talked about who they feel safe with.",
    "{child} was quiet at first; later said they worry about {carer}.",
    "{child} said they want to stay at home and see their friends more.",
    "{child} is too young to give a view; observed to be settled and curious.",
)
FAMILY_VIEWS = (
    "{carer} agrees there are worries and wants help with routines and money.",
    "{carer} accepts some of the concerns and is willing to work with the plan.",
    "{carer} disagrees with the referral but will let the social worker visit.",
    "{carer} asked for help with housing and with the children's school attendance.",
)
ANALYSIS = (
    "Strengths: a warm bond between {child} and {carer}. Worries: unmet needs at home that "
    "have lasted some months. The family needs a plan with clear actions and support.",
    "The worries are real but the family is making changes. Support from school and health "
    "visiting should continue.",
    "Risk of significant harm cannot be ruled out: a strategy discussion is needed.",
    "Needs are met at home with some help; the family agreed to early help.",
)
MANAGER_COMMENTS = (
    "Analysis is clear and the outcome follows from it. Authorised.",
    "Good use of the child's own words. Authorised.",
    "Authorised; please make sure school is told of the plan.",
)
WHAT_NEEDS_TO_CHANGE = (
    "{child} needs regular meals, clean clothes and to be in school every day.",
    "{carer} to get support with their mental health and keep appointments.",
    "The home must be safe and {child} must not see arguments between adults.",
    "{child}'s care needs to be steady and predictable, with the same adults at home.",
)
CIN_REVIEWS = (
    "Progress on most actions. School attendance better. The plan continues.",
    "Some progress; housing is still a worry. Actions updated.",
    "{carer} engaging well; {child} says things are better. The plan continues.",
    "Little change since the last review: the plan is tightened and reviewed sooner.",
)
CIN_ENDINGS = (
    "Needs met: the family manages with universal services.",
    "Stepped down to early help.",
    "The family moved away from Luton.",
)
STRATEGY_SUMMARIES = (
    "Police and health shared what they know. Threshold for section 47 met.",
    "Injury seen at school with an unclear account. Section 47 enquiry to start today.",
    "Disclosure by the child to a teacher. Joint visit with police agreed.",
    "Concerns about neglect have grown. Agencies agreed a section 47 enquiry.",
)
S47_FINDINGS = (
    "Concerns substantiated: {child} is at continuing risk of significant harm.",
    "Some concerns substantiated; an initial child protection conference is needed.",
)
CONFERENCE_SUMMARIES = (
    "All agencies agreed {child} is at risk of significant harm. Plan made.",
    "Review: some progress but risks remain. The plan continues.",
    "Review: risks reduced; the plan continues for now.",
    "Review: the risk of significant harm is no longer there. The plan ends.",
)
CARE_REVIEWS = (
    "{child} is settled in placement. Contact with family going well.",
    "Education plan updated; {child} is attending school every day.",
    "Placement stable; health and dental checks up to date.",
    "{child} wants more time with their brother and sister; contact to increase.",
)
MISSING_NOTES = (
    "Did not return after school; found at a friend's house by police.",
    "Left the placement at night; returned the next morning.",
    "Stayed out past curfew with older young people. Exploitation screening done.",
)
PATHWAY_SUMMARIES = (
    "Pathway plan: college course, learning to budget, moving on to semi-independence.",
    "Pathway plan: staying with carers, looking for an apprenticeship.",
    "Pathway plan: own tenancy, support with money and health.",
)
PATHWAY_REVIEWS = (
    "Review: the young person is on track; budget support continues.",
    "Review: started a new course; accommodation is suitable.",
    "Review: struggling with rent; extra support agreed.",
)
HOMELESS_REASONS = {
    "looked_after": "Cannot return home and needs care and accommodation: section 20.",
    "declined_care": "Told what being looked after means; chose help from housing instead.",
    "not_in_need": "Has somewhere safe to live with family; not in need of accommodation.",
    "returned_home": "Went home after mediation with the family, with support.",
}
HOMELESS_WISHES = (
    "Wants a place of their own near college.",
    "Does not want to go into care; wants to stay with a friend for now.",
    "Wants to go home if things calm down.",
)
HANDOVER_SUMMARIES = (
    "Handover: the plan, the family's network and the next visit are written up for the new "
    "worker. {child} has been told who their new social worker is.",
    "Joint visit done with the new worker. Outstanding actions listed on the plan.",
    "Case transferred with an up-to-date chronology and assessment.",
)
STORIES = {
    "child_in_need": "{child} lives with {carer}. Referred in {month} after worries about "
    "their care at home. An assessment found needs that a child in need plan is helping with.",
    "child_protection": "{child} lives with {carer}. After a strategy discussion and a "
    "section 47 enquiry, {child} has been on a child protection plan since {month}.",
    "child_in_care": "{child} has been looked after since {month}. They live in their "
    "placement and see their family as the care plan sets out.",
    "assessment": "{child} was referred in {month}. An assessment is under way.",
}
