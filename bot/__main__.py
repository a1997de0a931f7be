"""Run the command line: ``python -m bot``."""

import sys

from pydantic import ValidationError

from bot.cli import main
from bot.config import Settings, describe_invalid
from bot.logs import log_uncaught


def guarded_main() -> int:
    """Run the CLI so that nothing escaping it prints a raw traceback, which may hold the token."""
    try:
        return main()
    except Exception as error:  # the last line of defence: report it redacted, never re-raise
        if isinstance(error, ValidationError) and error.title == Settings.__name__:
            print(f"invalid settings:\n{describe_invalid(error)}", file=sys.stderr)
            return 2
        log_uncaught(error)
        return 1


if __name__ == "__main__":
    raise SystemExit(guarded_main())
