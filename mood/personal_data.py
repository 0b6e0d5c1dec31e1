"""Personal data in the mood of the city (see ``privacy.registry``): who started an
analysis and who wrote and reviewed a summary (colleagues' work). The texts read stay
in their own tables (a topic only points to them by key), so erasing a person there
erases them here too."""

from django.db.models import Q

from mood.models import AnalysisRun, Summary
from privacy.registry import PersonalData

PERSONAL_DATA = [
    PersonalData(
        model="mood.AnalysisRun",
        rows=lambda user: AnalysisRun.objects.filter(started_by=user),
        exported=("start", "end", "neighbourhood", "created_at"),
        not_personal=(
            "id",
            "started_by",
            "topic_count",
            "seed",
            "status",
            "progress",
            "text_count",
            "running_since",
            "finished_at",
            "failure",
        ),
    ),
    PersonalData(
        model="mood.Summary",
        rows=lambda user: Summary.objects.filter(Q(written_by=user) | Q(reviewed_by=user)),
        exported=("run", "title_nl", "reviewed_at", "published_at"),
        not_personal=(
            "id",
            "title_en",
            "text_nl",
            "text_en",
            "written_by",
            "reviewed_by",
            "updated_at",
        ),
    ),
]
