"""The reason-code table as Markdown: code, kind, text, and the application fields behind
each, read from :data:`creditwatch.explain.REASON_CODES` and the features' lineage for the
pipeline's feature list (what the API answers as ``fields``)."""

from __future__ import annotations

from creditwatch.docgen.markdown import cell, table
from creditwatch.explain.reasons import ReasonGrouper
from creditwatch.features import FeaturePipeline


def codes_markdown() -> str:
    """One row per reason code, in code order."""
    grouper = ReasonGrouper(FeaturePipeline().feature_names, {})
    rows = [[f"`{row.code}`", "missing field" if row.missing else "value", cell(row.text),
             ", ".join(f"`{f}`" for f in fields) or "–"]
            for row, fields in zip(grouper.rows, grouper.fields, strict=True)]
    return table(["code", "kind", "text", "fields"], rows)
