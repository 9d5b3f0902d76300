"""The path converters of the public site's addresses, apart so addresses.py can read them too."""


class StepNumber:
    """A step number as we write it: no leading zero, so each step has one address."""

    regex = "[1-9][0-9]{0,3}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)
