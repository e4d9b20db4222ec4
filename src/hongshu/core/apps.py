from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "hongshu.core"
    label = "core"

    def ready(self) -> None:
        from django.db.models import Field, ForeignKey
        from django.urls import register_converter

        from hongshu.core import db_checks  # noqa: F401 -- registers the deploy check
        from hongshu.core.converters import IdConverter
        from hongshu.core.lookups import InIds

        Field.register_lookup(InIds)
        ForeignKey.register_lookup(InIds)  # relations keep their own lookup table
        # Before any URLconf is imported: every urls.py writes its IDs as `<id:…>`.
        register_converter(IdConverter, "id")
