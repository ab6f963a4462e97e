"""Words for the synthetic front door: what referrers wrote, why screeners decided, and where
families were signposted. All invented; placeholders are filled in by contacts.py.

{child} is the first child's given name, {adult} what the adult named is to the children
("mother", "stepfather") or "a parent", {Adult} the same with a capital letter.
"""

# What happened, by the child's primary need, for requests that became statutory referrals
# (DfE primary need codes, rules.PRIMARY_NEEDS).
STATUTORY_WORRIES = {
    "N1": (
        "{child} told a member of staff that an adult at home hit them with a belt last night. "
        "There is a red mark on their upper arm.",
        "{child} has come to school hungry most days this term, in the same clothes, with "
        "untreated head lice. Attendance has fallen below 80%.",
        "The home was cold, with little food, when the health visitor called. {child}'s nappy "
        "rash had not been treated and {adult} said they were not coping.",
        "Police attended a domestic incident. {Adult} had injuries from an assault by a partner "
        "and {child} was in the room when it happened.",
        "{child} said an older relative touches them in ways that make them feel unsafe.",
        "{child} was seen in A&E with a fracture; the explanation given does not fit the injury.",
        "{child} keeps going missing overnight and has been seen getting into cars with older "
        "men near the town centre.",
        "{Adult} was arrested for supplying drugs from the home while {child} was there; drugs "
        "were within the children's reach.",
        "{child} is often left to look after younger children late into the evening and says "
        "there is shouting and drinking at home most nights.",
    ),
    "N2": (
        "{child} has complex health needs and the family can no longer manage the care at home "
        "without help. {Adult} asked for an assessment for short breaks.",
        "{child}'s disability means they need care through the night; {adult} is exhausted and "
        "there is no other adult to help.",
    ),
    "N3": (
        "{Adult} has been admitted to a mental health ward and there is no other adult at home "
        "to care for {child}.",
        "{Adult}'s illness has got worse and {child} is doing most of the caring at home, "
        "missing school to do it.",
    ),
    "N4": (
        "The family has been evicted and is sleeping on a friend's floor; {child} has missed two "
        "weeks of school.",
        "{Adult} told the GP they cannot cope and are thinking of leaving the children with a "
        "relative they hardly know.",
        "A bereavement has left {adult} unable to get up in the mornings; {child} is arriving "
        "at school late, unwashed and upset.",
    ),
    "N5": (
        "Police have been called to arguments between the adults three times this year. "
        "{child} is anxious, wetting the bed and afraid to go home.",
        "{child} says the adults at home fight all the time and that they are frightened of "
        "{adult}'s temper.",
    ),
    "N6": (
        "{child} was excluded after bringing a knife into school and is believed to be involved "
        "with older young people dealing drugs.",
        "{child} was arrested for criminal damage and told police they are paid to carry "
        "packages across town.",
    ),
    "N7": (
        "The family has no money for food or rent and no recourse to public funds; {child} has "
        "been eating only at school.",
    ),
    "N8": (
        "{child} has been left alone overnight several times while {adult} is away; neighbours "
        "raised the alarm.",
        "{child} turned up at a friend's house saying {adult} had not come home for two days.",
    ),
}

# Pre-birth referrals: the baby is not born yet ({adult} is the adult named, if any).
PRE_BIRTH_WORRIES = (
    "Pre-birth referral from the midwife: {adult} is expecting a baby and an older child was "
    "removed from their care in the past.",
    "Pre-birth referral: {adult} is expecting a baby, is using drugs and has missed most of "
    "the antenatal appointments.",
    "Pre-birth referral: there is domestic abuse at home and the baby is due within weeks.",
)

# Worries that led to early help (levels 2 and 3).
EARLY_HELP_WORRIES = (
    "{child}'s parents have separated and {child} has become withdrawn and tearful at school.",
    "{child}'s attendance has dropped to 85%; {adult} asked for help with morning routines.",
    "{Adult} asked for help with {child}'s behaviour at home: {child} has been hitting out "
    "and refusing to go to bed.",
    "Rent arrears and debt are putting the family under strain and {adult} is struggling.",
    "{child} is a young carer for {adult}, who has a long-term illness, and is falling behind "
    "at school.",
    "There have been two verbal arguments at home reported to police, no injuries; the family "
    "would like support.",
    "{child} has struggled with anxiety and friendships since moving schools.",
    "{Adult} is isolated after moving to Luton and asked for help to find a nursery place "
    "and parenting support.",
    "{child} has been caught vaping and truanting with older friends; {adult} is worried.",
)

# Worries that needed no further action beyond signposting (level 1).
NO_FURTHER_ACTION_WORRIES = (
    "{child} missed a hospital appointment; the family has since rebooked it.",
    "Police were called to a noise complaint at the address; officers found no concerns for "
    "the children.",
    "{child} came to school with head lice twice this month; the school nurse is already helping.",
    "A neighbour is worried that {child} plays outside late in the evening; nothing else is known.",
    "{Adult} asked for advice about housing and benefits after a change in circumstances.",
    "{child} had a small bruise on the shin; {child} and {adult} both said it happened at "
    "football, and that fits.",
    "{Adult} asked for information about parenting courses.",
)

