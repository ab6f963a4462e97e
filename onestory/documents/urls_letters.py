"""Letter and report templates, letters produced for each recipient, approval and release."""

urlpatterns: list = []
