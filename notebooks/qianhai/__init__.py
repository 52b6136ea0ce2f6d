"""Plumbing for "The Qianhai Model" course: data loading, chart style, widgets, self-checks.

The lessons themselves live in the notebooks; this package keeps them short and tested.
"""

__all__ = ["charts", "data", "display", "inputs", "selfcheck", "sources", "widgets"]
