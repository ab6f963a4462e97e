from django.apps import AppConfig


class NotifyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "onestory.notify"
    verbose_name = "Notifications by e-mail and text message"