FAMILY_KNOWS = (
    "{Adult} knows about this request and agreed to it.",
    "{Adult} knows the worry has been passed on to the front door.",
    "The family has been told that we are asking for help for them.",
)
FAMILY_NOT_TOLD = (
    "{Adult} has not been told: the referrer is worried that telling them could put {child} "
    "at risk.",
    "Not yet: the referrer could not reach the family before sending this.",
)
CONSENT_REFUSED = (
    "{Adult} refused consent to share information. The referrer believes the worry is serious "
    "enough to share without it.",
    "The family refused; the referrer shared the worry because a child may be at risk.",
)
CONSENT_NOT_SOUGHT = (
    "Consent not sought: asking could put the child at risk of significant harm.",
    "Police information shared under the duty to safeguard children; the family was not asked.",
    "The referrer could not reach the family before sending this.",
)

RATIONALE = {
    "nfa": (
        (
            "Checks with school and health raise no safeguarding concerns.",
            "This is a single low-level worry and universal services already know the family.",
            "The parent acted protectively and the children are safe.",
            "Police found no concerns for the children when they attended.",
            "The worry has been resolved: the family is back in touch with health services.",
        ),
        (
            "The family's needs can be met by universal services.",
            "No role for early help or children's social care at present.",
            "Signposted to universal services; the referrer has been told.",
        ),
    ),
    "early_help": (
        (
            "The family has additional needs that can be met without statutory services.",
            "There are emerging worries about the children's well-being but no evidence of "
            "significant harm.",
            "Needs are complex and enduring and more than one agency needs to be involved.",
            "The family asked for help and wants to work with services.",
        ),
        (
            "The family agrees to early help; a team around the family will be set up.",
            "Early help assessment and an action plan with the family, reviewed in 6 weeks.",
            "Lead professional to agree a plan with the family and the school.",
        ),
    ),
    "referral": (
        (
            "The threshold for a statutory assessment is met.",
            "The child's needs are not being met and the parents' capacity to meet them is "
            "unclear.",
            "Repeated worries from more than one agency show a pattern of neglect.",
            "Domestic abuse at home is having a serious effect on the children.",
            "Early help has not made enough difference and the worries are growing.",
        ),
        (
            "A child and family assessment is needed within 45 working days.",
            "Passed to the social work team for a child and family assessment.",
            "A social worker will see the children and assess their needs.",
        ),
    ),
    "strategy": (
        (
            "There is reasonable cause to suspect the child is suffering, or is likely to "
            "suffer, significant harm.",
            "The child has an injury that is not explained and may be non-accidental.",
            "The child has disclosed abuse by an adult in the household.",
            "There are signs of exploitation and the child is at risk tonight.",
        ),
        (
            "A strategy discussion with police and health is needed today.",
            "Strategy discussion today; the child's safety to be agreed before the end of the day.",
        ),
    ),
}

SIGNPOSTING = (
    "The family hub's parenting programme",
    "Their GP for a health review",
    "The school's pastoral team",
    "Citizens Advice for help with debt and benefits",
    "Luton's family services directory",
    "The health visitors' drop-in at the family hub",
    "Luton Young Carers Network",
    "The school nurse",
    "Housing options at the council",
)

SIGN_OFF_COMMENTS = (
    "Agreed.",
    "Agreed: the signposting is right for this family.",
    "Agreed. Please make sure the school knows.",
    "Agreed after reading the police information.",
)

STRATEGY_SUMMARIES = {
    "section_47": (
        "Police, health and children's social care shared what they know. The worries meet the "
        "threshold for a section 47 enquiry: joint visit today, child seen alone.",
        "Agreed a single-agency section 47 enquiry by children's social care; police to check "
        "their records and share by tomorrow.",
    ),
    "assessment": (
        "Information shared by police and health does not suggest significant harm. Carry on "
        "with a child and family assessment.",
    ),
    "nfa": (
        "Health confirmed the injury was seen and explained at the time. No further action; "
        "the family to be signposted to universal services.",
    ),
}

HANDOVER_STEP_UP = (
    "Early help assessment since {since}; team around the family meets every month. "
    "The worries have grown despite support.",
    "Lead professional since {since}. The family stopped engaging with the action plan and the "
    "school now reports new worries.",
)
HANDOVER_STEP_DOWN = (
    "Child and family assessment completed. Needs can be met by early help; the family agreed "
    "to a team around the family.",
    "Child in need plan ended. The family wants continued support from the family hub.",
)

CLOSED_REASONS = (
    "Duplicate of another contact about the same worry.",
    "Duplicate: the police and the school sent the same worry.",
    "Sent in error by the referrer: the worry was about a family outside Luton.",
)
