"""Known to us? and the possible-duplicates queue."""

from onestory.access.decorators import access_rule


@access_rule("signed_in")
def search(request):
    raise NotImplementedError  # built by the matching work in progress


@access_rule("roles:frontdoor,manager")
def duplicates(request):
    raise NotImplementedError  # built by the matching work in progress
