from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "onestory.workforce"
    label = "workforce"
