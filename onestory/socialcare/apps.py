from django.apps import AppConfig


class SocialCareConfig(AppConfig):
    name = "onestory.socialcare"
    label = "socialcare"
    verbose_name = "Children's social care"
    default_auto_field = "django.db.models.BigAutoField"
