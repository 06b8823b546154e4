"""The one table of project operations (see `table.py`); importing this package registers them all."""

from . import history, looks, output, plan, questions, retime, rules, shots, tempo  # noqa: F401 - each registers its own
from .table import OPERATIONS, Operation, Operations, Result, operation, parse

__all__ = ["OPERATIONS", "Operation", "Operations", "Result", "operation", "parse"]
