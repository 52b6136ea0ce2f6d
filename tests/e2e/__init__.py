"""Browser tests: every notebook run and used in JupyterLab, in Debian's Chromium driven by Playwright.

(A package, so that its conftest does not shadow ``tests/conftest.py`` for ``from conftest import ...``.)
"""
