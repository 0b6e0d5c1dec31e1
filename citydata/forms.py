"""A partner's CSV upload: one of its own datasets and a file whose header names the
dataset's fields. Every error is shown with its line number; nothing is stored while
one remains."""

import csv
import io
from typing import Any

from django import forms
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from citydata.models import Dataset
from citydata.validation import RowError

MAX_BYTES = 5 * 1024 * 1024
ERRORS_SHOWN = 30


class DatasetChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Dataset) -> str:
        return obj.name_for(self.language)

    language = "nl"


class UploadForm(forms.Form):
    dataset = DatasetChoice(
        label=_("Dataset"), queryset=Dataset.objects.none(), empty_label=_("Choose a dataset")
    )
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "UTF-8, comma-separated, with a header line naming the dataset's fields "
            "(see the table above). At most 5 MB."
        ),
    )

    def __init__(self, *args: Any, user: Any, language: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["dataset"]
        assert isinstance(field, DatasetChoice)
        field.queryset = Dataset.objects.of_member(user).select_related("partner")
        field.language = language
        self.lines: list[int] = []

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        dataset, upload = cleaned.get("dataset"), cleaned.get("file")
        if dataset is None or upload is None:
            return cleaned
        if upload.size > MAX_BYTES:
            self.add_error("file", gettext("The file is larger than 5 MB."))
            return cleaned
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            self.add_error("file", gettext("Save the file as UTF-8 text (CSV)."))
            return cleaned
        reader = csv.DictReader(io.StringIO(text, newline=""))
        header = [name.strip() for name in reader.fieldnames or []]
        if sorted(header) != sorted(dataset.columns()):
            self.add_error(
                "file",
                gettext("The first line must name the fields %(fields)s; it names %(header)s.")
                % {
                    "fields": ", ".join(dataset.columns()),
                    "header": ", ".join(header) or gettext("nothing"),
                },
            )
            return cleaned
        reader.fieldnames = header
        rows: list[dict[str, Any]] = []
        lines: list[int] = []
        try:
            for row in reader:
                if None in row or any(value is None for value in row.values()):
                    self.add_error(
                        "file",
                        gettext("Line %(line)s: the number of fields differs from the header.")
                        % {"line": reader.line_num},
                    )
                    return cleaned
                rows.append(row)
                lines.append(reader.line_num)
        except csv.Error:
            self.add_error("file", gettext("The file is not a readable CSV file."))
            return cleaned
        cleaned["rows"], self.lines = rows, lines
        return cleaned

    def refuse_rows(self, errors: list[RowError]) -> None:
        """Show the rows' errors beside the file, each with its line number."""
        for error in errors[:ERRORS_SHOWN]:
            line = self.lines[error.index] if error.index < len(self.lines) else 1
            where = (
                gettext("Line %(line)s, %(field)s") % {"line": line, "field": error.field}
                if error.field
                else gettext("Line %(line)s") % {"line": line}
            )
            self.add_error("file", f"{where}: {error.message}")
        hidden = len(errors) - ERRORS_SHOWN
        if hidden > 0:
            self.add_error(
                "file",
                ngettext("And %(count)s more error.", "And %(count)s more errors.", hidden)
                % {"count": hidden},
            )
        self.add_error(None, gettext("Nothing was stored: correct the file and upload it again."))
