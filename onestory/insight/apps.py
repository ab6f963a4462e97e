from django.apps import AppConfig


class InsightConfig(AppConfig):
    name = "onestory.insight"
    label = "insight"
    verbose_name = "Performance hub"
    default_auto_field = "django.db.models.BigAutoField"
