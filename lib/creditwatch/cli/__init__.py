"""The ``creditwatch`` command line: thin Typer commands over library functions."""
