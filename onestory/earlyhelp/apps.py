from django.apps import AppConfig


class EarlyHelpConfig(AppConfig):
    name = "onestory.earlyhelp"
    label = "earlyhelp"
    verbose_name = "Early help"
    default_auto_field = "django.db.models.BigAutoField"
