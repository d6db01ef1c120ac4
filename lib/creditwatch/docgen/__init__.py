"""The generated parts of the documentation site (``docs/``, built by mkdocs).

Each module renders Markdown from the code it documents, so those pages cannot drift from
it: ``settings`` (the configuration reference, from ``Settings``), ``commands`` (every CLI
command and option, from the Typer app), ``packages`` (the package map, from the package
docstrings and the import graph), ``notebooks`` (each report notebook's parameters). The
mkdocs hook ``docs/hooks/generated.py`` puts them where a page holds a
``<!-- generated: NAME -->`` line.
"""
