"""Case workflows (RULES P1–P6, R1, R3, D6–D8): one shared state machine per case type and the one
entry point, :func:`apply`, for every change of a case."""
from .engine import apply, available, may_act
from .errors import ConflictError, InvalidTransition, MissingData, NotAllowed, WarningRequired, WorkflowError
from .filing import Upload, file_case, open_remedy, warnings_for

__all__ = ["ConflictError", "InvalidTransition", "MissingData", "NotAllowed", "Upload", "WarningRequired",
           "WorkflowError", "apply", "available", "file_case", "may_act", "open_remedy",
           "warnings_for"]
