"""The curation assistant (issue 16): threat feeds as deny sources, list health, successors of
moved domains and discovery of official social pages.

Everything it does is written to the audit log with the actor ``assistant`` and can be undone
(:mod:`.undo`); what it proposes goes to the review queue, never straight into the lists.
"""

ASSISTANT = "assistant"

__all__ = ["ASSISTANT"]
