"""The DfE's code lists for statutory social care, with the words practitioners read.

Pure Python: no Django import. Codes are the returns' own (children in need census 2026/27;
SSDA903 2025/26 and 2026/27, as checked by the sector's validators, csc-validator-be-903 0.1.17
and csc-validator-be-cin 0.1.13); labels are shortened from the DfE's guidance. A code that
leaves the DfE's list stays readable on old records: lists are only ever added to here.
"""

# Children in need census: factors identified at the end of assessment (DOMAIN.md).
ASSESSMENT_FACTORS = {
    "1A": "Alcohol misuse: concerns about the child",
    "1B": "Alcohol misuse: concerns about the parent or carer",
    "1C": "Alcohol misuse: concerns about another person in the household",
    "2A": "Drug misuse: concerns about the child",
    "2B": "Drug misuse: concerns about the parent or carer",
    "2C": "Drug misuse: concerns about another person in the household",
    "3A": "Domestic abuse: concerns about the child being the subject",
    "3B": "Domestic abuse: concerns about the parent or carer being the subject",
    "3C": "Domestic abuse: concerns about another person in the household",
    "4A": "Mental health: concerns about the child",
    "4B": "Mental health: concerns about the parent or carer",
    "4C": "Mental health: concerns about another person in the household",
    "5A": "Learning disability: concerns about the child",
    "5B": "Learning disability: concerns about the parent or carer",
    "5C": "Learning disability: concerns about another person in the household",
    "6A": "Physical disability or illness: concerns about the child",
    "6B": "Physical disability or illness: concerns about the parent or carer",
    "6C": "Physical disability or illness: concerns about another person in the household",
    "7A": "Young carer",
    "8B": "Private fostering: child from abroad",
    "8C": "Private fostering: child from the UK, education",
    "8D": "Private fostering: child from the UK, parents' work or studies",
    "8E": "Private fostering: child from the UK, the child's choice",
    "8F": "Private fostering: other",
    "9A": "Unaccompanied asylum-seeking child",
    "10A": "Going or being missing",
    "11A": "Child sexual exploitation",
    "12A": "Trafficking",
    "13A": "Gangs",
    "14A": "Socially unacceptable behaviour",
    "15A": "Self-harm",
    "16A": "Neglect",
    "17A": "Emotional abuse",
    "18B": "Physical abuse: child on child",
    "18C": "Physical abuse: adult on child",
    "19B": "Sexual abuse: child on child",
    "19C": "Sexual abuse: adult on child",
    "20": "Other",
    "21": "No factors identified",
    "22A": "Female genital mutilation",
    "23A": "Abuse linked to faith or belief",
    "24A": "Child criminal exploitation",
}
# "No factors identified" must stand alone (children in need census guidance).
NO_FACTORS = "21"

# Children in need census: category of abuse on a child protection plan.
ABUSE_CATEGORIES = {
    "NEG": "Neglect",
    "PHY": "Physical abuse",
    "SAB": "Sexual abuse",
    "EMO": "Emotional abuse",
    "MUL": "Multiple categories",
}

# Children in need census: reason a child in need episode closed.
CIN_CLOSURE_REASONS = {
    "RC1": "Adopted",
    "RC2": "Died",
    "RC3": "Child arrangements order",
    "RC4": "Special guardianship order",
    "RC5": "Transferred to the services of another local authority",
    "RC6": "Transferred to adult social care",
    "RC7": "Services ceased for any other reason, including no longer in need",
    "RC8": "Closed after assessment: no further action",
    "RC9": "Closed after assessment: referred to early help",
}

# SSDA903: legal status.
LEGAL_STATUSES = {
    "C1": "Interim care order",
    "C2": "Full care order",
    "D1": "Freeing order granted",
    "E1": "Placement order granted",
    "V2": "Single period of accommodation under section 20",
    "V3": "Agreed series of short breaks (each episode recorded)",
    "V4": "Agreed series of short breaks (agreements recorded)",
    "J1": "Remanded to local authority or youth detention accommodation",
    "J2": "Placed in local authority accommodation under PACE",
    "J3": "Sentenced to a youth rehabilitation order with a residence requirement",
    "L1": "Under police protection and in local authority accommodation",
    "L2": "Emergency protection order",
    "L3": "Child assessment order and in local authority accommodation",
}
SHORT_BREAK_STATUSES = frozenset({"V3", "V4"})

