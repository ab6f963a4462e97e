from django.apps import AppConfig


class RecordingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "onestory.recording"
    verbose_name = "Case recording"
