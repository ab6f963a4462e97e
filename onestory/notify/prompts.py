"""The only texts sent by e-mail or text message: prompts to get in touch or sign in, with no
case content (no names, no dates, no reasons). Keys are stored on each Message."""

PROMPTS = {
    # To a family member or a professional outside the council when a letter is released.
    "document_ready": (
        "Luton children's services have sent you a letter or report. If you have questions "
        "about it, contact your social worker or the team named in the letter."
    ),
    # To a worker (by their account's e-mail) when something waits for them in onestory.
    "sign_in_to_read": (
        "You have something new to read in onestory, Luton children's services' record. "
        "Sign in to read it."
    ),
}
