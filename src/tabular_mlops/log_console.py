"""Where the console log goes: standard error, as command-line tools do, so that
standard output carries only what a command prints as its result (the gate's table,
``kedro compare --md > diff.md``). ``conf/logging.yml`` points Kedro's rich handler
here."""

from rich.console import Console

STDERR = Console(stderr=True)
