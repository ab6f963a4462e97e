from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "onestory.people"
    label = "people"
