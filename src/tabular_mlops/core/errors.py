"""The error type for mistakes a user can fix: bad data, parameters or configuration."""


class InputError(Exception):
    """An expected problem with the user's input; the message names it and the fix.

    ``kedro run`` prints only this message (the traceback with ``--verbose``); any
    other exception is a bug and keeps its full traceback.
    """


def find_input_error(error: BaseException) -> InputError | None:
    """The ``InputError`` behind ``error``, also when Kedro re-raised it as another
    exception (e.g. ``DatasetError`` while loading a dataset)."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, InputError):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None
