"""Users, roles and who may see and act on what (People and bodies; RULES R1, C13, P5).

``models``: accounts, board memberships, declared conflicts of interest; ``actors``: the
:class:`~casework.auth.actors.Actor` a request or command acts as; ``permissions``: ``can_view``,
``visible_cases`` and ``may_act`` — the one place that says who may see and who may act
(docs/permissions.md)."""
