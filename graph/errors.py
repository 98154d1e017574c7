"""Errors a user can fix: the command line prints the message (no traceback), the API returns it as JSON."""


class TacmapError(Exception):
    """Something the user can act on; the message says what went wrong and what to do."""

    exit_code = 1


class NotFound(TacmapError):
    """The thing asked for does not exist (404)."""

    http_status = 404


class Conflict(TacmapError):
    """The request would leave things in a state nobody can recover from over HTTP (409)."""

    http_status = 409
