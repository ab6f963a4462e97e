"""Case recording's pages: case notes, drafts, management oversight and supervision."""

app_name = "recording"
urlpatterns: list = []
