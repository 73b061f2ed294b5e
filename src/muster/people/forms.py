"""The person page's small forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

from muster.screening.models import Category
from muster.web.forms import CodedErrorList


class CategoryForm(forms.Form):
    """Deciding a person's category; its errors, its own and the service's, keep their codes."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("error_class", CodedErrorList)
        super().__init__(*args, **kwargs)

    # Refusals in Muster's words: Django's ("This field is required.") were English in Kurmanji.
    category = forms.ChoiceField(
        label=_("Category"),
        choices=Category.choices,
        error_messages={
            "required": _("Choose a category."),
            "invalid_choice": _("Choose a category."),
        },
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("a category decision needs a reason")},
    )
    legal_basis = forms.CharField(label=_("Legal basis"), required=False, max_length=300)
    # "Held" needs an established basis and a second officer's approval (screening services).
    basis = forms.CharField(
        label=_("Basis for 'held': what was established, and by whom"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
