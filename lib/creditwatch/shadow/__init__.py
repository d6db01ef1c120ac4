"""The challenger in shadow: it scores a share of the live traffic off the response path and
its scores are compared with the champion's, window by window.

Modules: ``sampling`` (which requests the shadow scores), ``work`` (what the request path
hands over, and how a batch of it is scored), ``runner`` (``Shadow``: the bounded queue and
the background thread that follows the challenger pointer and drains the queue),
``compare`` (the per-window comparison read from the store through the analytics copy).
"""

from __future__ import annotations

from creditwatch.shadow.runner import QUEUE_MAX, Shadow
from creditwatch.shadow.sampling import sampled

__all__ = ["QUEUE_MAX", "Shadow", "sampled"]
