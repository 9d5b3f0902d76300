"""How the site names a language: the one home for language codes and the source language.

A language has two codes here. Its address code is the one in ``LANGUAGES`` (the prefix of its
addresses, and what Django activates): English, the source, is "en-gb", for its dates and
Django's own British wording. Its base code drops the variant ("en"): content translations,
search documents and outcomes are kept by base code, so a variant never splits a language in
two. Only settings are read here, so models can import it without a cycle.
"""

from django.conf import settings


def base_code(code: str) -> str:
    """Return a language's base code: "en" for "en-gb", "es" for "es"."""
    return code.split("-")[0].lower()


# The source language as addresses and Django name it: the code in LANGUAGES.
SOURCE_ADDRESS_CODE = settings.LANGUAGE_CODE
# The source language as content, search and outcomes store it.
SOURCE_BASE_CODE = base_code(SOURCE_ADDRESS_CODE)
