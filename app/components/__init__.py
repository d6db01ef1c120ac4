"""Pieces shared by every page: cached resources and data, the sidebar, page scaffolding."""
