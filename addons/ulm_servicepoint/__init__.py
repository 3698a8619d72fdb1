"""ulm_servicepoint: the service center's platform pieces on top of django-helpdesk."""