# SSDA903: reason for a new episode (derived from what changed; never typed). As the 903
# validator's rules 217, 380, 435 and 436 read them.
NEW_EPISODE_REASONS = {
    "S": "Started to be looked after",
    "L": "Change of legal status only",
    "P": "Change of placement and carer",
    "T": "Change of placement only, the carer staying the same",
    "U": "Change of legal status and placement, the carer staying the same",
    "B": "Change of legal status, placement and carer at the same time",
}

# SSDA903 2025/26: placement type.
PLACEMENT_TYPES = {
    "A3": "Placed for adoption with consent, with current foster carers",
    "A4": "Placed for adoption with consent, not with current foster carers",
    "A5": "Placed for adoption with a placement order, with current foster carers",
    "A6": "Placed for adoption with a placement order, not with current foster carers",
    "K1": "Secure children's home",
    "K2": "Children's home",
    "K3": "Supported accommodation",
    "P1": "With parents or others with parental responsibility",
    "P3": "Residential employment",
    "R1": "Residential care home",
    "R2": "NHS or other health establishment",
    "R3": "Family centre or mother and baby unit",
    "R5": "Young offender institution",
    "S1": "Residential school",
    "T0": "Temporary move of any kind",
    "T1": "Temporary: in hospital",
    "T2": "Temporary: on holiday",
    "T3": "Temporary: while the usual foster carer is on holiday",
    "T4": "Temporary: seven days or less, any other reason",
    "U1": "Foster care with relatives or friends: long term",
    "U2": "Foster care with relatives or friends who are approved adopters",
    "U3": "Foster care with relatives or friends: other",
    "U4": "Foster care with other carers: long term",
    "U5": "Foster care with other carers who are approved adopters",
    "U6": "Foster care with other carers: other",
    "Z11": "Independent living (flat, lodgings, bed and breakfast, friends)",
    "Z12": "Unregistered children's home",
    "Z13": "Unregistered supported accommodation",
    "Z14": "Any other placement",
}
FOSTER_PLACEMENTS = frozenset({"U1", "U2", "U3", "U4", "U5", "U6"})
ADOPTION_PLACEMENTS = frozenset({"A3", "A4", "A5", "A6"})
TEMPORARY_PLACEMENTS = frozenset({"T0", "T1", "T2", "T3", "T4"})
# Long-term placements meant to last until the child is 18 (reg. 28(3) visits every 3 months).
LONG_TERM_PLACEMENTS = frozenset({"U1", "U4"})
# These placements have no provider: SSDA903 rule 213 (csc-validator-be-903 0.1.17, 2025/26:
# "Placement provider information not required" for T0 to T4 and Z11 to Z14; rule 178 accepts a
# blank provider for any placement).
PLACEMENTS_WITHOUT_PROVIDER = frozenset({"T0", "T1", "T2", "T3", "T4", "Z11", "Z12", "Z13", "Z14"})

# SSDA903: placement provider.
PLACEMENT_PROVIDERS = {
    "PR0": "Parents or others with parental responsibility",
    "PR1": "The council's own provision",
    "PR2": "Another council's provision",
    "PR3": "Other public provision",
    "PR4": "Private provision",
    "PR5": "Voluntary or third sector provision",
}

# SSDA903: reason a placement changed.
PLACEMENT_CHANGE_REASONS = {
    "CARPL": "Change to or carrying out of the care plan",
    "CLOSE": "The provision closed or the carer resigned",
    "ALLEG": "Allegation (section 47 enquiry)",
    "STAND": "Concern about standards of care",
    "APPRR": "The carer's approval was removed",
    "CREQB": "The carer asked for it to end because of the child's behaviour",
    "CREQO": "The carer asked for it to end for another reason",
    "CHILD": "The child asked for it to end",
    "LAREQ": "The council asked for it to end",
    "PLACE": "Change in the placement's status only",
    "CUSTOD": "The child was arrested or went into custody",
    "OTHER": "Other",
}

