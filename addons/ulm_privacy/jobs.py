"""Background jobs of ulm_privacy (procrastinate). Each is one call into the addon's modules."""

from procrastinate.contrib.django import app

from ulm_privacy import rights


@app.task(name="ulm_privacy.build_access_package", queue="default")
def build_access_package(request_id: int) -> None:
    """Makes one requested Art. 15 package (its ZIP); a failure is recorded on the request."""
    rights.run_access_package(request_id)
