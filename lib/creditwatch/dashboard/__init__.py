"""What the Streamlit dashboard (app/) needs beyond the analytics layer: system status probes,
the guide's KPI bands, the data each page shows (one function per page, so the benchmarks time
exactly what a page loads) and the drift checks it runs. No Streamlit import here: the app
wraps these functions in its caches; everything below is plain, testable Python. The charts
are ``creditwatch.figures`` (shared with the report notebooks).
"""
