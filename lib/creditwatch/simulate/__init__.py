"""Production traffic simulator: synthetic applications with progressive drift, over HTTP."""

from creditwatch.simulate.outcomes import OutcomeOptions
from creditwatch.simulate.result import BatchResult, OutcomeTally, SimulationResult
from creditwatch.simulate.runner import SimulationConfig, simulate
from creditwatch.simulate.schedule import DEFAULT_SPEC, BatchPlan, Schedule

__all__ = ["DEFAULT_SPEC", "BatchPlan", "BatchResult", "OutcomeOptions", "OutcomeTally",
           "Schedule", "SimulationConfig", "SimulationResult", "simulate"]
