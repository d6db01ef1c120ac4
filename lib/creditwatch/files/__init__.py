"""Application files: read the real Kaggle files (CSV or Parquet) into schema dtypes, write them."""

from __future__ import annotations

from creditwatch.files.chunks import LabelScan, count_rows, iter_application_chunks, scan_labels
from creditwatch.files.loader import (
    LoadedApplications,
    load_applications,
    read_table,
    to_schema_frame,
    write_applications,
)

__all__ = ["LabelScan", "LoadedApplications", "count_rows", "iter_application_chunks",
           "load_applications", "read_table", "scan_labels", "to_schema_frame",
           "write_applications"]
