"""Every write to pathways and contexts: one transaction each, with its audit row and the
chronology line of each child it concerns."""

from .common import CHRONOLOGY_CATEGORY, may_act
from .contexts import (
    context_action_add,
    context_action_update,
    context_create,
    context_link_child,
    context_note_add,
    context_unlink,
    context_update,
)
from .flags import (
    flag_end,
    flag_raise,
    missing_episode_add,
    missing_return_record,
    panel_decide,
    panel_refer,
    panel_review,
)

__all__ = [
    "CHRONOLOGY_CATEGORY",
    "context_action_add",
    "context_action_update",
    "context_create",
    "context_link_child",
    "context_note_add",
    "context_unlink",
    "context_update",
    "flag_end",
    "flag_raise",
    "may_act",
    "missing_episode_add",
    "missing_return_record",
    "panel_decide",
    "panel_refer",
    "panel_review",
]
