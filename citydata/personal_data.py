"""Personal data in the inner city's data (see ``privacy.registry``): which partners a
person uploads for, and which datasets a colleague approved. The series themselves are
aggregates (counts per street and day) and never about a person."""

from citydata.models import Dataset, Partner
from privacy.registry import PersonalData

PERSONAL_DATA = [
    PersonalData(
        model="citydata.Partner",
        rows=lambda user: Partner.objects.filter(members=user),
        exported=("name",),
        not_personal=("id", "members", "created_at"),
    ),
    PersonalData(
        model="citydata.Dataset",
        rows=lambda user: Dataset.objects.filter(approved_by=user),
        exported=("name_nl", "approved_at"),
        not_personal=(
            "id",
            "partner",
            "slug",
            "name_en",
            "description_nl",
            "description_en",
            "granularity",
            "dimensions",
            "measure_nl",
            "measure_en",
            "unit",
            "aggregation",
            "minimum",
            "maximum",
            "licence",
            "source",
            "approved_by",
            "created_at",
        ),
    ),
]
