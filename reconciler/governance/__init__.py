"""Access governance: expiring memberships, reasons and tickets, owners, explain.

Pure values and functions; the clock is always passed in (``now``), never read here.
"""
