"""Small factories for translations: each test translates just the items it needs."""

from troubleshooting.models import TRANSLATION_MODELS, Status, english_choices


def translate(item, language: str = "es", **fields):
    """Save a published translation of ``item``: its English text marked, e.g. "[es] Title"."""
    model = TRANSLATION_MODELS[type(item)]
    defaults = {"status": Status.PUBLISHED, "slug": f"{item.slug}-{language}"}
    for name in model.source_fields:
        if name == "choices":
            defaults[name] = [
                {key: f"[{language}] {text}" if text else "" for key, text in choice.items()}
                for choice in english_choices(item)
            ]
        else:
            english = getattr(item, name)
            defaults[name] = f"[{language}] {english}" if english else ""
    if "settings_path" in defaults:
        defaults["settings_path"] = " > ".join(
            f"[{language}] {part}" for part in item.settings_path_parts
        )
    return model.objects.create(source=item, language=language, **{**defaults, **fields})
