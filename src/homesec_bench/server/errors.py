"""Errors a user of the embedded server can meet, each one line naming the problem and the fix."""

from __future__ import annotations


class ServerSetupError(RuntimeError):
    """llama-server or its model could not be found, built, started or kept running.

    The message is a single line meant for the user as is; callers print it instead of a traceback.
    """
