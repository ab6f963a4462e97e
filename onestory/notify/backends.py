"""Where messages go: GOV.UK Notify when settings.ONESTORY_NOTIFY_API_KEY is set, otherwise the
console (the demo), which logs only the prompt's key and a masked address."""

import logging

from django.conf import settings

logger = logging.getLogger("onestory.notify")


def mask(address: str) -> str:
    """'sam.jones@example.org' -> 's***@***.org'; '07700900123' -> '*******0123'."""
    if "@" in address:
        local, _, domain = address.partition("@")
        return f"{local[:1]}***@***.{domain.rsplit('.', 1)[-1]}"
    return "*" * max(len(address) - 4, 0) + address[-4:]


class ConsoleBackend:
    def send(self, *, channel: str, address: str, prompt: str, text: str) -> str:
        logger.info("notify %s %s to %s", channel, prompt, mask(address))
        return "console"


class NotifyBackend:
    """GOV.UK Notify, with one e-mail and one text template whose only personalisation is
    ((message)): the prompt's fixed text."""

    def __init__(self, api_key: str):
        from notifications_python_client.notifications import NotificationsAPIClient

        self.client = NotificationsAPIClient(api_key)

    def send(self, *, channel: str, address: str, prompt: str, text: str) -> str:
        personalisation = {"message": text}
        if channel == "email":
            response = self.client.send_email_notification(
                email_address=address,
                template_id=settings.ONESTORY_NOTIFY_EMAIL_TEMPLATE_ID,
                personalisation=personalisation,
                reference=prompt,
            )
        else:
            response = self.client.send_sms_notification(
                phone_number=address,
                template_id=settings.ONESTORY_NOTIFY_SMS_TEMPLATE_ID,
                personalisation=personalisation,
                reference=prompt,
            )
        return str(response.get("id", ""))


def backend():
    key = settings.ONESTORY_NOTIFY_API_KEY
    return NotifyBackend(key) if key else ConsoleBackend()
