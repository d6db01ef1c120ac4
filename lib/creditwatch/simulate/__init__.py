"""Production traffic over HTTP: synthetic applications with progressive drift, or a file's
own applications replayed (``--from-file``, resumable)."""

from creditwatch.simulate.outcomes import OutcomeOptions
from creditwatch.simulate.replay import ReplayConfig
from creditwatch.simulate.result import BatchResult, OutcomeTally, Refusals, SimulationResult
from creditwatch.simulate.runner import SimulationConfig, simulate
from creditwatch.simulate.schedule import DEFAULT_SPEC, BatchPlan, Schedule

__all__ = ["DEFAULT_SPEC", "BatchPlan", "BatchResult", "OutcomeOptions", "OutcomeTally",
           "Refusals", "ReplayConfig", "Schedule", "SimulationConfig", "SimulationResult",
           "simulate"]
