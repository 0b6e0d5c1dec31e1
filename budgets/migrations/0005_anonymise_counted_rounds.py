"""Rounds counted before the anonymous table existed: their ballots (already without a
voter, but with their moments, numbers and paper details) move into ``CountedBallot`` in
a random order, and go, as ``compute_results`` now does at the count."""

from django.db import migrations

from budgets import anonymous


def anonymise(apps, schema_editor):
    Round = apps.get_model("budgets", "Round")
    Ballot = apps.get_model("budgets", "Ballot")
    Choice = apps.get_model("budgets", "Choice")
    CountedBallot = apps.get_model("budgets", "CountedBallot")
    counted = Round.objects.filter(results_computed_at__isnull=False)
    for round_id in counted.values_list("pk", flat=True):
        if CountedBallot.objects.filter(round_id=round_id).exists():
            continue
        anonymous.move_counted_ballots(
            round_id=round_id,
            ballot_model=Ballot,
            choice_model=Choice,
            counted_model=CountedBallot,
        )


class Migration(migrations.Migration):
    dependencies = [("budgets", "0004_counted_ballot")]

    # Not reversible: what was removed cannot be told again.
    operations = [migrations.RunPython(anonymise, migrations.RunPython.noop)]
