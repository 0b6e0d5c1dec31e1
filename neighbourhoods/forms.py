from django import forms

from neighbourhoods.models import AgendaItem


class AgendaItemForm(forms.ModelForm):
    """What a resident proposes for the neighbourhood's agenda."""

    class Meta:
        model = AgendaItem
        fields = ["title", "description", "location"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}
