"""The one exception type the command line turns into a clear message and exit code 2."""


class UserError(Exception):
    """Something the user can fix (a path, an argument, a file); the message says how."""
