"""OpenAPI schema tweaks for the API (drf-spectacular)."""

from drf_spectacular.openapi import AutoSchema

# The refusals every endpoint may answer, in the shapes muster.api.exception_handler gives them.
_DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
_FIELD_ERRORS = {
    "type": "object",
    "description": "Each refused field (nested ones as members[1].date_of_birth, the whole body as "
    "non_field_errors or detail) with its messages; a service's refusal adds its stable codes "
    "under codes ({field: [code]}).",
    "additionalProperties": {},
}


def _error(description: str, schema: dict) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


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

    def _get_response_bodies(self, direction="response"):
        """The documented answers, then the refusals this endpoint can give: 400 (bad input,
        naming the field), 401/403 (not signed in / role refused), 404 (an object not there or
        not in your scope), 429 (a throttled door). drf-spectacular documents only success, so a
        client checking statuses against the schema met every refusal as undocumented."""
        responses = super()._get_response_bodies(direction)
        errors = {"400": _error("Bad input: the fields refused and why.", _FIELD_ERRORS)}
        if self.get_auth():
            errors["401"] = _error("Not signed in, or the token has ended.", _DETAIL)
            errors["403"] = _error("Your role does not allow this.", _DETAIL)
        if "{" in self.path:
            errors["404"] = _error("Not found (or not in your scope).", _DETAIL)
        if getattr(self.view, "throttle_classes", None):
            errors["429"] = _error("Too many attempts: wait and try again.", _DETAIL)
        for code, response in errors.items():
            responses.setdefault(code, response)
        return responses

    def _get_serializer_field_meta(self, field, direction):
        # ``CharField(source="approved_by.username", default=None)`` answers null while nobody has
        # approved; drf-spectacular documents nullable only for ``allow_null``, so a client that
        # validates against the schema rejected every pending decision.
        meta = super()._get_serializer_field_meta(field, direction)
        if getattr(field, "default", None) is None and not getattr(field, "required", True):
            meta["nullable"] = True
        return meta