# SSDA903: reason a period of care (its last episode) ended.
CARE_END_REASONS = {
    "E11": "Adopted: application unopposed",
    "E12": "Adopted: consent dispensed with by the court",
    "E2": "Died",
    "E3": "Care taken over by another council",
    "E4A": "Returned home as part of the care plan",
    "E4B": "Returned home, not as part of the care plan",
    "E13": "Left care to live with parents or relatives without parental responsibility",
    "E41": "Child arrangements order granted",
    "E45": "Special guardianship order: former foster carers who are relatives or friends",
    "E46": "Special guardianship order: other former foster carers",
    "E47": "Special guardianship order: relatives or friends who had not fostered",
    "E48": "Special guardianship order: other carers who had not fostered",
    "E5": "Moved to independent living with formal support",
    "E6": "Moved to independent living without formal support",
    "E7": "Transferred to residential care funded by adult social care",
    "E8": "Care ended for another reason",
    "E9": "Sentenced to custody",
    "E14": "Accommodation on remand ended",
    "E15": "Age assessment found the young person to be 18 or over",
    "E16": "Moved abroad",
    "E17": "Aged 18 and stayed with their carers (including staying put)",
}

# SSDA903: the child's participation in their review.
REVIEW_PARTICIPATION = {
    "PN0": "Under 4 at the time of the review",
    "PN1": "Attended and spoke for themselves",
    "PN2": "Attended and an advocate spoke for them",
    "PN3": "Attended and conveyed their views without words",
    "PN4": "Attended but did not convey their views",
    "PN5": "Did not attend; briefed an advocate to speak for them",
    "PN6": "Did not attend; conveyed their views another way",
    "PN7": "Did not attend and their views were not conveyed",
}

# SSDA903: missing (M) or away without authorisation (A).
MISSING_KINDS = {"M": "Missing", "A": "Away from placement without authorisation"}

# SSDA903 OC3: care leavers around their 17th to 21st birthdays.
IN_TOUCH = {
    "YES": "In touch",
    "NO": "Not in touch",
    "DIED": "Died",
    "REFU": "Refuses contact",
    "NREQ": "No longer needs services",
    "RHOM": "Returned home for six months or more",
}
ACTIVITIES = {
    "F1": "Full-time higher education",
    "P1": "Part-time higher education",
    "F2": "Full-time education other than higher education",
    "P2": "Part-time education other than higher education",
    "F4": "Full-time apprenticeship",
    "P4": "Part-time apprenticeship",
    "F5": "Full-time training or employment",
    "P5": "Part-time training or employment",
    "G4": "Not in education, training or employment: illness or disability",
    "G5": "Not in education, training or employment: other reasons",
    "G6": "Not in education, training or employment: pregnancy or parenting",
    "0": "Not known",
}
# OC3 accommodation: the letter is the kind; 1 suitable, 2 not suitable.
ACCOMMODATION_KINDS = {
    "B": "With parents or relatives",
    "C": "Community home or other residential care",
    "D": "Semi-independent, transitional accommodation",
    "E": "Supported lodgings",
    "G": "Gone abroad",
    "H": "Deported",
    "K": "Ordinary lodgings, without support",
    "R": "Residence not known",
    "S": "No fixed abode or homeless",
    "T": "Foyer",
    "U": "Independent living",
    "V": "Emergency accommodation",
    "W": "Bed and breakfast",
    "X": "In custody",
    "Y": "Other accommodation",
    "Z": "With former foster carers",
}

# Children (Leaving Care) Act 2000 and the Children Act 1989 (sections 23A-24B): who is owed
# leaving-care support.
LEAVING_CARE_CATEGORIES = {
    "eligible": "Eligible: 16 or 17 and still in care",
    "relevant": "Relevant: 16 or 17 and left care",
    "former_relevant": "Former relevant: 18 to 25",
    "qualifying": "Qualifying: left care after 16 without 13 weeks' care",
}

# SSDA903 SWEpisodes (from 2023/24): why a child's social worker changed.
FIRST_SOCIAL_WORKER = "FCONTA"
SOCIAL_WORKER_CHANGE_REASONS = {
    "MANAGE": "Management decision",
    # The reason on a child's first social worker episode, never on a move between workers.
    "FCONTA": "First contact: the child's first social worker",
    "LEFTRL": "The social worker left the role",
    "ORGRST": "Reorganisation",
    "TSPROC": "Transfer between teams in the usual process",
    "ABSENC": "The social worker is absent",
    "CHCHAN": "The child's circumstances changed",
    "PCCHAN": "Change to the child's plan",
    "SWDIED": "The social worker died",
    "OTHERS": "Other",
}
