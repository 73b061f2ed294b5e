"""OpenAPI schema tweaks for the API (drf-spectacular)."""

from drf_spectacular.openapi import AutoSchema


class MusterAutoSchema(AutoSchema):
    """A serializer marked ``fields_may_be_withheld`` lists no required properties; a field that
    defaults to ``None`` is nullable.

    Person responses drop every field the reader's roles may not see, so a schema promising them all
    would be wrong for every role but the widest.
    """

    def _map_basic_serializer(self, serializer, direction):
        result = super()._map_basic_serializer(serializer, direction)
        if getattr(serializer, "fields_may_be_withheld", False):
            result.pop("required", None)
        return result

    def _get_serializer_field_meta(self, field, direction):
        # ``CharField(source="approved_by.username", default=None)`` answers null while nobody has
        # approved; drf-spectacular documents nullable only for ``allow_null``, so a client that
        # validates against the schema rejected every pending decision.
        meta = super()._get_serializer_field_meta(field, direction)
        if getattr(field, "default", None) is None and not getattr(field, "required", True):
            meta["nullable"] = True
        return meta
