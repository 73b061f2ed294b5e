"""The verbs of family tracing (filled in below)."""


def on_household_registered(sender, household, persons, **kwargs) -> None:
    return None
