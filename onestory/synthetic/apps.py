from django.apps import AppConfig


class SyntheticConfig(AppConfig):
    name = "onestory.synthetic"
    label = "synthetic"
