from django.apps import AppConfig


class PathwaysConfig(AppConfig):
    name = "onestory.pathways"
    label = "pathways"
    verbose_name = "Pathways and contexts"
    default_auto_field = "django.db.models.BigAutoField"
