from django.apps import AppConfig


class SarConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "onestory.sar"
    verbose_name = "Subject access requests"
