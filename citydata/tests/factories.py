import factory

from citydata.models import ApiToken, Dataset, Granularity, Partner

STREETS = ["Langestraat", "Krommestraat", "Hof"]


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Ondernemersvereniging {n}")

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        if create and extracted:
            self.members.add(*extracted)


class DatasetFactory(factory.django.DjangoModelFactory):
    """Footfall per street per day."""

    class Meta:
        model = Dataset

    partner = factory.SubFactory(PartnerFactory)
    slug = factory.Sequence(lambda n: f"passanten-{n}")
    name_nl = factory.Sequence(lambda n: f"Passanten {n}")
    name_en = factory.Sequence(lambda n: f"Footfall {n}")
    granularity = Granularity.DAY
    dimensions = factory.LazyFunction(
        lambda: [{"name": "street", "label_nl": "straat", "label_en": "street", "values": STREETS}]
    )
    measure_nl = "passanten"
    measure_en = "passers-by"
    minimum = 0
    maximum = 100_000
    licence = "CC BY 4.0"
    source = "Binnenstadsondernemers"


def make_token(partner, name="Telpaal"):
    """A token of ``partner``; returns (the stored token, its plain value)."""
    token = ApiToken(partner=partner, name=name)
    plain = token.new_token()
    token.save()
    return token, plain
