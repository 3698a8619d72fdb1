app_name = "ulm_privacy"

urlpatterns: list = []
