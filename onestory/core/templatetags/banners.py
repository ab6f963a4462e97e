"""One notification banner per kind of message: GOV.UK's notification banner guidance asks for
no more than one banner on a page, so a save that succeeded with warnings shows one "Success"
banner and one "Important" banner listing the warnings."""

from django import template

register = template.Library()


@register.simple_tag
def banners(messages) -> list[dict]:
    """[{"success": bool, "messages": [str, ...]}, ...]: success first, then everything else."""
    success, important = [], []
    for message in messages or ():
        (success if message.tags == "success" else important).append(str(message))
    return [
        {"success": kind, "messages": texts}
        for kind, texts in ((True, success), (False, important))
        if texts
    ]
