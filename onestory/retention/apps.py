from django.apps import AppConfig


class RetentionConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "onestory.retention"
    verbose_name = "Retention and disposal"
