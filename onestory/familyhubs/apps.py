from django.apps import AppConfig


class FamilyhubsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "onestory.familyhubs"
    verbose_name = "Family hubs"
