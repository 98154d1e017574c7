"""Errors a user can fix: the command line prints the message (no traceback), the API returns it as JSON."""


class TacmapError(Exception):
    """Something the user can act on; the message says what went wrong and what to do."""

    exit_code = 1
