from django.conf import settings


def service(request):
    return {"council_name": settings.ONESTORY_COUNCIL_NAME, "service_name": "onestory"}
