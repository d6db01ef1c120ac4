"""Production traffic simulator: synthetic applications with progressive drift, over HTTP."""

from creditwatch.simulate.outcome import BatchOutcome, SimulationResult
from creditwatch.simulate.runner import SimulationConfig, simulate
from creditwatch.simulate.schedule import DEFAULT_SPEC, BatchPlan, Schedule

__all__ = ["DEFAULT_SPEC", "BatchOutcome", "BatchPlan", "Schedule", "SimulationConfig",
           "SimulationResult", "simulate"]
