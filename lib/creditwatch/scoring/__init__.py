"""Scoring: load a bundle once, score one or many raw applications."""

from creditwatch.scoring.scorer import Scorer, Scores

__all__ = ["Scorer", "Scores"]
