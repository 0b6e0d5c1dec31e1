"""A programme project's progress as open data: status, progress, money, the planned
and actual day it was done, and its milestones. Never a person (no update's author, no
follower). Used by the programmes' open data and by the apps whose records became
projects (the neighbourhood budget's winners)."""

from neighbourhoods.models import ProgrammeProject


def _day(value) -> str | None:
    return value.isoformat() if value is not None else None


def progress_data(project: ProgrammeProject) -> dict[str, object]:
    """Reads the prefetched milestones (``ProgrammeProjectQuerySet.with_progress``)."""
    return {
        "status": project.status,
        "progress": project.progress,
        "budget": str(project.budget),
        "spent": str(project.spent),
        "planned_completion": _day(project.planned_completion),
        "completed_on": _day(project.completed_on),
        "milestones": [
            {
                "title": milestone.title_nl,
                "title_en": milestone.title_en or None,
                "planned_on": _day(milestone.planned_on),
                "reached_on": _day(milestone.reached_on),
            }
            for milestone in project.milestones.all()
        ],
    }
