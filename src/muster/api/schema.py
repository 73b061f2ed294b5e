"""OpenAPI schema tweaks for the API (drf-spectacular)."""

from drf_spectacular.openapi import AutoSchema


class MusterAutoSchema(AutoSchema):
    """A serializer marked ``fields_may_be_withheld`` lists no required properties.

    Person responses drop every field the reader's roles may not see, so a schema promising them all
    would be wrong for every role but the widest.
    """

    def _map_basic_serializer(self, serializer, direction):
        result = super()._map_basic_serializer(serializer, direction)
        if getattr(serializer, "fields_may_be_withheld", False):
            result.pop("required", None)
        return result
