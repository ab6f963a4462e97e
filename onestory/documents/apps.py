from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "onestory.documents"
    verbose_name = "Documents, letters and reports"
