"""Django project of ulm-servicepoint: settings, URLs, entry points."""
